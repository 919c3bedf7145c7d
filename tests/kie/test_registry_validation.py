"""validate_request: every bad field is named, with what would be accepted instead."""

from __future__ import annotations

from typing import Any

import pytest

from kie.registry import (
    RegistryValidationError,
    UnknownModelError,
    all_models,
    validate_request,
)

IMG = "https://media.kie.invalid/product.png"
VID = "https://media.kie.invalid/dance.mp4"
KLING = "kling-2.6/image-to-video"
MOTION = "kling-2.6/motion-control"
SORA_I2V = "sora-2-pro-image-to-video"
SORA_T2V = "sora-2-pro-text-to-video"

# Minimal valid arguments per model; each error case below changes one thing.
VALID: dict[str, dict[str, Any]] = {
    "veo3": {"prompt": "p"},
    "veo3_fast": {"prompt": "p"},
    SORA_I2V: {"prompt": "p", "image_urls": [IMG]},
    SORA_T2V: {"prompt": "p"},
    KLING: {"prompt": "p", "image_urls": [IMG]},
    MOTION: {"prompt": "", "image_urls": [IMG], "video_urls": [VID]},
}


def errors_for(model_id: str, **changes: Any) -> dict[str, str]:
    with pytest.raises(RegistryValidationError) as caught:
        validate_request(model_id, **{**VALID[model_id], **changes})
    return caught.value.fields


@pytest.mark.parametrize("model_id", list(VALID))
def test_minimal_request_is_valid_for_every_model(model_id: str) -> None:
    request = validate_request(model_id, **VALID[model_id])

    assert request.model.id == model_id
    assert set(request.options) == {option.name for option in request.model.options}


def test_unknown_model_names_every_valid_id() -> None:
    with pytest.raises(UnknownModelError) as caught:
        validate_request("sora-3", prompt="p")

    message = caught.value.fields["model"]
    assert "'sora-3'" in message
    for model in all_models():
        assert model.id in message
    assert isinstance(caught.value, RegistryValidationError)


@pytest.mark.parametrize(
    ("model_id", "changes", "field", "expected"),
    [
        # options
        ("veo3", {"options": {"duration": "5"}}, "options.duration", "options: aspectRatio"),
        (KLING, {"options": {"size": "high"}}, "options.size", "allowed options: duration, sound"),
        (KLING, {"options": {"duration": "7"}}, "options.duration", 'must be one of "5", "10"'),
        (KLING, {"options": {"duration": 15}}, "options.duration", 'must be one of "5", "10"'),
        (KLING, {"options": {"duration": True}}, "options.duration", 'must be one of "5", "10"'),
        (KLING, {"options": {"sound": "yes"}}, "options.sound", "must be true or false"),
        (KLING, {"options": {"sound": 1}}, "options.sound", "must be true or false"),
        (KLING, {"options": {"sound": "1"}}, "options.sound", "must be true or false"),
        (KLING, {"options": {"sound": None}}, "options.sound", "must be true or false"),
        ("veo3", {"options": {"aspect_ratio": "4:3"}}, "options.aspect_ratio", '"16:9", "9:16"'),
        (SORA_I2V, {"options": {"n_frames": 20}}, "options.n_frames", 'must be one of "10", "15"'),
        (SORA_I2V, {"options": {"size": "ultra"}}, "options.size", '"standard", "high"'),
        (SORA_I2V, {"options": {"upload_method": "ftp"}}, "options.upload_method", '"s3", "oss"'),
        (SORA_T2V, {"options": {"remove_watermark": "no"}}, "options.remove_watermark", "true"),
        (MOTION, {"options": {"mode": "4k"}}, "options.mode", 'must be one of "720p", "1080p"'),
        (MOTION, {"options": {"character_orientation": "x"}}, "options.character_orientation",
         '"image", "video"'),
        (KLING, {"options": ["duration"]}, "options", "must be an object"),
        # prompt
        ("veo3", {"prompt": ""}, "prompt", "a prompt is required for veo3"),
        (KLING, {"prompt": "   \n"}, "prompt", "a prompt is required"),
        (SORA_T2V, {"prompt": None}, "prompt", "a prompt is required"),
        (KLING, {"prompt": 42}, "prompt", "must be text"),
        (KLING, {"prompt": "x" * 1001}, "prompt", "at most 1,000 characters"),
        (KLING, {"prompt": "x" * 1001}, "prompt", "this prompt has 1,001"),
        (SORA_I2V, {"prompt": "x" * 10_001}, "prompt", "at most 10,000 characters"),
        (MOTION, {"prompt": "x" * 2501}, "prompt", "at most 2,500 characters"),
        ("veo3_fast", {"prompt": "x" * 5001}, "prompt", "at most 5,000 characters"),
        # images
        (KLING, {"image_urls": []}, "imageUrls", f"{KLING} needs exactly 1 image"),
        (KLING, {"image_urls": [IMG, IMG]}, "imageUrls", f"{KLING} needs exactly 1 image"),
        (SORA_I2V, {"image_urls": []}, "imageUrls", f"{SORA_I2V} needs exactly 1 image"),
        (MOTION, {"image_urls": []}, "imageUrls", f"{MOTION} needs exactly 1 image"),
        ("veo3", {"image_urls": [IMG] * 3}, "imageUrls", "veo3 takes 0 to 2 images (got 3)"),
        (SORA_T2V, {"image_urls": [IMG]}, "imageUrls", f"{SORA_T2V} takes no images"),
        (KLING, {"image_urls": ["ftp://x/y.png"]}, "imageUrls", "must start with http://"),
        (KLING, {"image_urls": ["product.png"]}, "imageUrls", "must start with http://"),
        (KLING, {"image_urls": ["https://"]}, "imageUrls", "must start with http://"),
        (KLING, {"image_urls": [None]}, "imageUrls", "must start with http://"),
        ("veo3", {"image_urls": [IMG, "javascript:alert(1)"]}, "imageUrls", "http:// or https://"),
        # reference video
        (MOTION, {"video_urls": []}, "videoUrl", f"{MOTION} needs exactly 1 reference video"),
        (MOTION, {"video_urls": [VID, VID]}, "videoUrl", "needs exactly 1 reference video"),
        (MOTION, {"video_urls": ["file:///etc/passwd"]}, "videoUrl", "must start with http://"),
        (KLING, {"video_urls": [VID]}, "videoUrl", f"{KLING} takes no reference video"),
        ("veo3", {"video_urls": [VID]}, "videoUrl", "veo3 takes no reference video"),
    ],
)  # fmt: skip
def test_invalid_field_is_named_with_what_is_allowed(
    model_id: str, changes: dict[str, Any], field: str, expected: str
) -> None:
    fields = errors_for(model_id, **changes)

    assert list(fields) == [field]
    assert expected in fields[field]


