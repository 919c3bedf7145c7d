"""A frontend on another origin: CORS headers on /api/ for the listed origins, nowhere else."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = "https://app.example.com"
STRANGER = "https://evil.example.net"
NEEDED_REQUEST_HEADERS = "authorization, content-type, idempotency-key"


@pytest.fixture(autouse=True)
def _frontend_allowed(settings) -> None:
    settings.CORS_ALLOWED_ORIGINS = [FRONTEND]


def preflight(client: APIClient, path: str, origin: str, method: str = "POST"):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS=NEEDED_REQUEST_HEADERS,
    )


def cors_headers(response) -> dict[str, str]:
    return {
        name.lower(): value
        for name, value in response.headers.items()
        if name.lower().startswith("access-control-")
    }


def listed(value: str) -> set[str]:
    return {item.strip().lower() for item in value.split(",")}


def test_preflight_from_an_allowed_origin_allows_the_token_and_the_idempotency_key():
    response = preflight(APIClient(), "/api/video", FRONTEND)

    assert response.status_code == 200  # answered before authentication: preflights carry no token
    assert response["Access-Control-Allow-Origin"] == FRONTEND
    assert listed(NEEDED_REQUEST_HEADERS) <= listed(response["Access-Control-Allow-Headers"])
    assert {"get", "post"} <= listed(response["Access-Control-Allow-Methods"])
    assert "origin" in listed(response["Vary"])


def test_answers_to_an_allowed_origin_expose_retry_after_range_and_file_name(api):
    response = api.get("/api/models", HTTP_ORIGIN=FRONTEND)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONTEND
    exposed = listed(response["Access-Control-Expose-Headers"])
    assert exposed == {"retry-after", "content-range", "content-disposition"}


@pytest.mark.parametrize("path", ["/api/products", "/api/no-such-endpoint"])
def test_error_answers_carry_cors_headers_so_the_frontend_can_read_the_message(path):
    response = APIClient().get(path, HTTP_ORIGIN=FRONTEND)

    assert response.status_code in (401, 404)
    assert response["Access-Control-Allow-Origin"] == FRONTEND
    assert response.json()["error"]["message"]


def test_a_disallowed_origin_gets_no_cors_headers(api):
    answers = [
        preflight(APIClient(), "/api/video", STRANGER),
        api.get("/api/models", HTTP_ORIGIN=STRANGER),
    ]

    assert [cors_headers(response) for response in answers] == [{}, {}]


def test_a_look_alike_origin_on_another_scheme_or_port_is_not_allowed(api):
    for origin in ("http://app.example.com", "https://app.example.com:8443"):
        assert cors_headers(api.get("/api/models", HTTP_ORIGIN=origin)) == {}


@pytest.mark.parametrize(
    "path",
    ["/healthz", "/readyz", "/login", "/", "/admin/login/", "/kie/callback/vt_0123456789abcdef"],
)
def test_paths_outside_the_api_never_send_cors_headers(path, kie_sandbox):
    client = APIClient()
    answers = [preflight(client, path, FRONTEND), client.get(path, HTTP_ORIGIN=FRONTEND)]

    assert [cors_headers(response) for response in answers] == [{}, {}]


def test_credentials_mode_is_off_unless_configured(api, settings):
    default = api.get("/api/models", HTTP_ORIGIN=FRONTEND)
    settings.CORS_ALLOW_CREDENTIALS = True
    configured = api.get("/api/models", HTTP_ORIGIN=FRONTEND)

    assert "Access-Control-Allow-Credentials" not in default
    assert configured["Access-Control-Allow-Credentials"] == "true"


def test_a_malformed_origin_fails_the_system_check(settings):
    settings.CORS_ALLOWED_ORIGINS = ["app.example.com"]

    errors = checks.run_checks(tags=None)

    assert any(error.id.startswith("corsheaders.") for error in errors), errors


def _settings_in_a_fresh_process(env: dict[str, str], expr: str) -> str:
    names = ("DJANGO_", "KIE_", "CORS_", "DATABASE_URL")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(names)}
    result = subprocess.run(
        [sys.executable, "-c", f"import adstudio.settings as s; print(repr(({expr})))"],
        cwd=ROOT,
        env={**clean, "DJANGO_ENV_FILE": os.devnull, "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_no_origin_is_allowed_and_credentials_are_off_by_default():
    expr = "s.CORS_ALLOWED_ORIGINS, s.CORS_ALLOW_CREDENTIALS, s.MIDDLEWARE[0]"

    assert _settings_in_a_fresh_process({}, expr) == (
        "([], False, 'corsheaders.middleware.CorsMiddleware')"
    )


def test_origins_and_credentials_come_from_the_environment():
    env = {
        "CORS_ALLOWED_ORIGINS": "https://app.example.com/,http://127.0.0.1:18080",
        "CORS_ALLOW_CREDENTIALS": "1",
    }

    answer = _settings_in_a_fresh_process(env, "s.CORS_ALLOWED_ORIGINS, s.CORS_ALLOW_CREDENTIALS")

    assert answer == "(['https://app.example.com', 'http://127.0.0.1:18080'], True)"
