"""The API's shape as a client sees it: OpenAPI schema, JSON everywhere, field-naming errors."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.validation import validate_schema

from tests.api.schema_check import validate_body

pytestmark = pytest.mark.django_db

DOCUMENTED_PATHS = {
    "/api/ideas",
    "/api/products",
    "/api/products/{product_id}",
    "/api/products/{product_id}/ideas",
    "/api/prompts",
    "/api/video",
    "/api/video/download",
    "/api/tasks",
    "/api/tasks/{task_id}/retry",
    "/api/credits",
    "/api/models",
    "/api/quote",
    "/healthz",
    "/readyz",
}


def _routed_api_paths() -> set[str]:
    """Every route in the URLconf that is served by an API view (not schema/docs/catch-all)."""
    api = next(
        p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.app_name is None
    )
    paths = set()
    for pattern in api.url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "api":
            for inner in pattern.url_patterns:
                if isinstance(inner, URLPattern) and inner.name not in {
                    "schema",
                    "docs",
                    "redoc",
                    "not-found",
                }:
                    route = re.sub(r"<(?:int|str):(\w+)>", r"{\1}", str(inner.pattern))
                    paths.add("/api/" + route)
    return paths


def test_schema_is_valid_openapi_listing_every_endpoint(api):
    response = api.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == DOCUMENTED_PATHS
    assert _routed_api_paths() | {"/healthz", "/readyz"} == DOCUMENTED_PATHS


def test_schema_documents_camel_case_bodies_and_errors(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]

    assert {"ideaId", "model", "options", "prompt", "imageUrls", "videoUrl"} <= set(
        components["VideoStartInputRequest"]["properties"]
    )
    start = schema["paths"]["/api/video"]["post"]
    assert {"200", "201", "202", "400", "401", "402", "409", "502"} <= set(start["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in start["parameters"])
    status_params = {p["name"] for p in schema["paths"]["/api/video"]["get"]["parameters"]}
    assert {"taskId", "provider"} <= status_params


def test_schema_documents_ideas_as_json_url_or_multipart_upload(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    content = schema["paths"]["/api/ideas"]["post"]["requestBody"]["content"]

    by_type = {
        kind: components[body["schema"]["$ref"].split("/")[-1]] for kind, body in content.items()
    }

    assert set(by_type) == {"application/json", "multipart/form-data"}
    assert by_type["application/json"]["required"] == ["imageUrl"]
    assert "image" not in by_type["application/json"]["properties"]
    assert by_type["multipart/form-data"]["required"] == ["image"]
    assert by_type["multipart/form-data"]["properties"]["image"]["format"] == "binary"


@pytest.mark.parametrize(
    ("component", "body", "problem"),
    [
        ("Error", {"error": {"code": "x", "message": "y", "surprise": 1}}, "surprise"),
        ("Error", {"error": {"code": "x"}}, "'message' is a required property"),
        ("Credits", {"credits": None, "fetchedAt": "2026-01-01T00:00:00Z"}, "None is not"),
    ],
)
def test_schema_check_refuses_bodies_the_schema_does_not_describe(component, body, problem):
    # Every API test's responses go through this check; it must be able to fail.
    with pytest.raises(AssertionError, match=problem):
        validate_body({"$ref": f"#/components/schemas/{component}"}, body, component)


def test_schema_check_accepts_documented_nulls():
    task_error = {"code": "422", "message": "Invalid prompt"}
    body = {"id": 1, "ideaId": 2, "model": "veo3", "prompt": "p", "source": "user"}

    validate_body({"$ref": "#/components/schemas/Prompt"}, body | {"maxChars": None}, "Prompt")
    validate_body({"$ref": "#/components/schemas/TaskError"}, task_error, "TaskError")


@pytest.mark.parametrize("path", ["/api/nope", "/api/", "/api/video/nope", "/api/products/abc"])
def test_unknown_api_path_is_a_json_404(api, path):
    response = api.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_malformed_json_body_is_a_json_400_parse_error(api):
    response = api.post("/api/video", data='{"ideaId": 1,', content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "parse_error"


def test_wrong_method_is_a_json_405(api):
    response = api.delete("/api/video")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_unsupported_body_type_is_a_json_415(api):
    response = api.post("/api/video", data="ideaId=1", content_type="text/plain")

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/video", {"model": "veo3"}, "ideaId"),
        ("/api/video", {"ideaId": "seven", "model": "veo3"}, "ideaId"),
        ("/api/video", {"ideaId": 1, "model": "veo3", "imageUrls": ["not a url"]}, "imageUrls.0"),
        ("/api/video", {"ideaId": 1, "model": "veo3", "options": "9:16"}, "options"),
        ("/api/prompts", {"ideaId": 1}, "model"),
        ("/api/prompts", {"ideaId": 1, "model": "veo3", "options": []}, "options"),
        ("/api/tasks/vt_0123456789abcdef/retry", {"confirm": "maybe"}, "confirm"),
        ("/api/ideas", {"productName": "Bottle"}, "image"),
        ("/api/ideas", {"imageUrl": "ftp://x/y.png"}, "imageUrl"),
        ("/api/ideas", {"imageUrl": "https://x.test/y.png", "campaignId": 0}, "campaignId"),
    ],
)
def test_invalid_body_is_a_400_naming_the_field(api, path, body, field):
    response = api.post(path, body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"]
    assert field in error["message"]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/video", {}, "taskId"),
        ("/api/video", {"taskId": "t1", "provider": "midjourney"}, "provider"),
        ("/api/video/download", {"taskId": "t1", "quality": "4k"}, "quality"),
        ("/api/tasks", {"state": "done"}, "state"),
        ("/api/tasks", {"model": "dalle"}, "model"),
        ("/api/tasks", {"campaign": "x"}, "campaign"),
        ("/api/tasks", {"state": ""}, "state"),
        ("/api/video", {"taskId": "t1", "provider": ""}, "provider"),
        ("/api/video/download", {"taskId": "t1", "quality": ""}, "quality"),
    ],
)
def test_invalid_query_parameter_is_a_400_naming_it(api, path, params, field):
    response = api.get(path, params)

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize("key", ["k" * 256, "has space", "tab\tkey"])
def test_invalid_idempotency_key_is_a_400_naming_the_header(api, key):
    response = api.post(
        "/api/video", {"ideaId": 1, "model": "veo3"}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]


def test_unknown_task_is_a_404(api):
    response = api.get("/api/video", {"taskId": "no-such-task"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("path", ["/api/products", "/api/tasks"])
def test_an_empty_page_parameter_is_a_400_not_the_first_page(api, path):
    response = api.get(path, {"page": ""})

    assert response.status_code == 400
    assert "page" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/tasks", {"campaign": "2264002213370911260672"}),
        ("/api/products/2264002213370911260672", {}),
    ],
)
def test_an_id_too_large_for_any_row_is_a_400_or_404_not_a_500(api, path, params):
    assert api.get(path, params).status_code in (400, 404)


def test_a_body_in_a_content_type_nobody_reads_is_a_documented_415(api):
    response = api.post("/api/quote", b"model=veo3", content_type="text/plain")

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
