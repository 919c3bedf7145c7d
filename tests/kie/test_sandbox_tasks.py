"""The sandbox's Veo and Jobs task lifecycle, credits and auth, over real HTTP."""

from __future__ import annotations

import json

import pytest
import requests

from kie.sandbox import SandboxServer
from tests.sandbox_fixtures import (
    KLING_BODY,
    VEO_BODY,
    call_sandbox,
    create_job,
    create_veo,
    credits_of,
    job_status,
    veo_status,
)

NO_ACCESS = {"code": 401, "msg": "You do not have access permissions", "data": None}


@pytest.mark.parametrize(
    "path", ["/api/v1/chat/credit", "/api/v1/jobs/recordInfo?taskId=x", "/api/v1/veo/record-info"]
)
def test_status_routes_refuse_a_bad_key_inside_http_200(
    kie_sandbox: SandboxServer, path: str
) -> None:
    response = call_sandbox(kie_sandbox, "GET", path, api_key="wrong")

    assert (response.status_code, response.json()) == (200, NO_ACCESS)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/veo/generate", "/api/v1/jobs/createTask", "/gemini-2.5-flash/v1/chat/completions"],
)
def test_create_routes_refuse_a_bad_key_with_http_401(
    kie_sandbox: SandboxServer, path: str
) -> None:
    response = call_sandbox(kie_sandbox, "POST", path, api_key="wrong", json={})

    assert (response.status_code, response.json()) == (401, NO_ACCESS)


def test_missing_authorization_header_is_refused(kie_sandbox: SandboxServer) -> None:
    response = requests.get(f"{kie_sandbox.base_url}/api/v1/chat/credit", timeout=10)

    assert response.json() == NO_ACCESS


def test_veo_task_reaches_success_after_three_polls(kie_sandbox: SandboxServer) -> None:
    task_id = create_veo(kie_sandbox)

    flags = [veo_status(kie_sandbox, task_id)["data"]["successFlag"] for _ in range(3)]

    assert flags == [0, 0, 1]
    data = veo_status(kie_sandbox, task_id)["data"]
    assert data["response"]["resultUrls"] == [f"{kie_sandbox.base_url}/media/{task_id}.mp4"]
    assert "originUrls" not in data["response"]
    assert data["fallbackFlag"] is False


def test_veo_record_echoes_the_request_with_camel_case_aspect_ratio(
    kie_sandbox: SandboxServer,
) -> None:
    task_id = create_veo(kie_sandbox, aspect_ratio="9:16")
    for _ in range(3):
        data = veo_status(kie_sandbox, task_id)["data"]

    assert json.loads(data["paramJson"])["aspectRatio"] == "9:16"
    assert data["response"]["originUrls"]
    assert len(data["createTime"]) == len("2025-06-06 10:25:00")


def test_jobs_task_moves_one_state_per_status_read_to_success(kie_sandbox: SandboxServer) -> None:
    task_id = create_job(kie_sandbox)

    states = [job_status(kie_sandbox, task_id)["data"]["state"] for _ in range(3)]

    assert states == ["queuing", "generating", "success"]
    assert kie_sandbox.tasks[task_id].step == 3


def test_jobs_success_record_has_json_string_result_and_ms_times(
    kie_sandbox: SandboxServer,
) -> None:
    task_id = create_job(kie_sandbox)
    for _ in range(3):
        data = job_status(kie_sandbox, task_id)["data"]

    assert json.loads(data["resultJson"]) == {
        "resultUrls": [f"{kie_sandbox.base_url}/media/{task_id}.mp4"]
    }
    assert json.loads(data["param"]) == KLING_BODY
    assert data["failCode"] == data["failMsg"] == ""
    assert data["completeTime"] >= data["createTime"] > 10**12
    assert data["consumeCredits"] == 55


def test_unknown_task_id_is_record_is_null(kie_sandbox: SandboxServer) -> None:
    expected = {"code": 422, "msg": "record is null", "data": None}

    assert job_status(kie_sandbox, "task_nope") == expected
    assert veo_status(kie_sandbox, "veo_task_nope") == expected


def test_unknown_jobs_model_is_model_not_found(kie_sandbox: SandboxServer) -> None:
    answer = call_sandbox(
        kie_sandbox, "POST", "/api/v1/jobs/createTask", json=KLING_BODY | {"model": "nope/v1"}
    ).json()

    assert answer["code"] == 404 and "Model not found: nope/v1" in answer["msg"]


