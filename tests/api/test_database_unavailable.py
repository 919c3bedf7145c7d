"""The database going away: the API answers 503 JSON, and recovers when the database returns."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from campaigns.api.fallbacks import handler500
from tests.factories import make_staff_user

pytestmark = pytest.mark.django_db


@contextmanager
def broken_database(error: Exception) -> Iterator[None]:
    """Every new cursor on the default connection fails, as when the server is down."""
    real_cursor = connection.cursor

    def failing_cursor(*args, **kwargs):
        raise error

    connection.cursor = failing_cursor
    try:
        yield
    finally:
        connection.cursor = real_cursor


def _assert_database_unavailable(response) -> None:
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["error"]["code"] == "database_unavailable"
    assert response["Retry-After"] == "5"


@pytest.mark.parametrize(
    "error", [OperationalError("server closed the connection"), InterfaceError("closed")]
)
def test_api_answers_503_while_the_database_is_down_then_recovers(api, error):
    with broken_database(error):
        _assert_database_unavailable(api.get("/api/products"))

    response = api.get("/api/products")

    assert response.status_code == 200


def test_a_plain_django_view_under_api_also_answers_503():
    # /api/docs/ is a Django view (staff_member_required): its session look-up hits the database.
    client = Client(raise_request_exception=False)
    client.force_login(make_staff_user())

    with broken_database(OperationalError("connection refused")):
        response = client.get("/api/docs/")

    _assert_database_unavailable(response)
    assert client.get("/api/docs/").status_code == 200


def test_django_500_handler_answers_503_for_a_database_error_under_api(rf):
    request = rf.get("/api/products")
    try:
        raise OperationalError("gone")
    except OperationalError:
        response = handler500(request)

    _assert_database_unavailable(response)
