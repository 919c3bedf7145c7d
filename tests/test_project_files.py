"""The files a new teammate starts from: env documentation, quick start and compose."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ENV_NAMES = [
    "KIE_API_KEY", "KIE_BASE_URL", "KIE_UPLOAD_BASE_URL", "KIE_MEDIA_HOSTS",
    "KIE_CALLBACK_BASE_URL", "KIE_WEBHOOK_HMAC_KEY", "KIE_POLL_MIN_INTERVAL", "DATABASE_URL",
    "DJANGO_SECRET_KEY", "DJANGO_DEBUG", "DJANGO_ALLOWED_HOSTS", "MEDIA_ROOT",
    "DJANGO_SSL_REDIRECT", "DJANGO_SECURE_COOKIES", "DJANGO_TRUST_X_FORWARDED_PROTO",
    "DJANGO_HSTS_SECONDS", "DJANGO_HSTS_INCLUDE_SUBDOMAINS", "DJANGO_HSTS_PRELOAD",
    "KIE_HEALTH_CACHE_SECONDS", "CACHE_URL", "API_THROTTLE_RATES",
    "DJANGO_TRUSTED_PROXY_COUNT", "AXES_FAILURE_LIMIT", "AXES_COOLOFF_MINUTES",
]  # fmt: skip


@pytest.mark.parametrize("name", ENV_NAMES)
def test_every_environment_name_is_documented_and_read(name: str) -> None:
    assert re.search(rf"^{name}=", (ROOT / ".env.example").read_text(), re.MULTILINE)
    assert f"`{name}`" in (ROOT / "README.md").read_text()
    assert f'"{name}"' in (ROOT / "adstudio" / "settings.py").read_text()


def test_readme_quick_start_is_exactly_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert quick_start.split() == ["make", "run", "make", "test"]


def test_compose_runs_the_same_processes_as_make_run() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "web", "worker", "sandbox"}
    assert "gunicorn adstudio.wsgi" in services["web"]["command"]
    assert services["worker"]["command"] == "python manage.py db_worker"
    assert "kie_sandbox" in services["sandbox"]["command"]


def test_compose_refuses_to_start_without_a_real_secret_key() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    compose = yaml.safe_load(text)
    for name in ("web", "worker"):
        secret = compose["services"][name]["environment"]["DJANGO_SECRET_KEY"]
        assert secret.startswith("${DJANGO_SECRET_KEY:?"), secret  # required, no default
    assert "change-me" not in text


def test_compose_media_hosts_name_the_sandbox_port() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert compose["services"]["web"]["environment"]["KIE_MEDIA_HOSTS"].endswith("sandbox:8001}")
