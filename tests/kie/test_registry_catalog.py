"""The declared models: prices, clip lengths, availability, alternatives and their description."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import kie.registry
from kie.registry import (
    UnknownModelError,
    all_models,
    alternatives,
    estimate_credits,
    get_model,
    validate_request,
)

IMG = "https://media.kie.invalid/product.png"
VID = "https://media.kie.invalid/dance.mp4"
SORA_I2V = "sora-2-pro-image-to-video"
SORA_T2V = "sora-2-pro-text-to-video"
KLING = "kling-2.6/image-to-video"
MOTION = "kling-2.6/motion-control"
ALL_IDS = ["veo3", "veo3_fast", SORA_I2V, SORA_T2V, KLING, MOTION]
MEDIA = {SORA_I2V: {"image_urls": [IMG]}, KLING: {"image_urls": [IMG]}}
MEDIA[MOTION] = {"image_urls": [IMG], "video_urls": [VID]}


def request_for(model_id: str, options: dict[str, Any]) -> kie.registry.VideoRequest:
    return validate_request(model_id, prompt="p", options=options, **MEDIA.get(model_id, {}))


def test_the_six_models_are_declared_in_order() -> None:
    assert [model.id for model in all_models()] == ALL_IDS


@pytest.mark.parametrize(
    ("model_id", "options", "credits"),
    [
        ("veo3_fast", {}, 60),
        ("veo3", {}, 250),
        ("veo3", {"aspect_ratio": "9:16"}, 250),
        (SORA_I2V, {}, 150),
        (SORA_I2V, {"size": "standard", "n_frames": "15"}, 270),
        (SORA_I2V, {"size": "high", "n_frames": "10"}, 330),
        (SORA_I2V, {"size": "high", "n_frames": 15}, 630),
        (SORA_T2V, {}, 330),
        (SORA_T2V, {"size": "standard"}, 150),
        (SORA_T2V, {"n_frames": "15"}, 630),
        (KLING, {}, 55),
        (KLING, {"sound": True}, 110),
        (KLING, {"duration": "10"}, 110),
        (KLING, {"duration": "10", "sound": "true"}, 220),
        # Worst case: 11/18 credits a second times the longest reference allowed (10 s / 30 s).
        (MOTION, {}, 330),
        (MOTION, {"character_orientation": "image"}, 110),
        (MOTION, {"mode": "1080p"}, 540),
        (MOTION, {"mode": "1080p", "character_orientation": "image"}, 180),
    ],
)
def test_credit_estimate_per_option_combination(
    model_id: str, options: dict[str, Any], credits: int
) -> None:
    request = request_for(model_id, options)

    assert estimate_credits(request) == Decimal(credits)
    assert get_model(model_id).estimate_credits(options) == Decimal(credits)


@pytest.mark.parametrize(
    ("model_id", "options", "seconds"),
    [
        ("veo3", {}, 8),
        ("veo3_fast", {"aspect_ratio": "Auto"}, 8),
        (SORA_I2V, {}, 10),
        (SORA_T2V, {"n_frames": "15"}, 15),
        (KLING, {}, 5),
        (KLING, {"duration": 10}, 10),
        (MOTION, {"mode": "1080p"}, None),
    ],
)
def test_clip_seconds_follow_the_length_option(
    model_id: str, options: dict[str, Any], seconds: int | None
) -> None:
    assert get_model(model_id).clip_seconds(options) == seconds


def test_estimate_refuses_options_the_model_does_not_take() -> None:
    with pytest.raises(kie.registry.RegistryValidationError) as caught:
        get_model(KLING).estimate_credits({"duration": "7"})

    assert "options.duration" in caught.value.fields


def test_get_model_of_unknown_id_raises_naming_the_valid_ids() -> None:
    with pytest.raises(UnknownModelError) as caught:
        get_model("kling-3")

    assert all(model_id in caught.value.fields["model"] for model_id in ALL_IDS)


@pytest.mark.parametrize(
    ("model_id", "uses_start_image"),
    [("veo3", True), ("veo3_fast", True), (SORA_I2V, True), (SORA_T2V, False), (KLING, True),
     (MOTION, True)],
)  # fmt: skip
def test_uses_start_image(model_id: str, uses_start_image: bool) -> None:
    assert get_model(model_id).uses_start_image is uses_start_image


@pytest.mark.parametrize(
    ("model_id", "expected"),
    [
        ("veo3", ["veo3_fast", SORA_I2V, SORA_T2V, KLING]),
        (SORA_T2V, ["veo3", "veo3_fast"]),
        (SORA_I2V, [KLING, "veo3", "veo3_fast"]),
        (KLING, [SORA_I2V, "veo3", "veo3_fast"]),
        (MOTION, []),
    ],
)
def test_alternatives_take_the_same_kind_of_input_closest_first(
    model_id: str, expected: list[str]
) -> None:
    assert [model.id for model in alternatives(model_id)] == expected


def test_alternatives_leave_out_the_models_the_caller_says_are_unavailable(settings: Any) -> None:
    settings.KIE_UNAVAILABLE_MODELS = {"veo3_fast": "Down"}  # the registry never reads settings

    found = alternatives(KLING, {SORA_I2V, "veo3"})

    assert [model.id for model in found] == ["veo3_fast"]


def test_alternatives_of_unknown_model_raise() -> None:
    with pytest.raises(UnknownModelError):
        alternatives("nope")
