"""Per-user rate limits on the endpoints that spend credits answer our JSON 429 with Retry-After."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from campaigns.api.throttles import COSTLY_ROUTES
from tests.api.schema_check import SchemaCheckedClient
from tests.factories import make_staff_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
# (path, scope): bodies are empty, so nothing reaches Kie; refused requests still count.
COSTLY = [
    ("/api/ideas", "ideas"),
    ("/api/products/999/ideas", "ideas"),
    ("/api/prompts", "prompts"),
    ("/api/video", "video"),
]


@pytest.fixture
def low_rates(settings) -> None:
    settings.API_THROTTLE_RATES = {"ideas": "2/min", "prompts": "2/min", "video": "2/min"}


def _client(user=None) -> SchemaCheckedClient:
    client = SchemaCheckedClient()
    token, _ = Token.objects.get_or_create(user=user or make_staff_user())
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.mark.parametrize(("path", "scope"), COSTLY)
def test_costly_endpoint_answers_429_with_retry_after_past_the_rate(low_rates, path, scope):
    client = _client()
    first = [client.post(path, {}, format="json").status_code for _ in range(2)]

    response = client.post(path, {}, format="json")

    assert 429 not in first
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_limits_are_per_user(low_rates):
    busy, other = _client(), _client()
    for _ in range(2):
        busy.post("/api/video", {}, format="json")

    assert busy.post("/api/video", {}, format="json").status_code == 429
    assert other.post("/api/video", {}, format="json").status_code == 400


def test_both_ideas_routes_share_one_budget(low_rates):
    client = _client()
    client.post("/api/ideas", {}, format="json")
    client.post("/api/products/999/ideas", {}, format="json")

    assert client.post("/api/ideas", {}, format="json").status_code == 429


def test_scopes_are_separate(low_rates):
    client = _client()
    for _ in range(2):
        client.post("/api/video", {}, format="json")

    assert client.post("/api/prompts", {}, format="json").status_code == 400


def test_reads_are_never_throttled(low_rates, settings):
    settings.API_THROTTLE_RATES = {scope: "1/min" for scope in ("ideas", "prompts", "video")}
    client = _client()

    statuses = {client.get("/api/video", {"taskId": "nope"}).status_code for _ in range(5)}

    assert 429 not in statuses


def test_a_scope_without_a_rate_is_not_limited(settings):
    settings.API_THROTTLE_RATES = {}
    client = _client()

    assert {client.post("/api/video", {}, format="json").status_code for _ in range(5)} == {400}


def test_quote_scope_is_ready_for_the_coming_endpoint(settings):
    assert COSTLY_ROUTES[("POST", "api:quote")] == "quote"
    assert "quote" in settings.API_THROTTLE_RATES


def test_rates_and_a_shared_cache_come_from_the_environment():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KIE_", "API_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_ENV_FILE="/dev/null",
        DJANGO_DEBUG="1",
        API_THROTTLE_RATES="video=5/min",
        CACHE_URL="dbcache://adstudio_cache",
    )
    code = (
        "import adstudio.settings as s; "
        "print(s.API_THROTTLE_RATES['video'], s.API_THROTTLE_RATES['ideas'], "
        "s.CACHES['default']['BACKEND'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.stdout.split() == [
        "5/min",
        "30/hour",
        "django.core.cache.backends.db.DatabaseCache",
    ]
