"""Fixtures for the API tests: a staff client authenticated by token, like a real frontend."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import make_staff_user


@pytest.fixture
def staff_user(db):
    return make_staff_user()


@pytest.fixture
def api(staff_user) -> APIClient:
    client = APIClient()
    token = Token.objects.create(user=staff_user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def anonymous(db) -> APIClient:
    return APIClient()


@pytest.fixture(autouse=True)
def _poll_on_every_request(settings) -> None:
    # The sandbox advances a task one state per status request; every GET must reach it.
    settings.KIE_POLL_MIN_INTERVAL = 0


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Cached credit balances and rate limits must not leak from one test into the next.
    from django.core.cache import cache

    cache.clear()
