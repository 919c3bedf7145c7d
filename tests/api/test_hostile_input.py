"""Hostile input under /api/ gets a JSON 4xx, never a 500 and never an HTML page."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from rest_framework.exceptions import ParseError

from campaigns.api.parsers import MAX_JSON_DEPTH, check_json_value
from campaigns.services import credits
from campaigns.services import errors as service_errors
from tests.factories import make_idea, make_staff_user

pytestmark = pytest.mark.django_db

JSON_POSTS = [
    "/api/ideas",
    "/api/prompts",
    "/api/video",
    "/api/quote",
    "/api/products/1/ideas",
    "/api/tasks/vt_0000000000000000/retry",
]


def _assert_json_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content.decode("utf-8"))
    if code is not None:
        assert body["error"]["code"] == code
    return body


@pytest.mark.parametrize("path", JSON_POSTS)
def test_json_nested_a_thousand_levels_is_a_400(unchecked_api, path):
    body = "[" * 1000 + "]" * 1000  # 2 KB; Python's json recursion limit used to make it a 500

    response = unchecked_api.post(path, data=body, content_type="application/json")

    assert response.status_code in (400, 404)  # 404: a path id checked before the body
    if response.status_code == 400:
        assert "deeper than" in _assert_json_error(response, 400, "parse_error")["error"]["message"]


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 200])
def test_json_deeper_than_the_limit_is_a_parse_error(unchecked_api, depth):
    body = '{"ideaId": 1, "options": ' + '{"a": ' * depth + "1" + "}" * depth + "}"

    response = unchecked_api.post("/api/prompts", data=body, content_type="application/json")

    _assert_json_error(response, 400, "parse_error")


def test_lone_surrogate_in_an_options_key_is_a_400_with_an_encodable_message(unchecked_api):
    idea = make_idea()
    body = '{"ideaId": ID, "model": "veo3_fast", "options": {"\\udc80": 1}}'.replace(
        "ID", str(idea.pk)
    )

    response = unchecked_api.post("/api/prompts", data=body, content_type="application/json")

    error = _assert_json_error(response, 400, "parse_error")["error"]
    assert "surrogate" in error["message"]
    assert "\\udc80" in error["message"]


@pytest.mark.parametrize(
    "body",
    [
        '{"ideaId": 1, "model": "veo3_fast", "prompt": "a \\ud800 b"}',
        '{"ideaId": 1, "model": "veo3_fast", "imageUrls": ["http://x/\\udfff"]}',
        '{"\\ud83d": 1}',
    ],
)
def test_lone_surrogates_anywhere_are_refused(unchecked_api, body):
    response = unchecked_api.post("/api/video", data=body, content_type="application/json")

    _assert_json_error(response, 400, "parse_error")


def test_a_paired_surrogate_is_ordinary_text():
    check_json_value({"prompt": json.loads('"\\ud83d\\ude00"')})  # 😀: no error


def test_check_is_iterative_so_a_deep_value_does_not_recurse():
    value: list = []
    for _ in range(100_000):
        value = [value]

    with pytest.raises(ParseError, match="deeper than"):
        check_json_value(value)


def test_error_messages_that_echo_unencodable_input_still_render(unchecked_api, monkeypatch):
    error = service_errors.ValidationFailed.for_fields({"options.\udc80": "Unknown option \udc80"})
    monkeypatch.setattr(credits, "get_credit_balance", _raise(error))

    response = unchecked_api.get("/api/credits")

    body = _assert_json_error(response, 400, "validation_error")
    assert body["error"]["fields"] == {"options.\\udc80": "Unknown option \\udc80"}


def test_post_to_an_unknown_api_path_is_a_json_404_not_a_csrf_page():
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff_user())

    response = client.post("/api/nope", data="{}", content_type="application/json")

    _assert_json_error(response, 404, "not_found")


def test_csrf_failure_under_api_is_json_and_html_elsewhere(rf):
    from campaigns.api.fallbacks import csrf_failure

    api_response = csrf_failure(rf.post("/api/anything"), reason="CSRF cookie not set.")
    page = csrf_failure(rf.post("/admin/login/"), reason="CSRF cookie not set.")

    _assert_json_error(api_response, 403, "csrf_failed")
    assert page["Content-Type"].startswith("text/html")


def test_a_rendering_failure_is_a_json_500_not_an_html_page(unchecked_api, monkeypatch):
    from rest_framework.renderers import JSONRenderer

    monkeypatch.setattr(JSONRenderer, "render", _raise(UnicodeEncodeError("utf-8", "", 0, 1, "x")))
    monkeypatch.setattr(credits, "get_credit_balance", _raise(service_errors.NotFound()))

    response = Client(raise_request_exception=False).get(
        "/api/credits", HTTP_AUTHORIZATION=unchecked_api._credentials["HTTP_AUTHORIZATION"]
    )

    _assert_json_error(response, 500, "server_error")


@pytest.mark.parametrize(
    ("handler", "status"), [("handler400", 400), ("handler403", 403), ("handler404", 404)]
)
def test_django_error_handlers_answer_json_under_api_only(rf, handler, status):
    from campaigns.api import fallbacks

    api_response = getattr(fallbacks, handler)(rf.get("/api/x"), Exception("x"))
    page = getattr(fallbacks, handler)(rf.get("/x"), Exception("x"))

    _assert_json_error(api_response, status)
    assert not page["Content-Type"].startswith("application/json")


def _raise(exc: BaseException):
    def fail(*args, **kwargs):
        raise exc

    return fail
