"""Every command the README shows works in a fresh clone, after the first `make run`.

The quick start's `make run` runs first (as a newcomer does), then each ```sh block of the README
(quick start and Docker aside) runs as written, except that the port numbers are swapped for free
ones. A block that ends in a server counts when that server answers HTTP and stops on Ctrl-C.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.fresh_clone import (
    REQUEST_SECONDS,
    ROOT,
    Background,
    free_port,
    group_is_gone,
    make_fresh_clone,
    readme_blocks,
    run_script,
    serving,
)

SKIPPED_SECTIONS = {"Quick start", "Docker"}
BLOCKS = readme_blocks((ROOT / "README.md").read_text(), SKIPPED_SECTIONS)
SERVER = re.compile(r"make run|kie_sandbox|gunicorn")
PORT = re.compile(r"(PORT=|--port |--bind 127\.0\.0\.1:)(\d{4,5})\b")
PREFIXES = ("web    | ", "worker | ", "sandbox| ")
MISSING_PATH = "/api/no-such-endpoint"


@dataclass
class FirstRun:
    clone: Path
    web_port: int
    output: str
    stopped: bool


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> FirstRun:
    """A fresh clone after the quick start's `make run` (on free ports) served and got Ctrl-C."""
    clone = make_fresh_clone(tmp_path_factory.mktemp("clone"))
    web, sandbox = free_port(), free_port()
    with serving(clone, f"make run PORT={web} SANDBOX_PORT={sandbox}", web, "/healthz") as stack:
        base = f"http://127.0.0.1:{web}"
        assert _status_becomes(f"{base}/healthz", 200)  # once the sandbox answers too
        assert requests.get(f"{base}{MISSING_PATH}", timeout=REQUEST_SECONDS).status_code == 404
        _wait_for_text(stack, MISSING_PATH)
        _wait_for_text(stack, "worker | ")
    return FirstRun(clone, web, stack.output, group_is_gone(stack))


def _status_becomes(url: str, status: int) -> bool:
    deadline = time.monotonic() + 30
    while requests.get(url, timeout=REQUEST_SECONDS).status_code != status:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.3)
    return True


def _wait_for_text(process: Background, text: str) -> None:
    deadline = time.monotonic() + 10
    while text not in process.output and time.monotonic() < deadline:
        time.sleep(0.1)


def test_first_make_run_writes_a_local_env_with_debug_on_and_a_new_secret_key(first_run):
    env = (first_run.clone / ".env").read_text()

    assert re.search(r"^DJANGO_DEBUG=1$", env, re.MULTILINE)
    key = re.search(r"^DJANGO_SECRET_KEY=(\S+)$", env, re.MULTILINE)
    assert key and len(key.group(1)) >= 50
    assert key.group(1) not in (ROOT / ".env.example").read_text()


def test_make_run_serves_on_the_given_port_and_names_the_ways_in(first_run):
    base = f"http://127.0.0.1:{first_run.web_port}"

    for line in (f"Portal      : {base}/", f"Admin       : {base}/admin/", f"{base}/api/docs/"):
        assert line in first_run.output
    assert re.search(r"Staff login : demo / \S+", first_run.output)


def test_every_line_the_processes_print_carries_their_name(first_run):
    after_banner = first_run.output.split("Press Ctrl-C to stop everything.", 1)[1]
    running = after_banner.split("Stopping…", 1)[0]
    lines = [line for line in running.splitlines() if line.strip()]

    assert lines
    assert all(line.startswith(PREFIXES) for line in lines), lines
    assert {line[:9] for line in lines} == set(PREFIXES)


def test_a_refused_request_is_logged_once(first_run):
    assert first_run.output.count(MISSING_PATH) == 1, first_run.output


def test_ctrl_c_stops_every_process_of_the_stack(first_run):
    assert first_run.stopped
    assert "Stopping…" in first_run.output
    assert "exited with code" not in first_run.output


def test_sigterm_to_the_stack_stops_every_process_and_exits_cleanly(first_run):
    web, sandbox = free_port(), free_port()
    command = f"exec .venv/bin/python manage.py runstack --port {web} --sandbox-port {sandbox}"
    stack = Background(first_run.clone, command)
    try:
        stack.wait_for_http(web, "/")
    finally:
        os.kill(stack.process.pid, signal.SIGTERM)  # what `kill` and `docker stop` send

    assert stack.wait(timeout=30) == 0, stack.output
    assert group_is_gone(stack)


def test_a_busy_port_makes_make_run_fail_naming_it_before_starting_anything(first_run):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_script(
            first_run.clone, f"make run PORT={port} SANDBOX_PORT={free_port()}", timeout=120
        )

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"Port {port}" in output
    assert "AdStudio is starting" not in output


@pytest.mark.parametrize(
    ("section", "script"), BLOCKS, ids=[f"{n}-{title}" for n, (title, _) in enumerate(BLOCKS)]
)
def test_readme_command_block_works_as_written(first_run, section, script):
    script = _with_free_ports(script)
    commands = [line for line in script.splitlines() if line.strip()]
    if not SERVER.search(commands[-1]):
        result = run_script(first_run.clone, script)
        assert result.returncode == 0, result.stdout + result.stderr
        if "token" in script:
            assert re.search(r"\b[0-9a-f]{40}\b", result.stdout), result.stdout
        return
    port = _port_in(commands[-1])
    with serving(first_run.clone, script, port) as server:
        if "gunicorn" in commands[-1]:
            _check_production_server(port, script)
    assert group_is_gone(server), server.output


def _with_free_ports(script: str) -> str:
    """The script with each port it names replaced by a free one (the same one each time)."""
    ports: dict[str, int] = {}

    def swap(match: re.Match) -> str:
        return f"{match.group(1)}{ports.setdefault(match.group(2), free_port())}"

    return PORT.sub(swap, script)


def _port_in(command: str) -> int:
    """The port a server command serves on: the first it names (make run's PORT, not SANDBOX_)."""
    match = PORT.search(command)
    assert match, f"cannot tell which port {command!r} serves on"
    return int(match.group(2))


def _check_production_server(port: int, script: str) -> None:
    """Debug off: the admin login page renders (static files collected) and login works."""
    base = f"http://127.0.0.1:{port}"
    username = re.search(r"--username (\S+)", script).group(1)
    password = re.search(r"DJANGO_SUPERUSER_PASSWORD=(\S+)", script).group(1)
    browser = requests.Session()
    page = browser.get(f"{base}/admin/login/", timeout=REQUEST_SECONDS)
    assert page.status_code == 200, page.text[:500]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    logged_in = browser.post(
        f"{base}/admin/login/?next=/admin/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        headers={"Referer": f"{base}/admin/login/", "Origin": base},
        timeout=REQUEST_SECONDS,
    )

    assert logged_in.status_code == 200 and logged_in.url == f"{base}/admin/", logged_in.url
    docs = browser.get(f"{base}/api/docs/", timeout=REQUEST_SECONDS)
    assert docs.status_code == 200
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', docs.text):
        assert browser.get(f"{base}{asset}", timeout=REQUEST_SECONDS).status_code == 200, asset
