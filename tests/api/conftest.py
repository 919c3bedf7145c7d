"""Fixtures for the API tests: a staff client authenticated by token, like a real frontend."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api.sandbox_helpers import create_ideas_from_url
from tests.api.schema_check import SchemaCheckedClient
from tests.factories import make_staff_user


@pytest.fixture
def staff_user(db):
    return make_staff_user()


@pytest.fixture
def api(staff_user) -> APIClient:
    """A staff client by token; every response must match the published schema of its endpoint."""
    return _with_token(SchemaCheckedClient(), staff_user)


@pytest.fixture
def unchecked_api(staff_user) -> APIClient:
    """A staff client whose responses are not held to the schema (for error-handler tests)."""
    return _with_token(APIClient(), staff_user)


def _with_token(client: APIClient, user) -> APIClient:
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def idea_id(api, kie_sandbox) -> int:
    """The first of ten ideas for a product photo, made through the API against the sandbox."""
    return create_ideas_from_url(api, kie_sandbox)["ideas"][0]["id"]


@pytest.fixture
def anonymous(db) -> APIClient:
    return SchemaCheckedClient()


@pytest.fixture(autouse=True)
def _poll_on_every_request(settings) -> None:
    # The sandbox advances a task one state per status request; every GET must reach it.
    settings.KIE_POLL_MIN_INTERVAL = 0
