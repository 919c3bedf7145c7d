"""Fault injection and callbacks: the sandbox misbehaving the ways Kie does."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from kie.sandbox import SandboxServer
from kie.types import TaskState
from kie.webhooks import parse_callback, verify_callback_signature
from tests.sandbox_fixtures import (
    KLING_BODY,
    VEO_BODY,
    CallbackReceiver,
    call_sandbox,
    create_job,
    create_veo,
    job_status,
    veo_status,
)

CHAT_PATH = "/gemini-2.5-flash/v1/chat/completions"
CHAT_BODY = {"messages": [{"role": "user", "content": "Hi"}], "stream": False}


@pytest.fixture
def receiver() -> Iterator[CallbackReceiver]:
    receiver = CallbackReceiver()
    yield receiver
    receiver.close()


def _finish_veo(server: SandboxServer, task_id: str) -> dict[str, Any]:
    for _ in range(3):
        data = veo_status(server, task_id)["data"]
    return data


def _finish_job(server: SandboxServer, task_id: str) -> dict[str, Any]:
    for _ in range(3):
        data = job_status(server, task_id)["data"]
    return data


def test_unknown_fault_name_raises(kie_sandbox: SandboxServer) -> None:
    with pytest.raises(ValueError, match="create_429"):
        kie_sandbox.set_faults(no_such_fault=True)


def test_chat_error_is_an_envelope_without_choices(kie_sandbox: SandboxServer) -> None:
    kie_sandbox.set_faults(chat_error={"code": 524, "msg": "no user can use"})

    response = call_sandbox(kie_sandbox, "POST", CHAT_PATH, json=CHAT_BODY)

    assert response.status_code == 200
    assert response.json() == {"code": 524, "msg": "no user can use", "data": None}


def test_chat_openai_error_uses_its_http_status(kie_sandbox: SandboxServer) -> None:
    error = {"message": "Too many requests", "type": "rate_limit_error", "status": 429}
    kie_sandbox.set_faults(chat_openai_error=error)

    response = call_sandbox(kie_sandbox, "POST", CHAT_PATH, json=CHAT_BODY)

    assert response.status_code == 429
    assert response.json()["error"] == {"message": "Too many requests", "type": "rate_limit_error"}


def test_create_429_refuses_the_next_creates_then_recovers(kie_sandbox: SandboxServer) -> None:
    kie_sandbox.set_faults(create_429=2)
    path = "/api/v1/veo/generate"

    statuses = [call_sandbox(kie_sandbox, "POST", path, json=VEO_BODY) for _ in range(3)]

    assert [r.status_code for r in statuses] == [429, 429, 200]
    assert statuses[0].json()["code"] == 429
    assert len(kie_sandbox.tasks) == 1


@pytest.mark.parametrize("code", [402, 422, 505, 404])
def test_create_error_answers_the_given_envelope(kie_sandbox: SandboxServer, code: int) -> None:
    kie_sandbox.set_faults(create_error={"code": code, "msg": "nope", "http_status": 200})

    response = call_sandbox(kie_sandbox, "POST", "/api/v1/jobs/createTask", json=KLING_BODY)

    assert (response.status_code, response.json()["code"]) == (200, code)
    assert kie_sandbox.tasks == {}


def test_fail_tasks_ends_jobs_in_fail_without_charging(kie_sandbox: SandboxServer) -> None:
    kie_sandbox.set_faults(fail_tasks={"code": "500", "msg": "Internal server error"})
    task_id = create_job(kie_sandbox)

    data = _finish_job(kie_sandbox, task_id)

    assert (data["state"], data["failCode"], data["failMsg"]) == (
        "fail",
        "500",
        "Internal server error",
    )
    assert data["resultJson"] == "" and data["consumeCredits"] == 0
    assert kie_sandbox.credits == 5000


def test_fail_tasks_ends_veo_with_success_flag_2(kie_sandbox: SandboxServer) -> None:
    kie_sandbox.set_faults(fail_tasks={"code": "400", "msg": "Content policy"})

    data = _finish_veo(kie_sandbox, create_veo(kie_sandbox))

    assert (data["successFlag"], data["errorCode"], data["errorMessage"]) == (
        2,
        400,
        "Content policy",
    )
    assert data["response"] is None


def test_fail_tasks_with_a_text_code_still_reports_a_numeric_veo_error_code(
    kie_sandbox: SandboxServer,
) -> None:
    kie_sandbox.set_faults(fail_tasks={"code": "E_POLICY", "msg": "Content policy"})

    data = _finish_veo(kie_sandbox, create_veo(kie_sandbox))

    assert (data["successFlag"], data["errorCode"]) == (2, 500)


def test_veo_success_flag_3_reports_generation_failed(kie_sandbox: SandboxServer) -> None:
    kie_sandbox.set_faults(veo_success_flag_3=True)

    data = _finish_veo(kie_sandbox, create_veo(kie_sandbox))

    assert data["successFlag"] == 3 and data["errorMessage"]


def test_slow_seconds_delays_answers(kie_sandbox: SandboxServer) -> None:
    kie_sandbox.set_faults(slow_seconds=0.3)

    started = time.monotonic()
    call_sandbox(kie_sandbox, "GET", "/api/v1/chat/credit")

    assert time.monotonic() - started >= 0.3


def test_slow_answers_trip_a_client_read_timeout(kie_sandbox: SandboxServer) -> None:
    kie_sandbox.set_faults(slow_seconds=0.5)

    with pytest.raises(requests.ReadTimeout):
        requests.get(f"{kie_sandbox.base_url}/api/v1/chat/credit", timeout=(1, 0.1))


def test_status_slow_seconds_delays_status_reads_only(kie_sandbox: SandboxServer) -> None:
    task_id = create_veo(kie_sandbox)
    kie_sandbox.set_faults(status_slow_seconds=30)

    created = call_sandbox(kie_sandbox, "POST", "/api/v1/veo/generate", json=VEO_BODY)
    with pytest.raises(requests.ReadTimeout):
        requests.get(
            f"{kie_sandbox.base_url}/api/v1/veo/record-info?taskId={task_id}",
            headers={"Authorization": f"Bearer {kie_sandbox.api_key}"},
            timeout=(2, 0.2),
        )

    assert created.json()["code"] == 200
    assert kie_sandbox.stats()["totals"]["status"]["admitted"] == 1  # counted when it arrived


def test_malformed_answers_are_unparseable_http_200(kie_sandbox: SandboxServer) -> None:
    kie_sandbox.set_faults(malformed=1)

    garbled = call_sandbox(kie_sandbox, "POST", "/api/v1/veo/generate", json=VEO_BODY)
    fine = call_sandbox(kie_sandbox, "GET", "/api/v1/chat/credit")

    assert garbled.status_code == 200
    with pytest.raises(ValueError):
        json.loads(garbled.text)
    assert len(kie_sandbox.tasks) == 1  # the create happened; only the answer was lost
    assert fine.json()["code"] == 200


def test_hd_processing_polls_sets_how_long_1080p_takes(kie_sandbox: SandboxServer) -> None:
    kie_sandbox.set_faults(hd_processing_polls=0)
    task_id = create_veo(kie_sandbox)
    _finish_veo(kie_sandbox, task_id)

    answer = call_sandbox(kie_sandbox, "GET", f"/api/v1/veo/get-1080p-video?taskId={task_id}")

    assert answer.json()["code"] == 200


def test_veo_legacy_result_urls_is_a_top_level_json_string(kie_sandbox: SandboxServer) -> None:
    kie_sandbox.set_faults(veo_legacy_result_urls=True)
    task_id = create_veo(kie_sandbox)

    data = _finish_veo(kie_sandbox, task_id)

    assert json.loads(data["resultUrls"]) == [f"{kie_sandbox.base_url}/media/{task_id}.mp4"]
    assert "resultUrls" not in data["response"]


def test_models_unavailable_refuses_those_models(kie_sandbox: SandboxServer) -> None:
    kie_sandbox.set_faults(models_unavailable=["veo3", "kling-2.6/image-to-video"])

    veo = call_sandbox(
        kie_sandbox, "POST", "/api/v1/veo/generate", json=VEO_BODY | {"model": "veo3"}
    )
    job = call_sandbox(kie_sandbox, "POST", "/api/v1/jobs/createTask", json=KLING_BODY)
    other = call_sandbox(kie_sandbox, "POST", "/api/v1/veo/generate", json=VEO_BODY)

    assert veo.json() == {"code": 505, "msg": "This feature is disabled", "data": None}
    assert job.json()["code"] == 404 and "not found" in job.json()["msg"].lower()
    assert other.json()["code"] == 200


def test_faults_can_be_set_and_reset_over_http(kie_sandbox: SandboxServer) -> None:
    base = kie_sandbox.base_url

    set_answer = requests.post(f"{base}/sandbox/faults", json={"create_429": 1}, timeout=10)
    bad_answer = requests.post(f"{base}/sandbox/faults", json={"bogus": 1}, timeout=10)
    requests.post(f"{base}/sandbox/reset", timeout=10)

    assert set_answer.json()["data"]["create_429"] == 1
    assert bad_answer.status_code == 400 and "bogus" in bad_answer.json()["msg"]
    assert kie_sandbox.state.faults.create_429 == 0


def test_jobs_success_callback_is_signed_and_verifiable(
    kie_sandbox: SandboxServer, receiver: CallbackReceiver
) -> None:
    kie_sandbox.hmac_key = "whk_sandbox"
    task_id = create_job(kie_sandbox, KLING_BODY | {"callBackUrl": receiver.url})

    _finish_job(kie_sandbox, task_id)
    headers, body = receiver.next()

    assert body["code"] == 200 and body["data"]["state"] == "success"
    assert body["data"]["taskId"] == task_id and body["data"]["consumeCredits"] == 55
    assert parse_callback(body).status.result_urls == (
        f"{kie_sandbox.base_url}/media/{task_id}.mp4",
    )
    assert verify_callback_signature(
        task_id,
        headers["X-Webhook-Timestamp"],
        headers["X-Webhook-Signature"],
        "whk_sandbox",
        now=time.time(),
    )


def test_veo_callbacks_carry_info_on_success_and_code_on_failure(
    kie_sandbox: SandboxServer, receiver: CallbackReceiver
) -> None:
    good = create_veo(kie_sandbox, callBackUrl=receiver.url, aspect_ratio="9:16")
    _finish_veo(kie_sandbox, good)
    _headers, success = receiver.next()
    kie_sandbox.set_faults(fail_tasks={"code": "501", "msg": "Generation failed"})
    bad = create_veo(kie_sandbox, callBackUrl=receiver.url)
    _finish_veo(kie_sandbox, bad)
    headers, failure = receiver.next()

    assert success["data"]["info"]["resultUrls"] == [f"{kie_sandbox.base_url}/media/{good}.mp4"]
    assert success["data"]["promptJson"]["aspectRatio"] == "9:16"
    assert failure == {
        "code": 501,
        "msg": "Generation failed",
        "data": {"taskId": bad, "fallbackFlag": False},
    }
    assert "X-Webhook-Signature" not in headers  # unsigned until an HMAC key is configured
    assert parse_callback(failure).status.state is TaskState.FAILED


def test_veo_callback_can_send_result_urls_as_a_json_string(
    kie_sandbox: SandboxServer, receiver: CallbackReceiver
) -> None:
    kie_sandbox.set_faults(veo_legacy_result_urls=True)
    task_id = create_veo(kie_sandbox, callBackUrl=receiver.url)

    _finish_veo(kie_sandbox, task_id)
    _headers, body = receiver.next()

    expected = f"{kie_sandbox.base_url}/media/{task_id}.mp4"
    assert json.loads(body["data"]["info"]["resultUrls"]) == [expected]
    assert parse_callback(body).status.result_urls == (expected,)


def test_unreachable_callback_is_logged_not_fatal(kie_sandbox: SandboxServer) -> None:
    receiver = CallbackReceiver()
    dead_url = receiver.url
    receiver.close()
    task_id = create_job(kie_sandbox, KLING_BODY | {"callBackUrl": dead_url})

    _finish_job(kie_sandbox, task_id)
    deadline = time.monotonic() + 5
    while not kie_sandbox.callbacks and time.monotonic() < deadline:
        time.sleep(0.02)

    assert kie_sandbox.callbacks[0]["status"] is None and kie_sandbox.callbacks[0]["error"]
    assert call_sandbox(kie_sandbox, "GET", "/api/v1/chat/credit").json()["code"] == 200


def test_time_clock_sends_the_callback_without_any_poll(receiver: CallbackReceiver) -> None:
    with SandboxServer(step_seconds=0.05) as server:
        task_id = create_job(server, KLING_BODY | {"callBackUrl": receiver.url})
        _headers, body = receiver.next()

    assert body["data"]["taskId"] == task_id and body["data"]["state"] == "success"
