"""A failed chat (ideas, prompts) answers with a `hint` saying what the user can do next."""

from __future__ import annotations

import pytest

from tests.api.sandbox_helpers import image_url
from tests.services.video_stubs import use_client_without_sleeps

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_retry_wait(monkeypatch):
    use_client_without_sleeps(monkeypatch)


@pytest.mark.parametrize(
    ("faults", "status", "hint_says"),
    [
        ({"chat_error": {"code": 401, "msg": "No access"}}, 502, "check KIE_API_KEY"),
        ({"chat_error": {"code": 402, "msg": "Please top up."}}, 402, "Top up Kie credits"),
        (
            {"chat_openai_error": {"message": "slow", "type": "rate_limit_error", "status": 429}},
            429,
            "Wait a minute and try again",
        ),
        (
            {"chat_error": {"code": 422, "msg": "Image unclear"}},
            502,
            "Shorten or change the prompt, or use a different photo",
        ),
        ({"chat_error": {"code": 455, "msg": "Maintenance"}}, 503, "Try again in a few minutes"),
    ],
)
def test_chat_failure_for_ideas_carries_a_hint_for_its_kind(
    api, kie_sandbox, faults, status, hint_says
):
    kie_sandbox.set_faults(**faults)

    response = api.post("/api/ideas", {"imageUrl": image_url(kie_sandbox)}, format="json")

    assert response.status_code == status
    assert hint_says in response.json()["error"]["hint"]


def test_chat_failure_for_a_prompt_carries_a_hint(api, kie_sandbox, idea_id):
    kie_sandbox.set_faults(chat_error={"code": 422, "msg": "Prompt refused"})

    response = api.post("/api/prompts", {"ideaId": idea_id, "model": "veo3_fast"}, format="json")

    assert response.status_code == 502
    error = response.json()["error"]
    assert error["message"] == "Prompt refused"
    assert "change the prompt" in error["hint"]


def test_a_validation_error_hints_at_the_fields(api):
    response = api.post("/api/prompts", {"model": "veo3_fast"}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert "ideaId" in error["fields"]
    assert "fields" in error["hint"]
