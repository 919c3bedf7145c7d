"""Production settings from the environment pass Django's deployment checks; http stays possible."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k3Jx9-qVw2LzR8tYb5NmC4pHs7dFg1aE6uJoKi0WlXyQrTzSv_8nB2mD5cV",
    "DJANGO_ALLOWED_HOSTS": "adstudio.example.com",
}


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KIE_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, "DJANGO_ENV_FILE": "/dev/null", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings() -> None:
    result = _run(PRODUCTION_ENV, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _settings(env: dict[str, str], expr: str) -> str:
    result = _run(env, "-c", f"import adstudio.settings as s; print({expr})")
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_https_is_on_by_default_with_debug_off() -> None:
    expr = (
        "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
        "s.SECURE_PROXY_SSL_HEADER"
    )
    assert _settings(PRODUCTION_ENV, expr) == (
        "True True True 31536000 True False ('HTTP_X_FORWARDED_PROTO', 'https')"
    )


def test_plain_http_is_possible_with_the_documented_switches() -> None:
    env = {
        **PRODUCTION_ENV,
        "DJANGO_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_TRUST_X_FORWARDED_PROTO": "0",
        "DJANGO_HSTS_SECONDS": "600",
        "DJANGO_HSTS_PRELOAD": "1",
    }
    expr = (
        "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_PRELOAD, hasattr(s, 'SECURE_PROXY_SSL_HEADER')"
    )
    assert _settings(env, expr) == "False False 600 True False"


def test_health_probes_are_not_redirected_to_https() -> None:
    assert _settings(PRODUCTION_ENV, "s.SECURE_REDIRECT_EXEMPT") == "['^healthz$', '^readyz$']"
