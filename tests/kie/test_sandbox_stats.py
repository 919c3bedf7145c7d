"""Request-rate statistics: totals and 429s per kind, sliding-window peaks, per-second series."""

from __future__ import annotations

import logging
import time

import pytest
import requests

from kie.sandbox import RateLimit, SandboxServer
from kie.sandbox.traffic import SERIES_SECONDS, Traffic, log_line
from tests.sandbox_fixtures import VEO_BODY, ManualClock, call_sandbox

Clocked = tuple[SandboxServer, ManualClock]
CHAT = {"messages": [{"role": "user", "content": "Hi"}], "stream": False}


def _statuses(server: SandboxServer, count: int) -> None:
    for _ in range(count):
        call_sandbox(server, "GET", "/api/v1/chat/credit")


def _creates(server: SandboxServer, count: int) -> None:
    for _ in range(count):
        call_sandbox(server, "POST", "/api/v1/veo/generate", json=VEO_BODY)


def test_stats_count_admitted_and_refused_requests_per_kind(clocked_sandbox: Clocked) -> None:
    server, _clock = clocked_sandbox
    server.set_limits(status=RateLimit(2, 1.0))
    _statuses(server, 3)
    _creates(server, 2)
    call_sandbox(server, "POST", "/gemini-2.5-flash/v1/chat/completions", json=CHAT)

    stats = server.stats()

    assert stats["totals"] == {
        "create": {"admitted": 2, "refused": 0},
        "status": {"admitted": 2, "refused": 1},
        "other": {"admitted": 1, "refused": 0},
    }
    assert stats["refusedTotal"] == 1
    assert (stats["maxStatusPerSecond"], stats["maxCreatesPer10Seconds"]) == (2, 2)


def test_stats_over_http_match_the_python_call(clocked_sandbox: Clocked) -> None:
    server, _clock = clocked_sandbox
    _statuses(server, 2)

    answer = requests.get(f"{server.base_url}/sandbox/stats", timeout=10).json()

    assert answer["code"] == 200
    assert answer["data"] == server.stats()
    assert answer["data"]["rateLimits"]["enabled"] is True


def test_status_peak_is_a_sliding_second_not_a_wall_clock_one(clocked_sandbox: Clocked) -> None:
    server, clock = clocked_sandbox
    server.set_limits(enabled=False)
    clock.advance(0.6)
    _statuses(server, 6)
    clock.advance(0.6)  # into the next wall-clock second, 0.6 s after the first six
    _statuses(server, 6)

    stats = server.stats()

    assert [s["status"]["admitted"] for s in stats["seconds"]] == [6, 6]
    assert stats["maxStatusPerSecond"] == 12


def test_with_limits_on_no_second_ever_holds_more_than_ten_status_reads(
    clocked_sandbox: Clocked,
) -> None:
    server, clock = clocked_sandbox
    for _ in range(5):  # 6 reads every 0.3 s: t=1.2 is the first time the 0.0 batch has gone
        _statuses(server, 6)
        clock.advance(0.3)

    stats = server.stats()

    assert stats["maxStatusPerSecond"] == 10
    assert stats["totals"]["status"] == {"admitted": 16, "refused": 14}


def test_create_peak_covers_ten_seconds(clocked_sandbox: Clocked) -> None:
    server, clock = clocked_sandbox
    _creates(server, 5)
    clock.advance(9.9)
    _creates(server, 6)
    clock.advance(0.1)  # the first five leave the window
    _creates(server, 4)

    assert server.stats()["maxCreatesPer10Seconds"] == 11


def test_series_lists_each_busy_second_of_the_last_five_minutes(clocked_sandbox: Clocked) -> None:
    server, clock = clocked_sandbox
    _statuses(server, 1)
    clock.advance(SERIES_SECONDS + 1)
    _creates(server, 1)
    call_sandbox(server, "GET", "/media/veo_task_1.mp4")

    seconds = server.stats()["seconds"]

    assert seconds == [
        {
            "second": int(clock.now),
            "create": {"admitted": 1, "refused": 0},
            "status": {"admitted": 0, "refused": 0},
            "other": {"admitted": 1, "refused": 0},
        }
    ]
    assert server.stats()["totals"]["status"]["admitted"] == 1  # totals keep everything


def test_sandbox_controls_are_not_counted(clocked_sandbox: Clocked) -> None:
    server, _clock = clocked_sandbox
    for path in ("/sandbox/stats", "/sandbox/faults", "/sandbox/limits"):
        requests.get(f"{server.base_url}{path}", timeout=10)

    stats = server.stats()

    assert all(t == {"admitted": 0, "refused": 0} for t in stats["totals"].values())
    assert stats["seconds"] == []


def test_reset_clears_the_counters_and_peaks(clocked_sandbox: Clocked) -> None:
    server, _clock = clocked_sandbox
    _statuses(server, 3)

    requests.post(f"{server.base_url}/sandbox/reset", timeout=10)

    stats = server.stats()
    assert stats["totals"]["status"] == {"admitted": 0, "refused": 0}
    assert (stats["maxStatusPerSecond"], stats["seconds"]) == (0, [])


def test_finished_seconds_hands_out_each_past_second_once() -> None:
    clock = ManualClock(now=100.2)
    traffic = Traffic(clock=clock)
    traffic.admit("status")
    clock.advance(1.0)
    traffic.admit("create")

    first = traffic.finished_seconds()
    again = traffic.finished_seconds()
    flushed = traffic.finished_seconds(include_current=True)

    assert [second for second, _counts in first] == [100]
    assert again == []
    assert [second for second, _counts in flushed] == [101]


def test_log_line_gives_admitted_per_kind_and_the_429s() -> None:
    counts = {
        "status": {"admitted": 10, "refused": 1},
        "create": {"admitted": 2, "refused": 0},
        "other": {"admitted": 3, "refused": 0},
    }
    second = 1_767_225_600

    line = log_line(second, counts)

    clock_text = time.strftime("%H:%M:%S", time.localtime(second))
    assert line == f"kie sandbox: 10 status/s, 2 creates/s, 3 other/s, 1×429 ({clock_text})"


def test_a_logging_server_logs_each_busy_second(caplog: pytest.LogCaptureFixture) -> None:
    clock = ManualClock()
    server = SandboxServer(port=0, clock=clock, log_traffic=True).start()
    _statuses(server, 2)
    clock.advance(1)
    _creates(server, 1)

    with caplog.at_level(logging.INFO, logger="kie.sandbox"):
        server.stop()  # stopping logs the seconds the clock thread had not reached yet

    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("kie sandbox:")]
    assert [line.split(" (")[0] for line in lines] == [
        "kie sandbox: 2 status/s, 0 creates/s, 0 other/s, 0×429",
        "kie sandbox: 0 status/s, 1 creates/s, 0 other/s, 0×429",
    ]
