from __future__ import annotations

import json

import pytest
import responses

from campaigns.models import Idea, Product
from campaigns.services.errors import InsufficientCredits, KieFailed
from campaigns.services.idea_schema import IDEAS_SCHEMA
from campaigns.services.ideas import generate_ideas
from kie.registry import all_models
from tests.factories import make_idea, make_product
from tests.services.kie_stubs import (
    CHAT_URL,
    chat_answer,
    idea_dicts,
    ideas_json,
    kie_fixture,
    sent_json,
)

pytestmark = pytest.mark.django_db


def _product():
    return make_product(
        name="Trail Bottle",
        notes="Keeps drinks cold for 24 hours",
        source_image_url="https://cdn.example.com/trail-bottle.png",
    )


@responses.activate
def test_generate_ideas_stores_ten_ranked_ideas_in_a_new_batch():
    responses.post(CHAT_URL, json=chat_answer(ideas_json()))
    product = _product()
    make_idea(product=product, batch=1, rank=1)
    make_idea(product=product, batch=2, rank=1)

    ideas = generate_ideas(product)

    assert [idea.rank for idea in ideas] == list(range(1, 11))
    assert {idea.batch for idea in ideas} == {3}
    stored = Idea.objects.filter(product=product, batch=3).order_by("rank")
    assert [idea.title for idea in stored] == [f"Idea number {n}" for n in range(1, 11)]
    first = stored[0]
    assert first.scenes == ["Scene 1.1", "Scene 1.2"]
    assert (first.suggested_model, first.aspect_ratio) == ("veo3_fast", "9:16")
    assert Idea.objects.filter(product=product).count() == 12  # earlier batches stay


@responses.activate
def test_chat_request_carries_image_part_stream_false_and_json_schema():
    responses.post(CHAT_URL, json=chat_answer(ideas_json()))

    generate_ideas(_product())

    body = sent_json(responses.calls[0])
    assert body["stream"] is False
    parts = body["messages"][0]["content"]
    assert {
        "type": "image_url",
        "image_url": {"url": "https://cdn.example.com/trail-bottle.png"},
    } in parts
    text = next(part["text"] for part in parts if part["type"] == "text")
    assert "Trail Bottle" in text
    assert "Keeps drinks cold for 24 hours" in text
    assert "10 distinct" in text
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "structured_output", "strict": True, "schema": IDEAS_SCHEMA},
    }


def test_ideas_schema_demands_exactly_ten_ideas_with_registry_models():
    ideas = IDEAS_SCHEMA["properties"]["ideas"]
    item = ideas["items"]

    assert (ideas["minItems"], ideas["maxItems"]) == (10, 10)
    assert set(item["required"]) >= {"title", "hook", "scenes", "suggested_model", "aspect_ratio"}
    assert item["properties"]["suggested_model"]["enum"] == [m.id for m in all_models()]
    assert item["properties"]["aspect_ratio"]["enum"] == ["16:9", "9:16"]
    assert item["properties"]["scenes"] == {"type": "array", "items": {"type": "string"}}


@pytest.mark.parametrize(
    "content",
    [
        "```json\n" + ideas_json() + "\n```",
        "Here are your ideas:\n" + ideas_json() + "\nGood luck!",
        json.dumps(idea_dicts()),  # a bare list instead of {"ideas": [...]}
    ],
    ids=["fenced", "prose-around", "bare-list"],
)
@responses.activate
def test_generate_ideas_tolerates_fenced_prefixed_or_bare_answers(content):
    responses.post(CHAT_URL, json=chat_answer(content))

    ideas = generate_ideas(_product())

    assert len(ideas) == 10


@responses.activate
def test_generate_ideas_drops_unknown_model_and_ratio_and_trims_long_fields():
    items = idea_dicts()
    items[0] |= {"suggested_model": "gpt-video", "aspect_ratio": "4:3", "title": "T" * 500}
    responses.post(CHAT_URL, json=chat_answer(json.dumps({"ideas": items})))

    first = generate_ideas(_product())[0]

    assert (first.suggested_model, first.aspect_ratio) == ("", "")
    assert first.title == "T" * 200


@pytest.mark.parametrize(
    "items, expected",
    [
        (idea_dicts(9), "9 usable ideas"),
        ([*idea_dicts(9), idea_dicts(1)[0]], "9 usable ideas"),  # a repeated title
        ([*idea_dicts(9), {"title": "  "}], "9 usable ideas"),
    ],
    ids=["nine", "duplicate-title", "blank-title"],
)
@responses.activate
def test_fewer_than_ten_usable_ideas_is_a_clear_error(items, expected):
    responses.post(CHAT_URL, json=chat_answer(json.dumps({"ideas": items})))
    product = _product()

    with pytest.raises(KieFailed) as caught:
        generate_ideas(product)

    assert caught.value.message.startswith("Gemini's answer could not be read as 10 ideas:")
    assert expected in caught.value.message
    assert caught.value.extra == {"productId": product.pk}
    assert not Idea.objects.exists()


@responses.activate
def test_answer_without_json_is_a_clear_error():
    responses.post(CHAT_URL, json=chat_answer("Sorry, I cannot help with that."))
    product = _product()

    with pytest.raises(KieFailed) as caught:
        generate_ideas(product)

    assert "could not be read as 10 ideas" in caught.value.message
    assert caught.value.extra == {"productId": product.pk}


@responses.activate
def test_kie_error_surfaces_kies_message_and_product_and_writes_nothing():
    responses.post(CHAT_URL, json=kie_fixture("insufficient_credits"))
    product = _product()

    with pytest.raises(InsufficientCredits) as caught:
        generate_ideas(product)

    assert caught.value.message == "The current credits are insufficient. Please top up."
    assert caught.value.kie_code == 402
    assert caught.value.extra == {"productId": product.pk}
    assert not Idea.objects.exists()
    assert Product.objects.filter(pk=product.pk).exists()  # kept, so the user can simply retry


def test_ideas_use_the_kie_client_they_are_given():
    """Services receive their Kie client: a test (or the worker) hands one in, nothing patched."""
    from kie.types import ChatResult

    class ScriptedKie:
        def __init__(self) -> None:
            self.asked: list[list[dict]] = []

        def chat(self, messages, *, response_format=None, model="gemini-2.5-flash"):
            self.asked.append(messages)
            return ChatResult(content=ideas_json())

    kie = ScriptedKie()

    ideas = generate_ideas(_product(), client=kie)

    assert len(ideas) == 10 and len(kie.asked) == 1
