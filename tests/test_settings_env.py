"""Settings come from the environment, with production-safe defaults."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_settings(env: dict[str, str], expr: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KIE_"))}
    clean.pop("DATABASE_URL", None)
    code = f"import adstudio.settings as s; print({expr})"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_ENV_FILE": "/dev/null", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_secret_key_is_required_when_debug_is_off() -> None:
    result = _load_settings({"DJANGO_DEBUG": "0"}, "s.SECRET_KEY")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_is_off_unless_set() -> None:
    result = _load_settings({"DJANGO_SECRET_KEY": "x" * 50}, "s.DEBUG, s.ALLOWED_HOSTS")
    assert result.stdout.strip() == "False []"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "django.db.backends.sqlite3"),
        ({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test"}, "postgresql"),
    ],
)
def test_database_url_switches_the_engine(env: dict[str, str], expected: str) -> None:
    result = _load_settings({"DJANGO_DEBUG": "1", **env}, "s.DATABASES['default']['ENGINE']")
    assert expected in result.stdout


def test_kie_settings_come_from_the_environment() -> None:
    env = {
        "DJANGO_DEBUG": "1",
        "KIE_BASE_URL": "http://127.0.0.1:8001/",
        "KIE_MEDIA_HOSTS": "a.example,b.example",
        "KIE_POLL_MIN_INTERVAL": "2.5",
        "KIE_UNAVAILABLE_MODELS": "veo3=Retired upstream",
    }
    expr = "s.KIE_BASE_URL, s.KIE_MEDIA_HOSTS, s.KIE_POLL_MIN_INTERVAL, s.KIE_UNAVAILABLE_MODELS"
    result = _load_settings(env, expr)
    assert result.stdout.strip() == (
        "http://127.0.0.1:8001 ['a.example', 'b.example'] 2.5 {'veo3': 'Retired upstream'}"
    )


@pytest.mark.parametrize(("value", "secure"), [(None, "True"), ("1", "True"), ("0", "False")])
def test_cookies_are_https_only_with_debug_off_unless_turned_off(value, secure) -> None:
    env = {"DJANGO_SECRET_KEY": "x" * 50, **({"DJANGO_SECURE_COOKIES": value} if value else {})}

    result = _load_settings(env, "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE")

    assert result.stdout.split() == [secure, secure]


def test_runserver_access_lines_skip_responses_django_request_already_logged() -> None:
    from adstudio.log_filters import SkipResponsesDjangoLogs

    def record(status: int) -> logging.LogRecord:
        made = logging.LogRecord("django.server", logging.INFO, "", 0, '"GET /x" %s', (), None)
        made.status_code = status
        return made

    keep = SkipResponsesDjangoLogs().filter

    assert [keep(record(status)) for status in (200, 302, 404, 500)] == [True, True, False, False]
