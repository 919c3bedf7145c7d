"""Kie's per-key rate limits in the sandbox: sliding windows, Kie's 429, and the off switch.

Window tests run on `clocked_sandbox`, whose clock moves only when a test advances it.
"""

from __future__ import annotations

import base64

import pytest
import requests

from kie.client import KieClient
from kie.sandbox import RateLimit, SandboxServer
from tests.sandbox_fixtures import (
    KLING_BODY,
    VEO_BODY,
    ManualClock,
    call_sandbox,
    create_job,
    create_veo,
)

Clocked = tuple[SandboxServer, ManualClock]
STATUS_PATHS = (
    "/api/v1/veo/record-info?taskId=x",
    "/api/v1/jobs/recordInfo?taskId=x",
    "/api/v1/veo/get-1080p-video?taskId=x",
    "/api/v1/chat/credit",
)


def _veo(server: SandboxServer) -> requests.Response:
    return call_sandbox(server, "POST", "/api/v1/veo/generate", json=VEO_BODY)


def _status(server: SandboxServer, number: int = 0) -> requests.Response:
    return call_sandbox(server, "GET", STATUS_PATHS[number % len(STATUS_PATHS)])


def _status_codes(server: SandboxServer, count: int) -> list[int]:
    return [_status(server, n).status_code for n in range(count)]


def test_the_21st_create_within_ten_seconds_is_refused(clocked_sandbox: Clocked) -> None:
    server, clock = clocked_sandbox
    for _ in range(10):  # Veo generate and Jobs createTask share one window
        create_veo(server)
        create_job(server)
    clock.advance(9.9)

    refused = call_sandbox(server, "POST", "/api/v1/jobs/createTask", json=KLING_BODY)

    assert refused.status_code == 429
    assert len(server.tasks) == 20


def test_the_11th_status_read_within_a_second_is_refused(clocked_sandbox: Clocked) -> None:
    server, clock = clocked_sandbox
    admitted = _status_codes(server, 10)  # record-info, recordInfo, 1080p and credit alike
    clock.advance(0.99)

    assert admitted.count(429) == 0
    assert _status(server).status_code == 429


@pytest.mark.parametrize("path", ["/api/v1/veo/generate", "/api/v1/chat/credit"])
def test_a_refusal_is_kies_429_envelope(clocked_sandbox: Clocked, path: str) -> None:
    server, _clock = clocked_sandbox
    server.set_limits(create=RateLimit(1, 10.0), status=RateLimit(1, 1.0))
    method = "POST" if path.endswith("generate") else "GET"
    call_sandbox(server, method, path, json=VEO_BODY)

    refused = call_sandbox(server, method, path, json=VEO_BODY)

    assert refused.status_code == 429
    assert refused.json()["code"] == 429 and "Rate limit exceeded" in refused.json()["msg"]
    assert refused.json()["data"] is None


def test_the_create_window_slides_instead_of_resetting_on_the_clock(
    clocked_sandbox: Clocked,
) -> None:
    server, clock = clocked_sandbox
    first = [_veo(server).status_code for _ in range(10)]
    clock.advance(5)
    second = [_veo(server).status_code for _ in range(10)]
    clock.advance(4.99)
    still_full = _veo(server).status_code
    clock.advance(0.01)  # the first ten are now exactly 10 s old: out of the window
    reopened = [_veo(server).status_code for _ in range(11)]

    assert set(first + second) == {200} and still_full == 429
    assert reopened == [200] * 10 + [429]


def test_the_status_window_straddles_wall_clock_seconds(clocked_sandbox: Clocked) -> None:
    server, clock = clocked_sandbox
    clock.advance(0.5)
    _status_codes(server, 10)
    clock.advance(0.7)  # a new wall-clock second, but the ten are only 0.7 s old

    across = _status(server).status_code
    clock.advance(0.3)
    after = _status(server).status_code

    assert (across, after) == (429, 200)


def test_refused_requests_take_no_place_in_the_window(clocked_sandbox: Clocked) -> None:
    server, clock = clocked_sandbox
    _status_codes(server, 10)
    clock.advance(0.9)
    refused = _status_codes(server, 5)
    clock.advance(0.1)

    assert refused == [429] * 5
    assert _status_codes(server, 10) == [200] * 10


