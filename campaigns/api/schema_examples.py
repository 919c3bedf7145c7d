"""Examples in the OpenAPI schema that work on a fresh install.

Swagger UI's "Try it out" fills every request body field with a made-up value when the schema
gives none: `campaignId: 1` (no such campaign), `model: "string"`, `options: {"additionalProp1":
…}`. Each of those makes the first request fail. This drf-spectacular post-processing hook gives
such fields examples that are always valid, so the only values a user must change are the
required ids of rows they have just made.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kie.registry import VideoModel, all_models

# The request-body field that names a video model (PromptCreateInput, VideoStartInput).
MODEL_FIELD = "model"


def add_working_examples(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS entry: examples for the request bodies' optional and free fields."""
    components = result.get("components", {}).get("schemas", {})
    for name in _request_body_components(result):
        schema = components.get(name, {})
        required = set(schema.get("required", []))
        properties = schema.get("properties", {})
        for field_name, field in properties.items():
            if field_name == MODEL_FIELD and "$ref" in field:
                # An enum of model ids: without an example, Swagger UI offers the first (the
                # dearest). An example beside a $ref is ignored, so wrap the $ref in allOf.
                properties[field_name] = {"allOf": [field], "example": try_it_out_model().id}
                continue
            example = _example_for(field_name, field, field_name in required)
            if example is not _NO_EXAMPLE and "example" not in field:
                field["example"] = example
    return result


_NO_EXAMPLE = object()


def _example_for(name: str, field: dict[str, Any], required: bool) -> Any:
    if not required and field.get("nullable"):
        # "Leave it out": an optional id pre-filled with 1 names a row that need not exist.
        return None
    if name == MODEL_FIELD and field.get("type") == "string" and "enum" not in field:
        return try_it_out_model().id
    if field.get("type") == "object" and not field.get("properties"):
        # A free-form object (model options): empty means the model's defaults.
        return {}
    return _NO_EXAMPLE


def try_it_out_model() -> VideoModel:
    """The cheapest model that needs nothing but a prompt, so a first try costs least."""
    prompt_only = [m for m in all_models() if m.media.min_images == 0 and not m.media.videos]
    return min(prompt_only, key=_default_cost)


def _default_cost(model: VideoModel) -> Decimal:
    return model.estimate_credits(model.default_options())


def _request_body_components(result: dict[str, Any]) -> set[str]:
    """Names of the components some operation takes as its request body."""
    names = set()
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                ref = media.get("schema", {}).get("$ref", "")
                if ref.startswith("#/components/schemas/"):
                    names.add(ref.rsplit("/", 1)[1])
    return names
