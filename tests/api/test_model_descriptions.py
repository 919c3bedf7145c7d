"""GET /api/models: every registry model described as the frontend needs it, in one serializer."""

from __future__ import annotations

import json
from typing import Any

import pytest

from campaigns.api.serializers import ModelDescriptionSerializer
from campaigns.services.catalog import ModelListing
from kie.registry import all_models, estimate_credits, get_model, validate_request

ALL_IDS = [model.id for model in all_models()]
SORA_T2V = "sora-2-pro-text-to-video"
MOTION = "kling-2.6/motion-control"
IMG = "https://media.kie.invalid/product.png"
VID = "https://media.kie.invalid/dance.mp4"


def describe_model(model) -> dict[str, Any]:
    return json.loads(json.dumps(ModelDescriptionSerializer(ModelListing(model, None)).data))


def request_for(model_id: str, options: dict[str, Any]):
    model = get_model(model_id)
    images = [IMG] * model.media.min_images
    videos = [VID] * model.media.videos
    return validate_request(
        model_id, prompt="p", options=options, image_urls=images, video_urls=videos
    )


@pytest.mark.parametrize("model_id", ALL_IDS)
def test_describe_model_is_json_ready_and_complete(model_id: str) -> None:
    model = get_model(model_id)

    described = describe_model(model)

    assert set(described) == {
        "id", "label", "provider", "media", "options", "promptMaxChars", "promptRequired",
        "clipSeconds", "estimatedCredits", "prices", "usesStartImage", "available",
        "unavailableReason",
    }  # fmt: skip
    assert described["id"] == model_id
    assert described["label"] == model.label
    assert described["provider"] == model.provider.value
    assert described["media"] == {
        "minImages": model.media.min_images,
        "maxImages": model.media.max_images,
        "videos": model.media.videos,
    }
    assert [option["name"] for option in described["options"]] == [
        o.api_name for o in model.options
    ]
    assert [option["kieName"] for option in described["options"]] == [o.name for o in model.options]
    assert described["estimatedCredits"] == estimate_credits(request_for(model_id, {}))
    assert described["clipSeconds"] == model.clip_seconds({})


@pytest.mark.parametrize("model_id", ALL_IDS)
def test_described_options_round_trip_through_validation(model_id: str) -> None:
    # The UI sends back what GET /api/models offered: every choice must validate as itself.
    for option in describe_model(get_model(model_id))["options"]:
        assert set(option) == {"name", "kieName", "label", "kind", "choices", "default", "help"}
        assert option["default"] in option["choices"]
        for choice in option["choices"]:
            request = request_for(model_id, {option["name"]: choice})
            assert request.options[option["kieName"]] == choice


def test_describe_model_reports_the_sora_text_to_video_defaults() -> None:
    described = describe_model(get_model(SORA_T2V))

    assert described["provider"] == "jobs"
    assert described["promptMaxChars"] == 10000
    assert described["promptRequired"] is True
    assert described["clipSeconds"] == 10
    assert described["estimatedCredits"] == 330
    size = next(option for option in described["options"] if option["name"] == "size")
    assert size == {
        "name": "size",
        "kieName": "size",
        "label": size["label"],
        "kind": "choice",
        "choices": ["standard", "high"],
        "default": "high",
        "help": size["help"],
    }


def test_describe_motion_control_has_no_fixed_clip_and_optional_prompt() -> None:
    described = describe_model(get_model(MOTION))

    assert described["clipSeconds"] is None
    assert described["promptRequired"] is False
    assert described["media"] == {"minImages": 1, "maxImages": 1, "videos": 1}
