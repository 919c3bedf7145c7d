"""`make run`: one command starts web, worker and (without a key) the sandbox, with a demo login."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from campaigns.management.commands import ensure_demo_user as demo
from campaigns.management.commands.runstack import SANDBOX_API_KEY, Command


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


def test_without_a_key_the_children_talk_to_the_sandbox(settings) -> None:
    settings.KIE_API_KEY = ""
    command = Command()
    env = command._child_env(8123)
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


def test_with_a_key_no_sandbox_starts_and_kie_settings_pass_through(settings, monkeypatch) -> None:
    settings.KIE_API_KEY = "real-key"
    monkeypatch.delenv("KIE_BASE_URL", raising=False)
    command = Command()
    env = command._child_env(8123)
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
