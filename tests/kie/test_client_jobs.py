"""Jobs ("Market") API for Sora 2 and Kling: createTask and recordInfo states."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import responses
from responses import matchers

from kie.errors import KieBadResponseError, KieNotFoundError
from kie.status import parse_jobs_status
from kie.types import Provider, TaskState
from tests.kie.kie_client_fakes import BASE_URL, load_fixture, make_client

CREATE_URL = f"{BASE_URL}/api/v1/jobs/createTask"
RECORD_INFO_URL = f"{BASE_URL}/api/v1/jobs/recordInfo"
PAYLOAD = {
    "model": "kling-2.6/image-to-video",
    "callBackUrl": "https://adstudio.example/kie/callback?token=t",
    "input": {
        "prompt": "A mug",
        "image_urls": ["https://cdn.example/mug.png"],
        "sound": False,
        "duration": "5",
    },
}
URLS = ["https://v/1.mp4"]


def jobs_data(**fields: object) -> dict:
    return {"taskId": "task_1", "model": "kling-2.6/image-to-video", **fields}


@responses.activate(assert_all_requests_are_fired=True)
def test_create_task_sends_the_payload_and_reads_task_id_under_message_envelope() -> None:
    responses.post(
        CREATE_URL,
        json=load_fixture("jobs_create_success"),
        match=[matchers.json_params_matcher(PAYLOAD, strict_match=True)],
    )
    client, _ = make_client()

    assert client.create_task(PAYLOAD) == "task_sora-2-pro-image-to-video_1765183474472"


@responses.activate(assert_all_requests_are_fired=True)
def test_start_video_for_jobs_posts_to_create_task() -> None:
    responses.post(CREATE_URL, json=load_fixture("jobs_create_success"))
    client, _ = make_client()

    assert client.start_video(Provider.JOBS, PAYLOAD).startswith("task_")


def test_start_video_with_unknown_provider_names_the_choices() -> None:
    client, _ = make_client()

    with pytest.raises(ValueError, match="use one of: veo, jobs"):
        client.start_video("runway", PAYLOAD)


@responses.activate(assert_all_requests_are_fired=True)
def test_record_info_success_parses_result_json_and_credits() -> None:
    responses.get(
        RECORD_INFO_URL,
        json=load_fixture("jobs_record_info_success"),
        match=[matchers.query_param_matcher({"taskId": "task_kling_1755599634000"})],
    )
    client, _ = make_client()

    status = client.get_video_status("jobs", "task_kling_1755599634000")

    assert status.state is TaskState.SUCCESS
    assert status.result_urls == ("https://tempfile.aiquickdraw.com/k/kling_1.mp4",)
    assert status.credits_consumed == Decimal("55")
    assert status.raw["costTime"] == 15000


@responses.activate
def test_record_info_fail_carries_fail_code_and_message() -> None:
    responses.get(RECORD_INFO_URL, json=load_fixture("jobs_record_info_fail"))
    client, _ = make_client()

    status = client.get_task("task_sora_fail_1")

    assert status.state is TaskState.FAILED
    assert status.error_code == "422"
    assert status.error_message == "Invalid prompt: contains restricted content"
    assert status.credits_consumed == Decimal("0")
    assert status.result_urls == ()


@responses.activate
def test_record_info_record_is_null_is_not_found() -> None:
    responses.get(RECORD_INFO_URL, json=load_fixture("record_is_null"))
    client, _ = make_client()

    with pytest.raises(KieNotFoundError, match="record is null"):
        client.get_task("task_gone")


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("waiting", TaskState.QUEUED),
        ("queuing", TaskState.QUEUED),
        ("generating", TaskState.GENERATING),
        ("fail", TaskState.FAILED),
    ],
)
def test_jobs_state_maps_to_our_state(state, expected) -> None:
    assert parse_jobs_status(jobs_data(state=state)).state is expected


@pytest.mark.parametrize(
    "result_json",
    [json.dumps({"resultUrls": URLS}), {"resultUrls": URLS}],
    ids=["json string", "already an object"],
)
def test_jobs_success_reads_result_urls_from_result_json(result_json) -> None:
    status = parse_jobs_status(jobs_data(state="success", resultJson=result_json))

    assert status.result_urls == tuple(URLS)


@pytest.mark.parametrize(
    "fields",
    [
        {"state": "success"},
        {"state": "success", "resultJson": "{not json"},
        {"state": "success", "resultJson": '{"resultObject": {}}'},
        {"state": "exploded"},
        {"state": "success", "resultJson": json.dumps({"resultUrls": URLS}), "taskId": ""},
    ],
    ids=["no resultJson", "unparseable", "no resultUrls", "unknown state", "no taskId"],
)
def test_unusable_jobs_status_is_a_bad_response(fields) -> None:
    with pytest.raises(KieBadResponseError) as caught:
        parse_jobs_status(jobs_data(**fields), endpoint="/api/v1/jobs/recordInfo")

    assert caught.value.endpoint == "/api/v1/jobs/recordInfo"


def test_jobs_fail_without_message_still_explains_and_accepts_int_code() -> None:
    status = parse_jobs_status(jobs_data(state="fail", failCode=500, failMsg=""))

    assert (status.error_code, status.error_message) == ("500", "Kie.ai reported the task failed.")
