"""Veo 3.1: generate, record-info in all its shapes, and the 1080p file."""

from __future__ import annotations

from decimal import Decimal

import pytest
import responses
from responses import matchers

from kie.errors import KieBadResponseError, KieNotFoundError, KieNotReadyError
from kie.status import parse_veo_status
from kie.types import Provider, TaskState
from tests.kie.kie_client_fakes import API_KEY, BASE_URL, load_fixture, make_client

GENERATE_URL = f"{BASE_URL}/api/v1/veo/generate"
RECORD_INFO_URL = f"{BASE_URL}/api/v1/veo/record-info"
HD_URL = f"{BASE_URL}/api/v1/veo/get-1080p-video"
PAYLOAD = {
    "prompt": "A mug on a sunny table",
    "model": "veo3_fast",
    "aspect_ratio": "9:16",
    "generationType": "FIRST_AND_LAST_FRAMES_2_VIDEO",
    "imageUrls": ["https://cdn.example/mug.png"],
}


def veo_data(**fields: object) -> dict:
    return {"taskId": "veo_task_1", "errorCode": None, "errorMessage": "", **fields}


@responses.activate(assert_all_requests_are_fired=True)
def test_generate_sends_the_payload_as_given_and_returns_the_task_id() -> None:
    responses.post(
        GENERATE_URL,
        json=load_fixture("veo_generate_success"),
        match=[
            matchers.json_params_matcher(PAYLOAD, strict_match=True),
            matchers.header_matcher({"Authorization": f"Bearer {API_KEY}"}),
        ],
    )
    client, _ = make_client(timeout=(3.0, 30.0))

    assert client.generate_veo_video(PAYLOAD) == "veo_task_abcdef123456"
    assert responses.calls[0].request.req_kwargs["timeout"] == (3.0, 30.0)


@responses.activate(assert_all_requests_are_fired=True)
def test_start_video_for_veo_posts_to_veo_generate() -> None:
    responses.post(GENERATE_URL, json=load_fixture("veo_generate_success"))
    client, _ = make_client()

    assert client.start_video("veo", PAYLOAD) == "veo_task_abcdef123456"


@responses.activate(assert_all_requests_are_fired=True)
def test_record_info_success_reads_response_result_urls() -> None:
    responses.get(
        RECORD_INFO_URL,
        json=load_fixture("veo_record_info_success"),
        match=[matchers.query_param_matcher({"taskId": "veo_task_abcdef123456"})],
    )
    client, _ = make_client()

    status = client.get_video_status(Provider.VEO, "veo_task_abcdef123456")

    assert status.state is TaskState.SUCCESS
    assert status.kie_task_id == "veo_task_abcdef123456"
    assert status.result_urls == ("https://tempfile.aiquickdraw.com/v/veo_task_abcdef123456.mp4",)
    assert status.raw["paramJson"].startswith("{")
    assert (status.error_code, status.error_message) == (None, None)


@responses.activate
def test_record_info_success_reads_the_quickstart_json_string_result_urls() -> None:
    responses.get(RECORD_INFO_URL, json=load_fixture("veo_record_info_string_urls"))
    client, _ = make_client()

    status = client.get_veo_task("veo_task_quickstart1")

    assert status.result_urls == ("https://tempfile.aiquickdraw.com/v/quickstart1.mp4",)


@responses.activate
def test_record_info_generation_failed_keeps_kies_code_and_message() -> None:
    responses.get(RECORD_INFO_URL, json=load_fixture("veo_record_info_generation_failed"))
    client, _ = make_client()

    status = client.get_veo_task("veo_task_failed3")

    assert status.state is TaskState.FAILED
    assert (status.error_code, status.error_message) == ("501", "Generation failed")


@pytest.mark.parametrize(
    ("fields", "state"),
    [
        ({"successFlag": 0}, TaskState.GENERATING),
        ({"successFlag": 1, "response": {"resultUrls": ["https://v/1.mp4"]}}, TaskState.SUCCESS),
        ({"successFlag": "1", "resultUrls": ["https://v/1.mp4"]}, TaskState.SUCCESS),
        ({"successFlag": 1, "response": {"resultUrls": '["https://v/1.mp4"]'}}, TaskState.SUCCESS),
        ({"successFlag": 2}, TaskState.FAILED),
        ({"successFlag": 3}, TaskState.FAILED),
    ],
)
def test_veo_success_flag_maps_to_our_state(fields, state) -> None:
    assert parse_veo_status(veo_data(**fields)).state is state


@pytest.mark.parametrize(
    ("error_code", "expected"), [(400, "400"), ("500", "500"), (None, None), ("", None)]
)
def test_veo_error_code_is_kept_as_text_whether_int_or_string(error_code, expected) -> None:
    data = veo_data(successFlag=2, errorCode=error_code, errorMessage="Content policy violation")

    status = parse_veo_status(data)

    assert (status.error_code, status.error_message) == (expected, "Content policy violation")


def test_veo_generation_failed_without_message_still_explains() -> None:
    status = parse_veo_status(veo_data(successFlag=3))

    assert status.error_message == "Kie.ai accepted the task but the video generation failed."


def test_veo_consumed_credits_are_decimal_when_present() -> None:
    data = veo_data(successFlag=0, consumeCredits=60)

    assert parse_veo_status(data).credits_consumed == Decimal("60")


@pytest.mark.parametrize(
    "fields",
    [{"successFlag": 7}, {"successFlag": None}, {"successFlag": 1, "response": {}}],
    ids=["unknown flag", "missing flag", "success without urls"],
)
def test_unusable_veo_status_is_a_bad_response(fields) -> None:
    with pytest.raises(KieBadResponseError):
        parse_veo_status(veo_data(**fields), endpoint="/api/v1/veo/record-info")


@pytest.mark.parametrize(
    ("status", "body"),
    [(200, load_fixture("record_is_null")), (404, {"code": 404, "msg": "Not Found"})],
    ids=["record is null", "http 404"],
)
@responses.activate
def test_unknown_veo_task_is_not_found(status, body) -> None:
    responses.get(RECORD_INFO_URL, json=body, status=status)
    client, sleeps = make_client()

    with pytest.raises(KieNotFoundError):
        client.get_veo_task("veo_task_gone")

    assert sleeps == []  # not found is final: no retry


@responses.activate(assert_all_requests_are_fired=True)
def test_1080p_is_not_ready_while_processing_then_returns_the_url() -> None:
    query = matchers.query_param_matcher({"taskId": "veo_task_1", "index": "1"})
    responses.get(HD_URL, json=load_fixture("veo_1080p_processing"), match=[query])
    responses.get(HD_URL, json=load_fixture("veo_1080p_ready"), match=[query])
    client, _ = make_client()

    with pytest.raises(KieNotReadyError) as caught:
        client.get_veo_1080p_video("veo_task_1", index=1)
    url = client.get_veo_1080p_video("veo_task_1", index=1)

    assert caught.value.message.startswith("1080P is processing")
    assert url == (
        "https://tempfile.aiquickdraw.com/p/42f4f8facbb040c0ade87c27cb2d5e58_1749711595.mp4"
    )


@responses.activate
def test_1080p_answer_without_result_url_is_a_bad_response() -> None:
    responses.get(HD_URL, json={"code": 200, "msg": "success", "data": {}})
    client, _ = make_client()

    with pytest.raises(KieBadResponseError, match="resultUrl"):
        client.get_veo_1080p_video("veo_task_1")
