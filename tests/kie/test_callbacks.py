"""Callback bodies (docs/kie.md#callbacks) read into one CallbackEvent, whatever their shape."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kie.errors import KieBadResponseError
from kie.types import TaskState
from kie.webhooks import parse_callback
from tests.kie.kie_client_fakes import load_fixture

VEO_URL = "https://tempfile.aiquickdraw.com/v/veo_task_cb1.mp4"


@pytest.mark.parametrize(
    "fixture", ["veo_callback_success", "veo_callback_string_urls"], ids=["list", "json string"]
)
def test_veo_success_callback_reads_result_urls_as_list_or_json_string(fixture: str) -> None:
    event = parse_callback(load_fixture(fixture))

    assert event.kie_task_id == "veo_task_cb1"
    assert event.status.state is TaskState.SUCCESS
    assert event.status.result_urls == (VEO_URL,)
    assert event.status.raw["data"]["taskId"] == "veo_task_cb1"


@pytest.mark.parametrize(
    ("code", "msg"),
    [
        (400, "Your prompt was flagged by Website as violating content policies."),
        (422, "rejected by Flow(unsafe image)"),
        (500, "Internal error"),
        (501, "Generation failed"),
        ("501", "Generation failed"),
    ],
)
def test_veo_failure_callback_keeps_kies_code_and_message(code: Any, msg: str) -> None:
    body = load_fixture("veo_callback_failure") | {"code": code, "msg": msg}

    event = parse_callback(body)

    assert event.status.state is TaskState.FAILED
    assert (event.status.error_code, event.status.error_message) == (str(code), msg)
    assert event.status.result_urls == ()


def test_veo_failure_callback_without_message_still_explains() -> None:
    body = {"code": 500, "data": {"taskId": "veo_task_cb2"}}

    assert parse_callback(body).status.error_message == "Kie.ai reported the task failed."


def test_jobs_success_callback_reads_result_json_and_credits() -> None:
    event = parse_callback(load_fixture("jobs_callback_success"))

    assert event.kie_task_id == "e989621f54392584b05867f87b160672"
    assert event.status.state is TaskState.SUCCESS
    assert event.status.result_urls == ("https://tempfile.aiquickdraw.com/k/e989.mp4",)
    assert event.status.credits_consumed == Decimal(100)


def test_jobs_fail_callback_carries_fail_code_and_message_not_the_envelope_code() -> None:
    event = parse_callback(load_fixture("jobs_callback_fail"))

    assert event.status.state is TaskState.FAILED
    assert (event.status.error_code, event.status.error_message) == ("500", "Internal server error")
    assert event.status.credits_consumed == Decimal(0)


def test_callback_task_id_may_come_from_the_docs_snake_case_field() -> None:
    body = load_fixture("veo_callback_success")
    body["data"]["task_id"] = body["data"].pop("taskId")

    assert parse_callback(body).kie_task_id == "veo_task_cb1"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"code": 200, "msg": "ok", "data": {"info": {}}}, "names no task"),
        (["not", "an", "object"], "names no task"),
        ({"code": 200, "data": {"taskId": "veo_task_1", "info": {}}}, "no resultUrls"),
        ({"code": 200, "data": {"taskId": "veo_task_1", "info": {"resultUrls": "[oops"}}},
         "no resultUrls"),
        ({"msg": "??", "data": {"taskId": "veo_task_1"}}, "no usable code"),
        ({"code": 200, "data": {"taskId": "task_1", "state": "success", "resultJson": "{"}},
         "not JSON"),
    ],
)  # fmt: skip
def test_unreadable_callback_is_a_bad_response_naming_the_problem(body: Any, problem: str) -> None:
    with pytest.raises(KieBadResponseError, match=problem) as caught:
        parse_callback(body)

    assert caught.value.endpoint == "callback"
