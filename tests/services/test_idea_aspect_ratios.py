"""Ideas suggest only aspect ratios the video models can make, and one their own model makes."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import responses

from campaigns.services import idea_schema
from campaigns.services.idea_schema import (
    IDEAS_SCHEMA,
    fit_aspect_ratio,
    model_aspect_ratios,
)
from campaigns.services.ideas import generate_ideas
from kie.registry import all_models, get_model
from kie.registry.spec import choice_option
from tests.factories import make_product
from tests.services.kie_stubs import CHAT_URL, chat_answer, idea_dicts, sent_json

pytestmark = pytest.mark.django_db


def _schema_ratios() -> list[str]:
    return IDEAS_SCHEMA["properties"]["ideas"]["items"]["properties"]["aspect_ratio"]["enum"]


def test_schema_offers_only_ratios_some_registry_model_makes() -> None:
    made = {ratio for model in all_models() for ratio in model_aspect_ratios(model)}

    assert set(_schema_ratios()) == made
    assert "1:1" not in _schema_ratios()


@pytest.mark.parametrize(
    ("model_id", "ratios"),
    [
        ("veo3", ("16:9", "9:16")),  # "Auto" is no frame to suggest
        ("sora-2-pro-image-to-video", ("16:9", "9:16")),  # landscape / portrait
        ("kling-2.6/image-to-video", ()),  # keeps the photo's frame
        ("kling-2.6/motion-control", ()),
    ],
)
def test_each_model_makes_the_ratios_its_registry_options_declare(model_id, ratios) -> None:
    assert model_aspect_ratios(get_model(model_id)) == ratios


def test_a_ratio_added_to_a_model_in_the_registry_is_offered_without_code_changes() -> None:
    square = choice_option("aspect_ratio", ("1:1", "16:9"), "1:1", "Aspect ratio")
    model = replace(get_model("veo3"), id="square-video", options=(square,))

    assert model_aspect_ratios(model) == ("1:1", "16:9")


@pytest.mark.parametrize(
    ("ratio", "model_id", "kept"),
    [
        ("9:16", "veo3_fast", "9:16"),
        ("16:9", "sora-2-pro-text-to-video", "16:9"),
        ("1:1", "veo3", ""),
        ("9:16", "kling-2.6/image-to-video", ""),
        ("9:16", "", "9:16"),
        ("1:1", "", ""),
    ],
)
def test_an_ideas_ratio_is_kept_only_when_its_model_can_make_it(ratio, model_id, kept) -> None:
    assert fit_aspect_ratio(ratio, model_id) == kept


@responses.activate
def test_stored_ideas_carry_only_ratios_their_suggested_model_makes() -> None:
    items = idea_dicts()
    items[0] |= {"suggested_model": "veo3", "aspect_ratio": "1:1"}
    items[1] |= {"suggested_model": "kling-2.6/image-to-video", "aspect_ratio": "9:16"}
    items[2] |= {"suggested_model": "sora-2-pro-image-to-video", "aspect_ratio": "16:9"}
    responses.post(CHAT_URL, json=chat_answer(json.dumps({"ideas": items})))
    product = make_product(source_image_url="https://cdn.example.com/bottle.png")

    ideas = generate_ideas(product)

    assert [idea.aspect_ratio for idea in ideas[:3]] == ["", "", "16:9"]


@responses.activate
def test_instructions_tell_gemini_which_ratios_each_model_makes() -> None:
    responses.post(CHAT_URL, json=chat_answer(json.dumps({"ideas": idea_dicts()})))

    generate_ideas(make_product(source_image_url="https://cdn.example.com/bottle.png"))

    parts = sent_json(responses.calls[0])["messages"][0]["content"]
    text = next(part["text"] for part in parts if part["type"] == "text")
    assert "(16:9 or 9:16)" in text
    assert "veo3 makes 16:9 or 9:16" in text
    assert "1:1" not in text


def test_sandbox_ideas_only_use_ratios_their_model_makes(kie_sandbox) -> None:
    product = make_product(source_image_url=f"{kie_sandbox.base_url}/media/poster.jpg")

    ideas = generate_ideas(product)

    for idea in ideas:
        model = get_model(idea.suggested_model) if idea.suggested_model else None
        allowed = model_aspect_ratios(model) if model else idea_schema.ASPECT_RATIOS
        assert idea.aspect_ratio in (*allowed, "")