def test_every_field_error_is_reported_at_once() -> None:
    fields = errors_for(
        KLING,
        prompt="",
        options={"duration": "7", "sound": "maybe", "colour": "red"},
        image_urls=[],
        video_urls=[VID],
    )

    assert set(fields) == {
        "prompt",
        "options.duration",
        "options.sound",
        "options.colour",
        "imageUrls",
        "videoUrl",
    }


def test_error_message_lists_each_field_and_its_problem() -> None:
    with pytest.raises(RegistryValidationError) as caught:
        validate_request(KLING, prompt="p", image_urls=[IMG], options={"duration": "7"})

    assert str(caught.value) == 'options.duration: must be one of "5", "10" (got "7")'


@pytest.mark.parametrize(
    ("model_id", "options", "expected"),
    [
        (KLING, {"duration": 10}, {"duration": "10", "sound": False}),
        (KLING, {"duration": "10", "sound": "true"}, {"duration": "10", "sound": True}),
        (KLING, {"sound": True}, {"duration": "5", "sound": True}),
        (SORA_T2V, {"n_frames": 15, "remove_watermark": "false"},
         {"aspect_ratio": "landscape", "n_frames": "15", "size": "high",
          "remove_watermark": False, "upload_method": "s3"}),
        ("veo3", {"aspect_ratio": "auto"}, {"aspect_ratio": "Auto"}),
        (MOTION, None, {"mode": "720p", "character_orientation": "video"}),
        (MOTION, {"mode": "1080P"}, {"mode": "1080p", "character_orientation": "video"}),
    ],
)  # fmt: skip
def test_options_are_normalised_to_kie_values_with_defaults_filled_in(
    model_id: str, options: dict[str, Any] | None, expected: dict[str, Any]
) -> None:
    request = validate_request(model_id, **{**VALID[model_id], "options": options})

    assert request.options == expected


def test_motion_control_accepts_a_missing_prompt() -> None:
    request = validate_request(MOTION, prompt="  ", image_urls=[IMG], video_urls=[VID])

    assert request.prompt == ""


def test_a_single_url_string_counts_as_one_url() -> None:
    request = validate_request(MOTION, prompt="", image_urls=IMG, video_urls=VID)

    assert request.image_urls == (IMG,)
    assert request.video_urls == (VID,)


def test_prompt_at_the_limit_is_accepted() -> None:
    request = validate_request(KLING, prompt="x" * 1000, image_urls=[IMG])

    assert len(request.prompt) == 1000


@pytest.mark.parametrize(
    ("model_id", "given", "kie_name", "value"),
    [
        ("veo3_fast", {"aspectRatio": "9:16"}, "aspect_ratio", "9:16"),
        (SORA_I2V, {"nFrames": 15}, "n_frames", "15"),
        (SORA_I2V, {"removeWatermark": False}, "remove_watermark", False),
        (MOTION, {"characterOrientation": "image"}, "character_orientation", "image"),
    ],
)
def test_options_take_the_apis_camel_case_names_too(model_id, given, kie_name, value):
    request = request_for(model_id, given)

    assert request.options[kie_name] == value  # stored and sent under Kie's name


def test_an_option_given_under_both_names_is_refused_naming_both():
    with pytest.raises(RegistryValidationError) as caught:
        request_for("veo3_fast", {"aspectRatio": "9:16", "aspect_ratio": "16:9"})

    assert caught.value.fields == {
        "options.aspect_ratio": "give aspectRatio or aspect_ratio, not both"
    }


def test_a_bad_value_is_named_as_the_client_wrote_the_option():
    with pytest.raises(RegistryValidationError) as caught:
        request_for(SORA_I2V, {"nFrames": "12"})

    assert list(caught.value.fields) == ["options.nFrames"]


def request_for(model_id: str, options: dict[str, Any]):
    return validate_request(model_id, **{**VALID[model_id], "options": options})
