"""Fixtures for the portal's view tests (Django's test client)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_staff_user


@pytest.fixture
def staff(client, db):
    """The test client, signed in as a staff user (`staff.user`)."""
    client.user = make_staff_user(username="maya", first_name="Maya")
    client.force_login(client.user)
    return client


@pytest.fixture
def query_count(staff) -> Callable[[str], int]:
    """How many queries one GET of `url` costs (the page must answer 200 or 286)."""

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(url).status_code in (200, 286)
        return len(queries)

    return count
