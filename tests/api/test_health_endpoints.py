"""/healthz is a free liveness probe (database only); /readyz asks Kie at most once per interval."""

from __future__ import annotations

import pytest
import responses
from django.db import OperationalError, connection

from campaigns.services import health

pytestmark = pytest.mark.django_db

PROBES = 50


def test_liveness_never_calls_kie(anonymous, kie_sandbox):
    for _ in range(PROBES):
        response = anonymous.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": {"ok": True}}

    assert kie_sandbox.request_log == []


def test_liveness_makes_no_outbound_http_at_all(anonymous):
    with responses.RequestsMock():  # any HTTP call at all would fail the test
        assert anonymous.get("/healthz").status_code == 200


def test_liveness_is_503_when_the_database_fails(anonymous, monkeypatch):
    def failing_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", failing_cursor)

    response = anonymous.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": {"ok": False}}


def _credit_calls(server) -> int:
    return sum(1 for _, path in server.request_log if path.startswith("/api/v1/chat/credit"))


def test_readiness_asks_kie_once_per_cache_interval(anonymous, kie_sandbox):
    for _ in range(PROBES):
        response = anonymous.get("/readyz")
        assert response.status_code == 200
        assert response.json()["kie"]["ok"] is True

    assert _credit_calls(kie_sandbox) == 1


def test_readiness_caches_a_kie_failure_too(anonymous, kie_sandbox, settings):
    settings.KIE_API_KEY = "wrong-key"

    statuses = {anonymous.get("/readyz").status_code for _ in range(PROBES)}

    assert statuses == {503}
    assert _credit_calls(kie_sandbox) == 1


def test_readiness_asks_kie_again_once_the_cached_answer_expires(anonymous, kie_sandbox):
    from django.core.cache import cache

    anonymous.get("/readyz")
    cache.delete(health.KIE_CACHE_KEY)  # what the cache does after KIE_HEALTH_CACHE_SECONDS
    anonymous.get("/readyz")

    assert _credit_calls(kie_sandbox) == 2


def test_readiness_cache_lasts_at_least_30_seconds(settings, monkeypatch):
    settings.KIE_HEALTH_CACHE_SECONDS = 1
    stored: list[int] = []
    monkeypatch.setattr(health, "_kie_reachable", lambda client: (True, "fine"))
    monkeypatch.setattr(health.cache, "set", lambda key, value, seconds: stored.append(seconds))

    health.check_health()

    assert stored == [30]
