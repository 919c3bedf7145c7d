"""build_payload: the exact JSON each Kie endpoint expects, per model and option set."""

from __future__ import annotations

import pytest

from kie.registry import build_payload, validate_request

PROMPT = "A slow dolly shot around a ceramic mug on a sunlit table."
IMG1 = "https://media.kie.invalid/first.png"
IMG2 = "https://media.kie.invalid/last.png"
VID = "https://media.kie.invalid/dance.mp4"
CB = "https://adstudio.example/kie/callback?token=abc"


def payload(model_id: str, *, callback_url: str | None = None, **kwargs: object) -> dict:
    kwargs.setdefault("prompt", PROMPT)
    return build_payload(validate_request(model_id, **kwargs), callback_url=callback_url)


@pytest.mark.parametrize("model_id", ["veo3", "veo3_fast"])
def test_veo_without_images_is_text_to_video_with_defaults(model_id: str) -> None:
    assert payload(model_id) == {
        "prompt": PROMPT,
        "model": model_id,
        "generationType": "TEXT_2_VIDEO",
        "aspect_ratio": "16:9",
    }


def test_veo_with_one_image_unfolds_around_it_and_sends_callback() -> None:
    assert payload(
        "veo3", image_urls=[IMG1], options={"aspect_ratio": "9:16"}, callback_url=CB
    ) == {
        "prompt": PROMPT,
        "model": "veo3",
        "generationType": "FIRST_AND_LAST_FRAMES_2_VIDEO",
        "aspect_ratio": "9:16",
        "imageUrls": [IMG1],
        "callBackUrl": CB,
    }


def test_veo_with_two_images_goes_from_first_to_last_frame() -> None:
    assert payload("veo3_fast", image_urls=[IMG1, IMG2], options={"aspect_ratio": "Auto"}) == {
        "prompt": PROMPT,
        "model": "veo3_fast",
        "generationType": "FIRST_AND_LAST_FRAMES_2_VIDEO",
        "aspect_ratio": "Auto",
        "imageUrls": [IMG1, IMG2],
    }


def test_veo_never_sends_camel_case_aspect_ratio_or_deprecated_fallback() -> None:
    body = payload("veo3", image_urls=[IMG1], callback_url=CB)

    assert "aspectRatio" not in body
    assert "enableFallback" not in body


def test_sora_image_to_video_defaults_are_sent_explicitly() -> None:
    assert payload("sora-2-pro-image-to-video", image_urls=[IMG1]) == {
        "model": "sora-2-pro-image-to-video",
        "input": {
            "prompt": PROMPT,
            "image_urls": [IMG1],
            "aspect_ratio": "landscape",
            "n_frames": "10",
            "size": "standard",
            "remove_watermark": True,
            "upload_method": "s3",
        },
    }


def test_sora_image_to_video_with_every_option_changed_and_callback() -> None:
    options = {
        "aspect_ratio": "portrait",
        "n_frames": 15,
        "size": "high",
        "remove_watermark": "false",
        "upload_method": "oss",
    }
    body = payload("sora-2-pro-image-to-video", image_urls=[IMG1], options=options, callback_url=CB)

    assert body == {
        "model": "sora-2-pro-image-to-video",
        "callBackUrl": CB,
        "input": {
            "prompt": PROMPT,
            "image_urls": [IMG1],
            "aspect_ratio": "portrait",
            "n_frames": "15",
            "size": "high",
            "remove_watermark": False,
            "upload_method": "oss",
        },
    }


def test_sora_text_to_video_defaults_to_high_size_and_sends_no_images() -> None:
    assert payload("sora-2-pro-text-to-video") == {
        "model": "sora-2-pro-text-to-video",
        "input": {
            "prompt": PROMPT,
            "aspect_ratio": "landscape",
            "n_frames": "10",
            "size": "high",
            "remove_watermark": True,
            "upload_method": "s3",
        },
    }


def test_sora_text_to_video_with_standard_size_portrait_and_callback() -> None:
    options = {"size": "standard", "aspect_ratio": "portrait", "n_frames": "15"}
    body = payload("sora-2-pro-text-to-video", options=options, callback_url=CB)

    assert body == {
        "model": "sora-2-pro-text-to-video",
        "callBackUrl": CB,
        "input": {
            "prompt": PROMPT,
            "aspect_ratio": "portrait",
            "n_frames": "15",
            "size": "standard",
            "remove_watermark": True,
            "upload_method": "s3",
        },
    }


def test_kling_image_to_video_always_sends_duration_as_string_and_sound() -> None:
    assert payload("kling-2.6/image-to-video", image_urls=[IMG1]) == {
        "model": "kling-2.6/image-to-video",
        "input": {"prompt": PROMPT, "image_urls": [IMG1], "duration": "5", "sound": False},
    }


def test_kling_image_to_video_ten_seconds_with_sound_and_callback() -> None:
    body = payload(
        "kling-2.6/image-to-video",
        image_urls=[IMG1],
        options={"duration": 10, "sound": True},
        callback_url=CB,
    )

    assert body == {
        "model": "kling-2.6/image-to-video",
        "callBackUrl": CB,
        "input": {"prompt": PROMPT, "image_urls": [IMG1], "duration": "10", "sound": True},
    }


def test_motion_control_without_prompt_sends_input_and_video_urls() -> None:
    body = payload("kling-2.6/motion-control", prompt="", image_urls=[IMG1], video_urls=[VID])

    assert body == {
        "model": "kling-2.6/motion-control",
        "input": {
            "input_urls": [IMG1],
            "video_urls": [VID],
            "mode": "720p",
            "character_orientation": "video",
        },
    }


def test_motion_control_with_prompt_options_and_callback() -> None:
    body = payload(
        "kling-2.6/motion-control",
        image_urls=[IMG1],
        video_urls=[VID],
        options={"mode": "1080p", "character_orientation": "image"},
        callback_url=CB,
    )

    assert body == {
        "model": "kling-2.6/motion-control",
        "callBackUrl": CB,
        "input": {
            "prompt": PROMPT,
            "input_urls": [IMG1],
            "video_urls": [VID],
            "mode": "1080p",
            "character_orientation": "image",
        },
    }


@pytest.mark.parametrize("callback_url", [None, ""])
def test_no_callback_url_key_when_none_is_given(callback_url: str | None) -> None:
    body = payload("kling-2.6/image-to-video", image_urls=[IMG1], callback_url=callback_url)

    assert "callBackUrl" not in body


def test_prompt_and_urls_are_sent_without_surrounding_whitespace() -> None:
    body = payload("kling-2.6/image-to-video", prompt=f"  {PROMPT}\n", image_urls=[f" {IMG1} "])

    assert body["input"]["prompt"] == PROMPT
    assert body["input"]["image_urls"] == [IMG1]
