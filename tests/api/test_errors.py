"""The one exception handler: every failure is `{"error": {...}}` JSON with the right status."""

from __future__ import annotations

import logging

import pytest
from rest_framework import serializers

from campaigns.api.errors import flatten_errors
from campaigns.services import credits
from campaigns.services import errors as service_errors
from kie.registry import RegistryValidationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(unchecked_api):
    # These tests push every kind of error through one endpoint (credits) to test the handler
    # itself, so the per-endpoint schema check does not apply.
    return unchecked_api


def _raise(exc: Exception):
    def fail(*args, **kwargs):
        raise exc

    return fail


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (service_errors.ValidationFailed(fields={"model": "Unknown"}), 400, "validation_error"),
        (service_errors.InsufficientCredits(), 402, "insufficient_credits"),
        (service_errors.BudgetExceeded(), 402, "budget_exceeded"),
        (service_errors.NotFound(), 404, "not_found"),
        (service_errors.NotReady(), 409, "not_ready"),
        (service_errors.IdempotencyConflict(), 409, "idempotency_conflict"),
        (service_errors.RateLimited(), 429, "rate_limited"),
        (service_errors.KieFailed(), 502, "kie_error"),
        (service_errors.ModelUnavailable(), 502, "model_unavailable"),
        (service_errors.KieUnavailable(), 503, "kie_unavailable"),
    ],
)
def test_service_errors_render_with_their_status_and_code(api, monkeypatch, error, status, code):
    monkeypatch.setattr(credits, "get_credit_balance", _raise(error))

    response = api.get("/api/credits")

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"] == error.message


def test_service_error_carries_fields_hint_kie_code_and_extra_keys(api, monkeypatch):
    error = service_errors.KieFailed(
        "Gemini is overloaded",
        kie_code=500,
        fields={"image": "Too dark"},
        extra={"productId": 7},
        hint="Use a brighter photo.",
    )
    monkeypatch.setattr(credits, "get_credit_balance", _raise(error))

    body = api.get("/api/credits").json()

    assert body == {
        "error": {
            "code": "kie_error",
            "message": "Gemini is overloaded",
            "fields": {"image": "Too dark"},
            "hint": "Use a brighter photo.",
            "kieCode": 500,
            "productId": 7,
        }
    }


@pytest.mark.parametrize(
    ("retry_after_seconds", "header"), [(None, "10"), (2.2, "3"), (0.1, "1"), (60, "60")]
)
def test_rate_limited_always_sends_retry_after(api, monkeypatch, retry_after_seconds, header):
    error = service_errors.RateLimited(retry_after_seconds=retry_after_seconds)
    monkeypatch.setattr(credits, "get_credit_balance", _raise(error))

    response = api.get("/api/credits")

    assert response.status_code == 429
    assert response["Retry-After"] == header


def test_unexpected_error_is_a_logged_json_500_not_an_html_page(api, monkeypatch, caplog):
    monkeypatch.setattr(credits, "get_credit_balance", _raise(RuntimeError("db on fire")))

    with caplog.at_level(logging.ERROR, logger="campaigns.api.errors"):
        response = api.get("/api/credits")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "server_error"
    assert "db on fire" not in response.json()["error"]["message"]
    record = next(r for r in caplog.records if r.name == "campaigns.api.errors")
    assert record.exc_info is not None and "db on fire" in str(record.exc_info[1])


def test_flatten_errors_makes_dotted_paths_from_nested_detail():
    class Inner(serializers.Serializer):
        name = serializers.CharField()

    class Outer(serializers.Serializer):
        ideaId = serializers.IntegerField()
        items = Inner(many=True)
        urls = serializers.ListField(child=serializers.URLField())

    serializer = Outer(data={"ideaId": "x", "items": [{"name": "ok"}, {}], "urls": ["nope"]})
    serializer.is_valid()

    assert set(flatten_errors(serializer.errors)) == {"ideaId", "items.1.name", "urls.0"}


def test_non_field_errors_get_a_camel_case_key():
    assert flatten_errors({"non_field_errors": ["Pick one."]}) == {"nonFieldErrors": "Pick one."}


def test_registry_error_that_escapes_a_service_still_names_the_field(api, monkeypatch):
    error = RegistryValidationError({"options.size": "Choose one of: standard, high."})
    monkeypatch.setattr(credits, "get_credit_balance", _raise(error))

    response = api.get("/api/credits")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"options.size": "Choose one of: standard, high."}
