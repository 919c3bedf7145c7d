"""Swagger UI's "Try it out" bodies work on a fresh install.

`swagger_sample` builds a request body from the schema the way Swagger UI does (an example when
the schema gives one, else a made-up value per type: the minimum for a number, "string", three
`additionalProp`s for a free-form object). A user then has to change only what they must: the
photo, and the id of the idea they have just made.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator

from campaigns.api.schema_examples import try_it_out_model
from tests.api.sandbox_helpers import image_url
from tests.factories import image_bytes

pytestmark = pytest.mark.django_db


@functools.cache
def published_schema() -> dict[str, Any]:
    """The OpenAPI document as /api/schema/ serves it (examples and `nullable` as they are)."""
    return SchemaGenerator().get_schema(request=None, public=True)


def swagger_sample(schema: dict[str, Any]) -> Any:
    schema = _resolve(schema)
    for key in ("example", "default"):
        if key in schema:
            return schema[key]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        if properties:
            return {
                name: swagger_sample(prop)
                for name, prop in properties.items()
                if not prop.get("readOnly")
            }
        extra = schema.get("additionalProperties", {})
        extra = extra if isinstance(extra, dict) else {}
        return {f"additionalProp{n}": swagger_sample(extra) for n in (1, 2, 3)}
    if kind == "array":
        return [swagger_sample(schema.get("items", {}))]
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return True
    return "https://example.com/" if schema.get("format") == "uri" else "string"


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if not ref:
        return schema
    return published_schema()["components"]["schemas"][ref.rsplit("/", 1)[1]]


def request_sample(path: str, media_type: str = "application/json") -> dict[str, Any]:
    operation = published_schema()["paths"][path]["post"]
    return swagger_sample(operation["requestBody"]["content"][media_type]["schema"])


def test_optional_ids_are_left_empty_not_pre_filled() -> None:
    for media_type in ("application/json", "multipart/form-data"):
        body = request_sample("/api/ideas", media_type)

        assert body["campaignId"] is None


def test_model_and_options_are_pre_filled_with_values_that_exist() -> None:
    body = request_sample("/api/video")

    assert body["model"] == try_it_out_model().id == "veo3_fast"
    assert body["options"] == {}
    assert body["prompt"] is None and body["imageUrls"] is None and body["videoUrl"] is None


def test_try_it_out_ideas_prompt_and_video_succeed_on_a_fresh_install(api, kie_sandbox) -> None:
    ideas_body = request_sample("/api/ideas") | {"imageUrl": image_url(kie_sandbox)}
    ideas = api.post("/api/ideas", ideas_body, format="json")
    assert ideas.status_code == 201, ideas.content
    idea_id = ideas.json()["ideas"][0]["id"]

    prompt_body = request_sample("/api/prompts") | {"ideaId": idea_id}
    prompt = api.post("/api/prompts", prompt_body, format="json")
    video = api.post(
        "/api/video", request_sample("/api/video") | {"ideaId": idea_id}, format="json"
    )

    assert prompt.status_code == 201, prompt.content
    # No prompt in the sample: the job is recorded and the worker has Gemini write one first.
    assert video.status_code == 202, video.content
    assert video.json()["status"] == "pending"


def test_try_it_out_upload_form_succeeds_on_a_fresh_install(api, kie_sandbox) -> None:
    form = request_sample("/api/ideas", "multipart/form-data")
    photo = SimpleUploadedFile("bottle.png", image_bytes("PNG", (64, 64)), "image/png")
    # Swagger UI leaves empty form fields out of the request.
    form = {name: value for name, value in form.items() if value not in (None, "")}

    response = api.post("/api/ideas", form | {"image": photo}, format="multipart")

    assert response.status_code == 201, response.content
