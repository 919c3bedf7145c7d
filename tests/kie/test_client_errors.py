"""Every Kie error shape (HTTP status, body code, OpenAI style, unreadable) → one KieError class."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import responses

from kie.client import KieClient
from kie.errors import (
    KieAuthError,
    KieBadResponseError,
    KieError,
    KieInsufficientCreditsError,
    KieModelUnavailableError,
    KieNotFoundError,
    KieNotReadyError,
    KieRateLimitedError,
    KieUnavailableError,
    KieValidationError,
)
from tests.kie.kie_client_fakes import API_KEY, CALLS, load_fixture, make_client


def register(name: str, **kwargs: Any) -> Callable[[KieClient], Any]:
    method, url, _, call = CALLS[name]
    responses.add(method, url, **kwargs)
    return call


@pytest.mark.parametrize(
    ("http_status", "code", "msg", "call_name", "expected"),
    [
        (200, 401, "You do not have access permissions", "credits", KieAuthError),
        (200, 401, "You do not have access permissions", "jobs_status", KieAuthError),
        (401, 401, "You do not have access permissions", "veo_generate", KieAuthError),
        (200, 402, "Credits are insufficient.", "create_task", KieInsufficientCreditsError),
        (402, None, "Credits are insufficient.", "veo_generate", KieInsufficientCreditsError),
        (200, 433, "Sub-key usage exceeds limit", "create_task", KieInsufficientCreditsError),
        (200, 400, "Your prompt was flagged by content policy", "veo_generate", KieValidationError),
        (422, 422, "rejected by Flow(unsafe image)", "veo_generate", KieValidationError),
        (200, 451, "Failed to fetch the image", "veo_status", KieValidationError),
        (400, 400, "Missing required parameter: uploadPath", "upload", KieValidationError),
        (200, 422, "record is null", "veo_status", KieNotFoundError),
        (200, 422, "record is null", "jobs_status", KieNotFoundError),
        (404, None, "Not Found", "jobs_status", KieNotFoundError),
        (200, 404, "task does not exist", "veo_status", KieNotFoundError),
        (200, 404, "Not Found", "create_task", KieModelUnavailableError),
        (200, 505, "This feature is disabled", "veo_generate", KieModelUnavailableError),
        (200, 422, "The model does not exist", "create_task", KieModelUnavailableError),
        (200, 404, "model not found: gemini-9", "chat", KieModelUnavailableError),
        (200, 400, "1080P is processing...", "veo_1080p", KieNotReadyError),
        (200, 422, "video is still processing", "veo_1080p", KieNotReadyError),
        (429, 429, "Too many requests", "create_task", KieRateLimitedError),
        (200, 429, "Too many requests", "credits", KieRateLimitedError),
        (200, 408, "Upstream returned no result for 10 minutes", "chat", KieUnavailableError),
        (200, 455, "Service under maintenance", "veo_status", KieUnavailableError),
        (500, 500, "Server error, please retry", "credits", KieUnavailableError),
        (200, 501, "Generation failed", "create_task", KieUnavailableError),
        (200, 505, "This feature is disabled", "credits", KieUnavailableError),
        (200, 524, "no user can use", "chat", KieUnavailableError),
    ],
)  # fmt: skip
@responses.activate(assert_all_requests_are_fired=True)
def test_error_answers_map_to_one_class_carrying_kies_details(
    http_status, code, msg, call_name, expected
) -> None:
    body = {"code": code, "msg": msg, "data": None} if code is not None else {"msg": msg}
    call = register(call_name, json=body, status=http_status)
    client, _ = make_client(max_attempts=1)

    with pytest.raises(expected) as caught:
        call(client)

    error = caught.value
    assert type(error) is expected
    assert error.message == msg
    assert error.code == (code if code is not None else http_status)
    assert error.http_status == http_status
    assert error.endpoint == CALLS[call_name][2]
    assert len(responses.calls) == 1


@pytest.mark.parametrize("key", ["msg", "message"])
@responses.activate
def test_error_message_is_read_from_msg_or_message(key) -> None:
    call = register("create_task", json={"code": 402, key: "Please top up."})
    client, _ = make_client()

    with pytest.raises(KieInsufficientCreditsError, match="^Please top up.$"):
        call(client)


@responses.activate
def test_recorded_insufficient_credits_answer_reaches_the_user_verbatim() -> None:
    call = register("veo_generate", json=load_fixture("insufficient_credits"))
    client, _ = make_client()

    with pytest.raises(KieInsufficientCreditsError) as caught:
        call(client)

    assert caught.value.message == "The current credits are insufficient. Please top up."


@pytest.mark.parametrize(
    ("header", "expected"), [(None, None), ("7", 7.0), ("Wed, 21 Oct 2015 07:28:00 GMT", None)]
)
@responses.activate
def test_rate_limit_carries_retry_after_seconds_from_the_header(header, expected) -> None:
    headers = {"Retry-After": header} if header else {}
    call = register("create_task", json={"code": 429, "msg": "slow"}, status=429, headers=headers)
    client, _ = make_client(max_attempts=1)

    with pytest.raises(KieRateLimitedError) as caught:
        call(client)

    assert caught.value.retry_after_seconds == expected


@responses.activate
def test_html_error_page_is_classified_by_http_status() -> None:
    call = register("veo_status", body="<html>502 Bad Gateway</html>", status=502)
    client, _ = make_client(max_attempts=1)

    with pytest.raises(KieUnavailableError) as caught:
        call(client)

    assert (caught.value.http_status, caught.value.code) == (502, 502)


@pytest.mark.parametrize(
    ("call_name", "outcome_unknown"),
    [("veo_generate", True), ("create_task", True), ("chat", True), ("jobs_status", False)],
)
@responses.activate
def test_unparseable_2xx_body_is_a_bad_response(call_name, outcome_unknown) -> None:
    call = register(call_name, body="<html>OK</html>", status=200)
    client, _ = make_client(max_attempts=1)

    with pytest.raises(KieBadResponseError, match="not JSON") as caught:
        call(client)

    assert caught.value.outcome_unknown is outcome_unknown
    assert caught.value.endpoint == CALLS[call_name][2]


@responses.activate
def test_create_success_without_task_id_is_a_bad_response_with_unknown_outcome() -> None:
    call = register("create_task", json={"code": 200, "msg": "success", "data": {}})
    client, _ = make_client()

    with pytest.raises(KieBadResponseError, match="data.taskId") as caught:
        call(client)

    assert caught.value.outcome_unknown is True


@responses.activate
def test_status_success_without_data_is_a_bad_response() -> None:
    call = register("veo_status", json={"code": 200, "msg": "success", "data": None})
    client, _ = make_client(max_attempts=1)

    with pytest.raises(KieBadResponseError, match="no `data`"):
        call(client)


def test_missing_api_key_fails_before_any_request_and_names_the_setting() -> None:
    client, _ = make_client(api_key="")  # no responses registered: a request would fail

    with pytest.raises(KieAuthError, match="KIE_API_KEY"):
        client.get_credits()


@responses.activate
def test_a_refusal_quoting_the_api_key_never_repeats_it() -> None:
    call = register("credits", json={"code": 401, "msg": f"Invalid key {API_KEY} for this IP"})
    client, _ = make_client(max_attempts=1)

    with pytest.raises(KieAuthError) as caught:
        call(client)

    assert caught.value.message == "Invalid key *** for this IP"
    assert API_KEY not in str(caught.value)
    assert API_KEY not in repr(caught.value)


@pytest.mark.parametrize(
    ("error_class", "transient"),
    [
        (KieAuthError, False),
        (KieInsufficientCreditsError, False),
        (KieValidationError, False),
        (KieNotFoundError, False),
        (KieModelUnavailableError, False),
        (KieNotReadyError, True),
        (KieRateLimitedError, True),
        (KieUnavailableError, True),
        (KieBadResponseError, True),
    ],
)
def test_each_error_class_says_whether_asking_again_can_help(
    error_class: type[KieError], transient: bool
) -> None:
    error = error_class(code=1, endpoint="/x")

    assert isinstance(error, KieError)
    assert error.transient is transient
    assert error.message == error_class.default_message  # never an empty message for users
