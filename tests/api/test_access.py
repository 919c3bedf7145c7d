"""Who may call the API: staff by token or session; nobody else; /healthz and /readyz are public."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from campaigns.services import health
from tests.factories import make_staff_user

pytestmark = pytest.mark.django_db

STAFF_ONLY_GETS = ["/api/products", "/api/tasks", "/api/models", "/api/credits", "/api/schema/"]


@pytest.mark.parametrize("path", STAFF_ONLY_GETS)
def test_anonymous_caller_gets_401_json(anonymous, path):
    response = anonymous.get(path)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


def test_anonymous_post_gets_401_not_a_csrf_failure(anonymous):
    response = anonymous.post("/api/video", {"ideaId": 1, "model": "veo3"}, format="json")

    assert response.status_code == 401


def test_wrong_token_gets_401(anonymous):
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = anonymous.get("/api/products")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("path", STAFF_ONLY_GETS)
def test_non_staff_user_gets_403(path):
    client = APIClient()
    client.force_login(make_staff_user(is_staff=False))

    response = client.get(path)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_staff_session_can_use_the_api():
    client = APIClient()
    client.force_login(make_staff_user())

    assert client.get("/api/products").status_code == 200


def test_docs_page_redirects_anonymous_browser_to_login(anonymous):
    response = anonymous.get("/api/docs/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_docs_page_renders_swagger_for_a_staff_session():
    client = APIClient()
    client.force_login(make_staff_user())

    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


@pytest.mark.parametrize(("status", "code"), [("ok", 200), ("degraded", 503)])
def test_readyz_is_public_and_reports_status(anonymous, monkeypatch, status, code):
    kie = {"ok": status == "ok", "detail": "Kie.ai answered the credits call."}
    report = {"status": status, "database": {"ok": True}, "kie": kie}
    monkeypatch.setattr(health, "check_health", lambda: report)

    response = anonymous.get("/readyz")

    assert response.status_code == code
    assert response.json() == report


def test_readyz_is_ok_when_kie_answers(anonymous, kie_sandbox):
    response = anonymous.get("/readyz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["kie"]["ok"] is True


def test_readyz_is_degraded_when_kie_refuses_the_key(anonymous, kie_sandbox, settings):
    settings.KIE_API_KEY = "wrong-key"

    response = anonymous.get("/readyz")

    assert response.status_code == 503
    assert response.json()["kie"]["ok"] is False
    assert "wrong-key" not in response.content.decode()
