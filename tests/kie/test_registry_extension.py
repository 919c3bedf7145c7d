"""A new model is a declaration: validation, payloads, prices and description need no new code."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kie.registry import (
    MODELS_BY_ID,
    MediaNeeds,
    OptionSpec,
    RegistryValidationError,
    VideoModel,
    alternatives,
    build_payload,
    estimate_credits,
    validate_request,
)
from kie.registry.spec import CreditTable, bool_option, choice_option
from kie.types import Provider

IMG = "https://media.kie.invalid/product.png"
CB = "https://adstudio.example/kie/callback"


def make_model(**overrides: Any) -> VideoModel:
    fields: dict[str, Any] = {
        "id": "acme/start-frame-video",
        "label": "Acme Start Frame",
        "provider": Provider.JOBS,
        "media": MediaNeeds(min_images=0, max_images=1, image_param="start_frame_urls"),
        "options": (
            choice_option("resolution", ("480p", "720p"), "480p", "Resolution"),
            choice_option("seconds", ("4", "8"), "4", "Length (seconds)"),
            bool_option("loop", False, "Loop"),
        ),
        "prompt_max_chars": 300,
        "prompt_required": True,
        "credits": CreditTable(
            ("resolution", "seconds"),
            {("480p", "4"): 8, ("480p", "8"): 16, ("720p", "4"): 12, ("720p", "8"): 24},
        ),
        "clip_seconds_option": "seconds",
    }
    return VideoModel(**{**fields, **overrides})


@pytest.fixture
def acme(monkeypatch: pytest.MonkeyPatch) -> VideoModel:
    model = make_model()
    monkeypatch.setitem(MODELS_BY_ID, model.id, model)
    return model


def test_seventh_jobs_model_builds_its_payload_from_the_declaration(acme: VideoModel) -> None:
    request = validate_request(
        acme.id, prompt="spin", image_urls=[IMG], options={"resolution": "720p", "seconds": 8}
    )

    assert build_payload(request, callback_url=CB) == {
        "model": "acme/start-frame-video",
        "callBackUrl": CB,
        "input": {
            "prompt": "spin",
            "start_frame_urls": [IMG],
            "resolution": "720p",
            "seconds": "8",
            "loop": False,
        },
    }
    assert estimate_credits(request) == Decimal(24)
    assert acme.clip_seconds(request.options) == 8


def test_seventh_model_is_validated_from_the_declaration(acme: VideoModel) -> None:
    with pytest.raises(RegistryValidationError) as caught:
        validate_request(
            acme.id, prompt="x" * 301, image_urls=[IMG, IMG], options={"resolution": "1080p"}
        )

    assert caught.value.fields == {
        "prompt": (
            "Acme Start Frame accepts at most 300 characters; this prompt has 301. Shorten it by 1."
        ),
        "imageUrls": "acme/start-frame-video takes 0 to 1 images (got 2)",
        "options.resolution": 'must be one of "480p", "720p" (got "1080p")',
    }


def test_seventh_model_is_described_and_offered_as_an_alternative(
    acme: VideoModel, settings: Any
) -> None:
    settings.KIE_UNAVAILABLE_MODELS = {}

    assert acme.estimate_credits({}) == 8
    assert acme.clip_seconds({}) == 4
    assert acme in alternatives("sora-2-pro-text-to-video")


def test_seventh_veo_model_uses_the_veo_payload(monkeypatch: pytest.MonkeyPatch) -> None:
    lite = make_model(
        id="veo3_lite",
        provider=Provider.VEO,
        media=MediaNeeds(min_images=0, max_images=2, image_param="imageUrls"),
        options=(choice_option("aspect_ratio", ("16:9", "9:16"), "16:9", "Aspect ratio"),),
        credits=CreditTable.flat(30),
        clip_seconds_option=None,
        fixed_clip_seconds=8,
    )
    monkeypatch.setitem(MODELS_BY_ID, lite.id, lite)

    request = validate_request("veo3_lite", prompt="p", image_urls=[IMG])

    assert build_payload(request) == {
        "prompt": "p",
        "model": "veo3_lite",
        "generationType": "FIRST_AND_LAST_FRAMES_2_VIDEO",
        "aspect_ratio": "16:9",
        "imageUrls": [IMG],
    }


def test_declaration_without_a_price_for_every_combination_is_refused() -> None:
    with pytest.raises(ValueError, match="no credit estimate"):
        make_model(credits=CreditTable(("resolution",), {("480p",): 8}))


def test_declaration_with_a_default_outside_its_choices_is_refused() -> None:
    with pytest.raises(ValueError, match="not a choice"):
        OptionSpec("seconds", "seconds", "choice", ("4", "8"), "6", "Length")


def test_declaration_with_a_non_numeric_clip_option_is_refused() -> None:
    with pytest.raises(ValueError, match="whole seconds"):
        make_model(clip_seconds_option="resolution")
