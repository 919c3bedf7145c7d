from __future__ import annotations

import pytest
import responses

from campaigns.models import VideoPrompt
from campaigns.services.errors import InsufficientCredits, KieFailed, ValidationFailed
from campaigns.services.prompts import (
    clean_prompt,
    fit_to_limit,
    save_user_prompt,
    write_video_prompt,
)
from tests.factories import make_idea, make_staff_user
from tests.services.kie_stubs import CHAT_URL, chat_answer, kie_fixture, sent_json

pytestmark = pytest.mark.django_db

KLING = "kling-2.6/image-to-video"
SORA_TEXT = "sora-2-pro-text-to-video"


def _instruction(call) -> str:
    parts = sent_json(call)["messages"][0]["content"]
    return "\n".join(part["text"] for part in parts)


@responses.activate
def test_write_video_prompt_saves_generated_prompt_for_the_model():
    responses.post(CHAT_URL, json=chat_answer("A hiker lifts the bottle as the sun rises."))
    idea = make_idea(title="Sunrise refill")
    user = make_staff_user()

    prompt = write_video_prompt(idea=idea, model_id="veo3_fast", user=user)

    stored = VideoPrompt.objects.get(pk=prompt.pk)
    assert stored.text == "A hiker lifts the bottle as the sun rises."
    assert (stored.idea, stored.model_id, stored.source) == (idea, "veo3_fast", "generated")
    assert stored.created_by == user


@responses.activate
def test_prompt_request_is_text_only_and_carries_the_idea():
    responses.post(CHAT_URL, json=chat_answer("A prompt."))
    idea = make_idea(title="Sunrise refill", hook="Still carrying plastic?")

    write_video_prompt(idea=idea, model_id="veo3_fast")

    body = sent_json(responses.calls[0])
    assert body["stream"] is False
    assert "response_format" not in body
    parts = body["messages"][0]["content"]
    assert [part["type"] for part in parts] == ["text"]
    assert "Sunrise refill" in parts[0]["text"]
    assert "Still carrying plastic?" in parts[0]["text"]


@responses.activate
def test_start_image_and_text_only_models_get_different_instructions():
    responses.post(CHAT_URL, json=chat_answer("A prompt."))
    responses.post(CHAT_URL, json=chat_answer("A prompt."))
    idea = make_idea()

    write_video_prompt(idea=idea, model_id=KLING)
    write_video_prompt(idea=idea, model_id=SORA_TEXT)

    with_image, text_only = (_instruction(call) for call in responses.calls)
    assert "first frame" in with_image
    assert "Do not describe how the product looks" in with_image
    assert "Describe the product fully" in text_only
    assert "first frame" not in text_only


@responses.activate
def test_kling_instruction_states_its_limit_and_clip_length():
    responses.post(CHAT_URL, json=chat_answer("A prompt."))

    write_video_prompt(idea=make_idea(), model_id=KLING)

    instruction = _instruction(responses.calls[0])
    assert "at most 1,000 characters" in instruction
    assert "5 seconds" in instruction


@pytest.mark.parametrize(
    ("model_id", "options", "seconds"),
    [
        (KLING, {"duration": "10"}, "10 seconds"),
        ("sora-2-pro-text-to-video", {"n_frames": "15"}, "15 seconds"),
        ("veo3", None, "8 seconds"),
    ],
)
@responses.activate
def test_instruction_plans_for_the_clip_length_the_job_will_have(model_id, options, seconds):
    responses.post(CHAT_URL, json=chat_answer("A prompt."))

    write_video_prompt(idea=make_idea(), model_id=model_id, options=options)

    assert f"The clip lasts {seconds}" in _instruction(responses.calls[0])


def test_invalid_option_for_the_prompt_names_the_field_before_calling_gemini():
    with pytest.raises(ValidationFailed) as caught:
        write_video_prompt(idea=make_idea(), model_id=KLING, options={"duration": "7"})

    assert "options.duration" in caught.value.fields


@responses.activate
def test_long_generated_prompt_is_cut_at_a_sentence_within_klings_limit():
    sentence = "The camera glides around the bottle while dew drops roll down its side. "
    responses.post(CHAT_URL, json=chat_answer(sentence * 30))

    prompt = write_video_prompt(idea=make_idea(), model_id=KLING)

    assert len(prompt.text) <= 1000
    assert len(prompt.text) > 900
    assert prompt.text.endswith("side.")


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("```\nSlow push-in on the bottle.\n```", "Slow push-in on the bottle."),
        ("```text\nSlow push-in.\n```", "Slow push-in."),
        ('"Slow push-in."', "Slow push-in."),
        ("Prompt: Slow push-in.", "Slow push-in."),
        ("**Video prompt:** Slow push-in.", "Slow push-in."),
        ("  Slow push-in.  ", "Slow push-in."),
    ],
)
def test_clean_prompt_strips_fences_quotes_and_labels(answer, expected):
    assert clean_prompt(answer) == expected


def test_fit_to_limit_falls_back_to_a_word_end_without_a_sentence_end():
    assert fit_to_limit("one two three four", 10) == "one two"
    assert fit_to_limit("short.", 10) == "short."
    assert fit_to_limit("anything", None) == "anything"


@responses.activate
def test_empty_generated_prompt_is_an_error_and_saves_nothing():
    responses.post(CHAT_URL, json=chat_answer('""'))
    idea = make_idea()

    with pytest.raises(KieFailed) as caught:
        write_video_prompt(idea=idea, model_id="veo3")

    assert caught.value.extra == {"ideaId": idea.pk}
    assert not VideoPrompt.objects.exists()


@responses.activate
def test_kie_error_while_writing_prompt_is_translated_with_the_idea():
    responses.post(CHAT_URL, json=kie_fixture("insufficient_credits"))
    idea = make_idea()

    with pytest.raises(InsufficientCredits) as caught:
        write_video_prompt(idea=idea, model_id="veo3")

    assert "top up" in caught.value.message
    assert caught.value.extra == {"ideaId": idea.pk}
    assert not VideoPrompt.objects.exists()


def test_write_video_prompt_rejects_unknown_model_naming_the_choices():
    with pytest.raises(ValidationFailed) as caught:
        write_video_prompt(idea=make_idea(), model_id="veo9")

    assert "veo3_fast" in caught.value.fields["model"]


def test_save_user_prompt_saves_a_user_prompt():
    idea = make_idea()
    user = make_staff_user()

    prompt = save_user_prompt(idea=idea, model_id=KLING, text="  Slow orbit. ", user=user)

    assert (prompt.text, prompt.source, prompt.created_by) == ("Slow orbit.", "user", user)


def test_save_user_prompt_rejects_text_over_the_models_limit():
    with pytest.raises(ValidationFailed) as caught:
        save_user_prompt(idea=make_idea(), model_id=KLING, text="x" * 1001)

    message = caught.value.fields["prompt"]
    assert "at most 1,000 characters" in message
    assert "1,001" in message
    assert not VideoPrompt.objects.exists()


def test_save_user_prompt_rejects_empty_text():
    with pytest.raises(ValidationFailed) as caught:
        save_user_prompt(idea=make_idea(), model_id=KLING, text="   ")

    assert "prompt" in caught.value.fields
