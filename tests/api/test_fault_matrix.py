"""Whatever Kie answers, every endpoint involved answers its documented JSON, never a 500.

Each scenario makes the sandbox (over real HTTP) misbehave one way, then drives every endpoint
that talks to Kie: ideas, more ideas, a prompt, a start, a poll of a running task, the credits.
The schema-checking client fails any status or body the OpenAPI schema does not document, and
afterwards no task may be left half-way (submitting, or failed/unknown without a reason).
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from campaigns.models import VideoTask
from tests.api.sandbox_helpers import create_ideas_from_url, image_url, start_video

pytestmark = pytest.mark.django_db

State = VideoTask.State
# Error codes the API may answer with when Kie misbehaves.
KIE_ERROR_CODES = {
    "kie_error",
    "kie_unavailable",
    "insufficient_credits",
    "rate_limited",
    "model_unavailable",
    "not_found",
}


@dataclass(frozen=True)
class Scenario:
    name: str
    apply: Callable[[Any, Any], None]  # (sandbox, settings)


def _faults(**faults: Any) -> Callable[[Any, Any], None]:
    return lambda sandbox, settings: sandbox.set_faults(**faults)


def _every(code: int, http_status: int) -> Callable[[Any, Any], None]:
    """Kie refusing every call with `code` (in the body; HTTP `http_status`)."""
    error = {"code": code, "msg": f"Kie says {code}", "http_status": http_status}
    return _faults(
        create_error=error,
        status_error=error,
        chat_error={"code": code, "msg": f"Kie says {code}"},
    )


def _refused(sandbox, settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"  # nothing listens here afterwards
    settings.KIE_BASE_URL = settings.KIE_UPLOAD_BASE_URL = closed


def _hanging(sandbox, settings) -> None:
    settings.KIE_WEB_TIME_BUDGET_SECONDS = 0.5
    settings.KIE_CHAT_READ_TIMEOUT_SECONDS = 0.5
    sandbox.set_faults(slow_seconds=1.5)


SCENARIOS = [
    Scenario("401", _every(401, 401)),
    Scenario("402", _every(402, 200)),
    Scenario("404", _every(404, 404)),
    Scenario("422", _every(422, 200)),
    Scenario("429", _every(429, 429)),
    Scenario("455", _every(455, 200)),
    Scenario("500", _every(500, 500)),
    Scenario("501", _every(501, 200)),
    Scenario("505", _every(505, 200)),
    Scenario("error-code-inside-http-200", _every(500, 200)),
    Scenario("html-error-page", _faults(html_error=502)),
    Scenario("truncated-json", _faults(malformed=100)),
    Scenario("read-timeout", _hanging),
    Scenario("refused-connection", _refused),
    Scenario("veo-successflag-3", _faults(veo_success_flag_3=True)),
    Scenario("resultjson-not-json", _faults(garbled_result_json=True)),
    Scenario("success-without-result-url", _faults(no_result_urls=True)),
]


@pytest.fixture
def before_the_fault(api, kie_sandbox):
    """An idea and two running tasks (Veo and Jobs), made while Kie still behaved."""
    ideas = create_ideas_from_url(api, kie_sandbox)
    idea_id = ideas["ideas"][0]["id"]
    running = [
        start_video(api, kie_sandbox, idea_id, "veo3_fast"),
        start_video(api, kie_sandbox, idea_id, "kling-2.6/image-to-video"),
    ]
    return ideas["product"]["id"], idea_id, running


def _check(response, *ok: int) -> None:
    assert response.status_code != 500, response.content
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    if response.status_code in ok:
        return
    assert response.json()["error"]["code"] in KIE_ERROR_CODES, response.content


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_every_endpoint_answers_documented_json_whatever_kie_does(
    api, kie_sandbox, settings, before_the_fault, scenario
):
    product_id, idea_id, running = before_the_fault
    scenario.apply(kie_sandbox, settings)

    _check(api.post("/api/ideas", {"imageUrl": image_url(kie_sandbox)}, format="json"), 201)
    _check(api.post(f"/api/products/{product_id}/ideas"), 201)
    _check(api.post("/api/prompts", {"ideaId": idea_id, "model": "veo3_fast"}, format="json"), 201)
    start = {"ideaId": idea_id, "model": "veo3_fast", "prompt": "A bottle on a rock."}
    _check(api.post("/api/video", start, format="json"), 201, 202)
    for task in running:
        for _ in range(4):  # far enough for the tasks to finish, had Kie behaved
            _check(api.get("/api/video", {"taskId": task["taskId"]}), 200)
    _check(api.get("/api/credits"), 200)

    _assert_no_task_left_half_way()


def _assert_no_task_left_half_way() -> None:
    for task in VideoTask.objects.all():
        assert task.state != State.SUBMITTING, task
        if task.state in (State.FAILED, State.UNKNOWN):
            assert task.error_message, task
        if task.state == State.SUCCESS:
            assert task.result_urls, task
        if task.state == State.PENDING:
            assert task.needs_prompt or task.submit_attempts > 0 or not task.kie_task_id, task
