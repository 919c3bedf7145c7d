from __future__ import annotations

import pytest
import responses
from django.db import DatabaseError

from campaigns.services import health
from campaigns.services.health import check_health
from tests.services.kie_stubs import CREDITS_URL

pytestmark = pytest.mark.django_db


@responses.activate
def test_health_is_ok_when_database_and_kie_answer():
    responses.get(CREDITS_URL, json={"code": 200, "msg": "success", "data": 12})

    report = check_health()

    assert report["status"] == "ok"
    assert report["database"] == {"ok": True}
    assert report["kie"]["ok"] is True
    assert "12" not in report["kie"]["detail"]  # the balance is not health information


@responses.activate
def test_health_is_degraded_when_kie_rejects_the_key_and_never_shows_it(settings):
    settings.KIE_API_KEY = "sk-secret-123"
    responses.get(CREDITS_URL, json={"code": 401, "msg": "Bad key sk-secret-123"})

    report = check_health()

    assert report["status"] == "degraded"
    assert report["database"] == {"ok": True}
    assert report["kie"]["ok"] is False
    assert "KIE_API_KEY" in report["kie"]["detail"]
    assert "sk-secret-123" not in str(report)


@responses.activate
def test_health_is_degraded_without_retrying_when_kie_is_down():
    responses.get(CREDITS_URL, status=503, body="upstream down")

    report = check_health()

    assert report["status"] == "degraded"
    assert report["kie"]["ok"] is False
    assert report["kie"]["detail"]
    assert len(responses.calls) == 1  # one short attempt, no backoff


@responses.activate
def test_health_is_degraded_when_the_database_fails(monkeypatch):
    responses.get(CREDITS_URL, json={"code": 200, "msg": "success", "data": 12})

    class BrokenConnection:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr(health, "connection", BrokenConnection())

    report = check_health()

    assert report["status"] == "degraded"
    assert report["database"] == {"ok": False}
    assert report["kie"]["ok"] is True