def test_chat_uploads_and_media_are_never_limited(clocked_sandbox: Clocked) -> None:
    server, _clock = clocked_sandbox
    server.set_limits(create=RateLimit(1, 10.0), status=RateLimit(1, 1.0))
    chat = {"messages": [{"role": "user", "content": "Hi"}], "stream": False}
    upload = {"base64Data": base64.b64encode(b"hello").decode(), "uploadPath": "t"}

    codes = [
        call_sandbox(server, method, path, json=body).status_code
        for _ in range(3)
        for method, path, body in (
            ("POST", "/gemini-2.5-flash/v1/chat/completions", chat),
            ("POST", "/api/file-base64-upload", upload),
            ("GET", "/media/veo_task_1.mp4", None),
        )
    ]

    assert codes == [200] * 9


def test_requests_with_a_wrong_key_do_not_use_up_the_limit(clocked_sandbox: Clocked) -> None:
    server, _clock = clocked_sandbox
    strangers = [
        call_sandbox(server, "GET", "/api/v1/chat/credit", api_key="wrong").json()["code"]
        for _ in range(11)
    ]

    assert strangers == [401] * 11
    assert _status_codes(server, 10) == [200] * 10


def test_constructor_switch_lifts_the_limits() -> None:
    with SandboxServer(port=0, rate_limits=False) as server:
        codes = [_veo(server).status_code for _ in range(21)] + _status_codes(server, 11)

    assert set(codes) == {200}


def test_constructor_sets_smaller_limits() -> None:
    # An hour-long window: the real clock cannot slide it open during the test.
    with SandboxServer(port=0, status_limit=RateLimit(2, 3600.0)) as server:
        codes = _status_codes(server, 3)

    assert codes[2] == 429


def test_set_limits_switches_off_and_reset_switches_back_on(clocked_sandbox: Clocked) -> None:
    server, _clock = clocked_sandbox
    server.set_limits(enabled=False)
    unlimited = _status_codes(server, 11)
    server.reset()

    assert set(unlimited) == {200}
    assert _status_codes(server, 11)[-1] == 429


def test_limits_control_endpoint_reports_switches_and_tunes(clocked_sandbox: Clocked) -> None:
    server, _clock = clocked_sandbox
    url = f"{server.base_url}/sandbox/limits"

    default = requests.get(url, timeout=10).json()["data"]
    tuned = requests.post(url, json={"status": {"maxRequests": 2}}, timeout=10).json()["data"]
    codes = _status_codes(server, 3)
    off = requests.post(url, json={"enabled": False}, timeout=10).json()["data"]

    assert default == {
        "enabled": True,
        "create": {"maxRequests": 20, "windowSeconds": 10.0},
        "status": {"maxRequests": 10, "windowSeconds": 1.0},
    }
    assert tuned["status"] == {"maxRequests": 2, "windowSeconds": 1.0}
    assert codes == [200, 200, 429]
    assert off["enabled"] is False and _status(server).status_code == 200


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"enabled": "no"}, "enabled"),
        ({"status": {"maxRequests": 0}}, "status.maxRequests"),
        ({"create": {"windowSeconds": -1}}, "create.windowSeconds"),
        ({"create": {"maxRequests": 2.5}}, "create.maxRequests"),
        ({"status": {"maxRequests": "3"}}, "status.maxRequests"),
        ({"status": {"perMinute": 3}}, "status"),
        ({"other": {"maxRequests": 3}}, "other"),
        ([], "JSON object"),
    ],
)
def test_limits_control_endpoint_names_the_bad_field(
    clocked_sandbox: Clocked, body: object, named: str
) -> None:
    server, _clock = clocked_sandbox

    answer = requests.post(f"{server.base_url}/sandbox/limits", json=body, timeout=10)

    assert answer.status_code == 400 and answer.json()["code"] == 400
    assert named in answer.json()["msg"]
    assert server.traffic.limits_dict()["status"]["maxRequests"] == 10


def test_injected_create_429_counts_as_refused_and_takes_no_slot(clocked_sandbox: Clocked) -> None:
    server, _clock = clocked_sandbox
    server.set_limits(create=RateLimit(1, 10.0))
    server.set_faults(create_429=1)

    codes = [_veo(server).status_code for _ in range(3)]

    assert codes == [429, 200, 429]
    assert server.stats()["totals"]["create"] == {"admitted": 1, "refused": 2}


def test_the_client_backs_off_on_a_status_429_until_the_window_admits_it(
    clocked_sandbox: Clocked,
) -> None:
    server, clock = clocked_sandbox
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock.advance(seconds)

    client = KieClient(api_key=server.api_key, base_url=server.base_url, sleep=sleep)
    _status_codes(server, 10)

    credits = client.get_credits()

    assert credits == server.credits and sleeps
    assert server.stats()["totals"]["status"]["refused"] == len(sleeps)
