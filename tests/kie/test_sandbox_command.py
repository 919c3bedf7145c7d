"""`python manage.py kie_sandbox`: the real command, in its own process, as `make run` starts it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from tests.sandbox_fixtures import KLING_BODY

PROJECT_DIR = Path(__file__).resolve().parents[2]
API_KEY = "command-test-key"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, path: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    return requests.get(f"{url}{path}", headers=headers, timeout=5)


def _wait_until_serving(url: str, process: subprocess.Popen, timeout_seconds: float) -> None:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            _get(url, "/api/v1/chat/credit")
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError(f"kie_sandbox did not start: {process.communicate(timeout=5)}")


@contextmanager
def _running_command(*extra_args: str) -> Iterator[tuple[str, subprocess.Popen]]:
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "adstudio.test_settings"}
    argv = [sys.executable, "manage.py", "kie_sandbox", "--port", str(port)]
    argv += ["--api-key", API_KEY, "--step-seconds", "0.1", "--credits", "77.5", *extra_args]
    process = subprocess.Popen(
        argv, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url, process, timeout_seconds=20)
        yield url, process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)


@pytest.fixture
def command_sandbox() -> Iterator[tuple[str, subprocess.Popen]]:
    with _running_command() as running:
        yield running


def test_command_serves_with_the_given_key_credits_and_task_speed(command_sandbox) -> None:
    url, _process = command_sandbox

    credits = _get(url, "/api/v1/chat/credit").json()
    created = requests.post(
        f"{url}/api/v1/jobs/createTask",
        json=KLING_BODY,
        headers={"Authorization": f"Bearer {API_KEY}"},
        timeout=5,
    ).json()
    time.sleep(0.6)  # three states at 0.1 s each, with room to spare
    record = _get(url, f"/api/v1/jobs/recordInfo?taskId={created['data']['taskId']}").json()

    assert credits == {"code": 200, "msg": "success", "data": 77.5}
    assert record["data"]["state"] == "success"


def test_command_stops_cleanly_on_sigterm(command_sandbox) -> None:
    url, process = command_sandbox

    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=10)

    assert process.returncode == 0
    assert f"Kie sandbox on {url}" in err.decode()


def test_command_logs_a_traffic_line_per_busy_second(command_sandbox) -> None:
    url, process = command_sandbox
    for _ in range(3):
        _get(url, "/api/v1/chat/credit")

    process.send_signal(signal.SIGTERM)  # stopping logs the unfinished second too
    _out, err = process.communicate(timeout=10)

    lines = [line for line in err.decode().splitlines() if "kie sandbox: " in line]
    # The start-up probe may fall in the same second as the three reads, or in the one before.
    assert sum(int(line.split("kie sandbox: ")[1].split(" status/s")[0]) for line in lines) == 4
    assert all("×429" in line for line in lines)


def test_command_rate_limits_are_on_unless_lifted() -> None:
    with _running_command() as (url, _process):
        default = requests.get(f"{url}/sandbox/limits", timeout=5).json()["data"]
    with _running_command("--no-rate-limits") as (url, _process):
        lifted = requests.get(f"{url}/sandbox/limits", timeout=5).json()["data"]
        codes = {_get(url, "/api/v1/chat/credit").status_code for _ in range(12)}

    assert default["enabled"] is True and lifted["enabled"] is False
    assert codes == {200}
