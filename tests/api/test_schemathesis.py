"""Generated requests against the live schema: no 5xx, every answer as the schema says.

schemathesis builds requests for every operation from the OpenAPI document (valid and invalid
ones), sends them in-process through the WSGI app as a staff token client, and checks each
answer. Bounded and derandomised, so it is repeatable and quick enough for every `make test`.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import make_idea, make_staff_user, make_video_task


def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(_schema())
schema.app = get_wsgi_application()

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django's test client stops the end of a request from closing the test's connection (its
    transaction holds the test's rows); schemathesis' WSGI client does not, so do it here."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def token(db, kie_sandbox, settings) -> str:
    """A staff token, and a few rows so that some generated ids point at something real."""
    settings.ALLOWED_HOSTS = ["localhost"]  # the host schemathesis' WSGI client sends
    user = make_staff_user()
    idea = make_idea()
    make_video_task(idea=idea, state="success", result_urls=[f"{kie_sandbox.base_url}/media/x.mp4"])
    return Token.objects.create(user=user).key


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_get_documented_answers(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