@pytest.mark.parametrize(
    ("path", "body", "message_part"),
    [
        ("/api/v1/veo/generate", {"model": "veo3"}, "prompt"),
        ("/api/v1/veo/generate", VEO_BODY | {"aspect_ratio": "4:3"}, "aspect_ratio"),
        ("/api/v1/jobs/createTask", {"input": {"prompt": "x"}}, "model"),
        ("/api/v1/jobs/createTask", {"model": "kling-2.6/image-to-video"}, "input"),
        (
            "/api/v1/jobs/createTask",
            KLING_BODY | {"input": KLING_BODY["input"] | {"duration": 5}},
            "input.duration",
        ),
        (
            "/api/v1/jobs/createTask",
            KLING_BODY | {"input": KLING_BODY["input"] | {"prompt": "x" * 1001}},
            "too long",
        ),
    ],
)
def test_invalid_create_is_422_naming_the_field(
    kie_sandbox: SandboxServer, path: str, body: dict, message_part: str
) -> None:
    answer = call_sandbox(kie_sandbox, "POST", path, json=body).json()

    assert answer["code"] == 422 and message_part in answer["msg"]
    assert kie_sandbox.tasks == {}


def test_1080p_is_processing_twice_then_ready(kie_sandbox: SandboxServer) -> None:
    task_id = create_veo(kie_sandbox)
    for _ in range(3):
        veo_status(kie_sandbox, task_id)
    path = f"/api/v1/veo/get-1080p-video?taskId={task_id}&index=0"

    answers = [call_sandbox(kie_sandbox, "GET", path).json() for _ in range(3)]

    assert [a["code"] for a in answers] == [400, 400, 200]
    assert "1080P is processing" in answers[0]["msg"]
    assert answers[2]["data"]["resultUrl"] == f"{kie_sandbox.base_url}/media/{task_id}-1080p.mp4"


def test_1080p_before_success_is_an_error(kie_sandbox: SandboxServer) -> None:
    task_id = create_veo(kie_sandbox)

    answer = call_sandbox(kie_sandbox, "GET", f"/api/v1/veo/get-1080p-video?taskId={task_id}")

    assert answer.json()["code"] == 422


def test_credits_drop_by_the_model_cost_on_success_only(kie_sandbox: SandboxServer) -> None:
    before = credits_of(kie_sandbox)
    task_id = create_veo(kie_sandbox, model="veo3")
    assert credits_of(kie_sandbox) == before

    for _ in range(3):
        veo_status(kie_sandbox, task_id)

    assert credits_of(kie_sandbox) == before - 250 == kie_sandbox.credits


def test_create_is_refused_with_402_when_credits_run_out() -> None:
    with SandboxServer(credits=59, advance_on_poll=True) as server:
        answer = call_sandbox(server, "POST", "/api/v1/veo/generate", json=VEO_BODY).json()

    assert answer["code"] == 402 and "insufficient" in answer["msg"]


def test_time_clock_moves_tasks_without_polls() -> None:
    now = [1_000_000.0]
    with SandboxServer(step_seconds=10, clock=lambda: now[0]) as server:
        task_id = create_job(server)
        assert job_status(server, task_id)["data"]["state"] == "waiting"
        now[0] += 25
        assert job_status(server, task_id)["data"]["state"] == "generating"
        now[0] += 10
        assert job_status(server, task_id)["data"]["state"] == "success"


def test_request_log_lists_what_was_served(kie_sandbox: SandboxServer) -> None:
    credits_of(kie_sandbox)

    assert kie_sandbox.request_log == [("GET", "/api/v1/chat/credit")]


def test_download_url_only_converts_sandbox_files(kie_sandbox: SandboxServer) -> None:
    own = f"{kie_sandbox.base_url}/media/x.mp4"
    path = "/api/v1/common/download-url"

    converted = call_sandbox(kie_sandbox, "POST", path, json={"url": own}).json()
    refused = call_sandbox(kie_sandbox, "POST", path, json={"url": "https://example.com/a"}).json()

    assert converted["code"] == 200 and converted["data"].startswith(own)
    assert refused["code"] == 422
