"""`make run`: one command starts web, worker and (without a key) the sandbox, with a demo login."""

from __future__ import annotations

import os
import socket
import sys
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from campaigns.management.commands import ensure_demo_user as demo
from campaigns.management.commands import runstack
from campaigns.management.commands.runstack import SANDBOX_API_KEY, Child, Command


@pytest.fixture
def password_file(tmp_path, monkeypatch):
    path = tmp_path / ".demo-password"
    monkeypatch.setattr(demo, "PASSWORD_FILE", path)
    return path


@pytest.mark.django_db
def test_demo_user_is_staff_and_keeps_its_password_between_runs(password_file) -> None:
    first = demo.ensure_demo_user()
    second = demo.ensure_demo_user()
    user = get_user_model().objects.get(username="demo")
    assert first == second
    assert user.is_staff and user.check_password(first[1])
    assert password_file.read_text().strip() == first[1]


def test_without_a_key_the_children_talk_to_the_sandbox(settings, monkeypatch) -> None:
    settings.KIE_API_KEY = ""
    monkeypatch.delenv("KIE_CALLBACK_BASE_URL", raising=False)
    command = Command()
    env = command._child_env(8123, 8000)
    names = [
        c.name
        for c in command._children(
            {"port": 8000, "sandbox_port": 8123, "sandbox_step_seconds": 2.0}
        )
    ]
    assert env["KIE_BASE_URL"] == env["KIE_UPLOAD_BASE_URL"] == "http://127.0.0.1:8123"
    assert env["KIE_API_KEY"] == SANDBOX_API_KEY
    assert env["KIE_MEDIA_HOSTS"] == "127.0.0.1:8123,localhost:8123"  # the sandbox's port only
    assert names == ["sandbox", "web", "worker"]
    # The sandbox calls back to our own web process, exercising callbacks locally.
    assert env["KIE_CALLBACK_BASE_URL"] == "http://127.0.0.1:8000"


def test_with_a_key_no_sandbox_starts_and_kie_settings_pass_through(settings, monkeypatch) -> None:
    settings.KIE_API_KEY = "real-key"
    monkeypatch.delenv("KIE_BASE_URL", raising=False)
    command = Command()
    env = command._child_env(8123, 8000)
    names = [
        c.name
        for c in command._children(
            {"port": 8000, "sandbox_port": 8123, "sandbox_step_seconds": 2.0}
        )
    ]
    assert "KIE_BASE_URL" not in env
    assert names == ["web", "worker"]


def test_stopping_the_stack_stops_every_child_even_with_sigint_ignored() -> None:
    import signal
    import subprocess
    import sys

    from campaigns.management.commands.runstack import _stop_all

    # A child started from a background shell inherits SIGINT ignored; it must still stop.
    ignore_sigint = (
        "import signal,time; signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(60)"
    )
    procs = [subprocess.Popen([sys.executable, "-c", ignore_sigint]) for _ in range(2)]
    _stop_all(procs)
    assert [p.returncode for p in procs] == [-signal.SIGTERM, -signal.SIGTERM]


def _stack_output() -> tuple[Command, StringIO]:
    out = StringIO()
    return Command(stdout=out, stderr=StringIO()), out


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_each_line_a_child_prints_is_prefixed_with_its_name(tmp_path) -> None:
    command, out = _stack_output()
    printed = tmp_path / "sandbox-printed"
    # web exits (stopping the stack) only once the sandbox has printed: no race on a busy machine.
    sandbox = f"print('ready'); print('two', flush=True); open({str(printed)!r}, 'w').close()"
    web = (
        "import os, time\n"
        f"while not os.path.exists({str(printed)!r}): time.sleep(0.05)\n"
        "time.sleep(0.2); print('serving'); raise SystemExit(3)"
    )
    children = [
        Child("sandbox", _python(sandbox + "; import time; time.sleep(60)")),
        Child("web", _python(web)),
    ]

    with pytest.raises(CommandError):
        command._supervise(children, dict(os.environ))

    lines = out.getvalue().splitlines()
    assert {"sandbox| ready", "sandbox| two", "web    | serving"} <= set(lines)


def test_a_child_that_dies_stops_the_others_and_the_stack_fails_naming_it() -> None:
    command, _ = _stack_output()
    survivor = Child("worker", _python("import time; time.sleep(60)"))
    dying = Child("web", _python("raise SystemExit(3)"))

    with pytest.raises(CommandError, match="web exited with code 3; stopped worker") as caught:
        command._supervise([survivor, dying], dict(os.environ))

    assert caught.value.returncode == 3


def test_a_child_that_exits_cleanly_still_fails_the_stack() -> None:
    command, _ = _stack_output()
    children = [
        Child("worker", _python("pass")),
        Child("web", _python("import time; time.sleep(60)")),
    ]

    with pytest.raises(CommandError, match="worker exited with code 0") as caught:
        command._supervise(children, dict(os.environ))

    assert caught.value.returncode == 1


def test_a_busy_port_fails_before_anything_starts(monkeypatch, settings) -> None:
    settings.KIE_API_KEY = ""
    started = []
    monkeypatch.setattr(runstack, "call_command", lambda *a, **k: started.append(a))
    monkeypatch.setattr(Command, "_supervise", lambda *a: started.append("children"))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        with pytest.raises(CommandError, match=f"Port {port} on 127.0.0.1 is already in use"):
            call_command("runstack", port=8000 if port != 8000 else 8002, sandbox_port=port)

    assert started == []


def test_free_ports_pass_the_check() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    runstack.ensure_ports_free([port])


def test_help_documents_the_ports_and_how_make_run_sets_them() -> None:
    help_text = " ".join(Command().create_parser("manage.py", "runstack").format_help().split())

    assert "make run PORT=" in help_text
    assert "make run SANDBOX_PORT=" in help_text


def test_the_banner_names_portal_admin_docs_and_the_demo_login(settings) -> None:
    settings.KIE_API_KEY = ""
    command, out = _stack_output()

    command._banner({"port": 18123, "sandbox_port": 18124}, "demo", "s3cret")

    text = out.getvalue()
    for line in (
        "Portal      : http://127.0.0.1:18123/",
        "Admin       : http://127.0.0.1:18123/admin/",
        "API docs    : http://127.0.0.1:18123/api/docs/",
        "Staff login : demo / s3cret",
        "offline Kie sandbox on http://127.0.0.1:18124",
    ):
        assert line in text
