"""The retry policy: look-ups retry transient failures; creates only when Kie surely did nothing."""

from __future__ import annotations

from http.client import RemoteDisconnected
from typing import Any

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from kie.errors import (
    KieAuthError,
    KieNotReadyError,
    KieRateLimitedError,
    KieUnavailableError,
)
from tests.kie.kie_client_fakes import CALLS, load_fixture, make_client


def never_connected() -> requests.ConnectionError:
    reason = NewConnectionError(None, "Failed to establish a new connection: refused")
    return requests.ConnectionError(MaxRetryError(None, "/", reason))


def dropped_after_sending() -> requests.ConnectionError:
    reason = RemoteDisconnected("Remote end closed connection without response")
    return requests.ConnectionError(ProtocolError("Connection aborted.", reason))


LOOKUP_SUCCESS = {
    "veo_status": load_fixture("veo_record_info_success"),
    "jobs_status": load_fixture("jobs_record_info_success"),
    "veo_1080p": load_fixture("veo_1080p_ready"),
    "credits": load_fixture("credits_fractional"),
}
CREATE_SUCCESS = {
    "chat": load_fixture("chat_completion"),
    "veo_generate": load_fixture("veo_generate_success"),
    "create_task": load_fixture("jobs_create_success"),
    "upload": load_fixture("upload_success"),
}
TRANSIENT_FAILURES: dict[str, dict[str, Any]] = {
    "http 429": {"status": 429, "json": {"code": 429, "msg": "Too many requests"}},
    "http 503": {"status": 503, "body": "<html>Service Unavailable</html>"},
    "code 455 in 200": {"json": {"code": 455, "msg": "Service under maintenance"}},
    "code 500 in 200": {"json": {"code": 500, "msg": "Server error"}},
    "read timeout": {"body": requests.ReadTimeout("read timed out")},
    "connection dropped": {"body": dropped_after_sending()},
    "unparseable body": {"body": "<html>ok</html>"},
}


def add(call_name: str, **kwargs: Any) -> None:
    method, url, _, _ = CALLS[call_name]
    responses.add(method, url, **kwargs)


def invoke(call_name: str, client: Any) -> Any:
    return CALLS[call_name][3](client)


@pytest.mark.parametrize("failure", TRANSIENT_FAILURES.values(), ids=TRANSIENT_FAILURES.keys())
@pytest.mark.parametrize("call_name", LOOKUP_SUCCESS.keys())
@responses.activate(assert_all_requests_are_fired=True)
def test_lookups_retry_transient_failures_then_succeed(call_name, failure) -> None:
    add(call_name, **failure)
    add(call_name, json=LOOKUP_SUCCESS[call_name])
    client, sleeps = make_client()

    assert invoke(call_name, client)

    assert len(responses.calls) == 2
    assert len(sleeps) == 1 and 0.5 <= sleeps[0] <= 1.0


@responses.activate
def test_lookup_backoff_grows_and_is_capped_then_the_last_error_is_raised() -> None:
    add("veo_status", status=500, json={"code": 500, "msg": "Server error"})
    client, sleeps = make_client(max_attempts=7)

    with pytest.raises(KieUnavailableError, match="Server error"):
        client.get_veo_task("veo_task_1")

    assert len(responses.calls) == 7
    assert len(sleeps) == 6
    assert sleeps == sorted(sleeps)
    assert sleeps[0] >= 0.5
    assert max(sleeps) == 8.0  # capped


@pytest.mark.parametrize(("header", "slept"), [("5", 5.0), ("120", 30.0)])
@responses.activate
def test_lookup_honours_retry_after_up_to_the_cap(header, slept) -> None:
    add("credits", status=429, json={"code": 429, "msg": "slow"}, headers={"Retry-After": header})
    add("credits", json=load_fixture("credits_fractional"))
    client, sleeps = make_client()

    client.get_credits()

    assert sleeps == [slept]


@responses.activate
def test_1080p_still_processing_is_not_retried_by_the_client() -> None:
    add("veo_1080p", json=load_fixture("veo_1080p_processing"))
    client, sleeps = make_client()

    with pytest.raises(KieNotReadyError):
        client.get_veo_1080p_video("veo_task_1")

    assert (len(responses.calls), sleeps) == (1, [])


@responses.activate
def test_lookup_is_not_retried_on_auth_failure() -> None:
    add("jobs_status", json=load_fixture("unauthorized_in_http_200"))
    client, sleeps = make_client()

    with pytest.raises(KieAuthError):
        client.get_task("task_1")

    assert (len(responses.calls), sleeps) == (1, [])


@pytest.mark.parametrize(
    ("failure", "outcome_unknown"),
    [
        ({"status": 500, "json": {"code": 500, "msg": "Server error"}}, False),
        ({"json": {"code": 455, "msg": "Service under maintenance"}}, False),
        ({"body": requests.ReadTimeout("read timed out")}, True),
        ({"body": dropped_after_sending()}, True),
    ],
    ids=["http 500", "code 455", "read timeout", "connection dropped"],
)
@pytest.mark.parametrize("call_name", CREATE_SUCCESS.keys())
@responses.activate(assert_all_requests_are_fired=True)
def test_creates_are_sent_once_when_kie_may_have_received_them(
    call_name, failure, outcome_unknown
) -> None:
    add(call_name, **failure)
    client, sleeps = make_client()

    with pytest.raises(KieUnavailableError) as caught:
        invoke(call_name, client)

    assert (len(responses.calls), sleeps) == (1, [])
    assert caught.value.outcome_unknown is outcome_unknown


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 429, "json": {"code": 429, "msg": "Too many requests"}},
        {"json": {"code": 429, "msg": "Too many requests"}},
        {"body": requests.ConnectTimeout("connect timed out")},
        {"body": never_connected()},
    ],
    ids=["http 429", "code 429 in 200", "connect timeout", "connection refused"],
)
@pytest.mark.parametrize("call_name", CREATE_SUCCESS.keys())
@responses.activate(assert_all_requests_are_fired=True)
def test_creates_retry_when_kie_surely_did_not_act(call_name, failure) -> None:
    add(call_name, **failure)
    add(call_name, json=CREATE_SUCCESS[call_name])
    client, sleeps = make_client()

    assert invoke(call_name, client)

    assert len(responses.calls) == 2
    assert len(sleeps) == 1


@responses.activate
def test_create_gives_up_after_max_attempts_of_rate_limiting() -> None:
    add("veo_generate", status=429, json={"code": 429, "msg": "Too many requests"})
    client, sleeps = make_client(max_attempts=3)

    with pytest.raises(KieRateLimitedError, match="Too many requests"):
        client.generate_veo_video({"prompt": "A mug"})

    assert (len(responses.calls), len(sleeps)) == (3, 2)
