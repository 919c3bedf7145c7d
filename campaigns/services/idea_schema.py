"""The JSON Schema Gemini's structured output must follow for a batch of ten video-ad ideas."""

from __future__ import annotations

from typing import Any

from kie.registry import all_models

IDEA_COUNT = 10
ASPECT_RATIOS = ("16:9", "9:16", "1:1")
MODEL_IDS = tuple(model.id for model in all_models())

# The idea's free-text fields, named as the Idea model names them.
TEXT_FIELDS = (
    "title",
    "hook",
    "concept",
    "on_screen_text",
    "voice_over",
    "call_to_action",
    "target_audience",
)

IDEA_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        **{name: {"type": "string"} for name in TEXT_FIELDS},
        "scenes": {"type": "array", "items": {"type": "string"}},
        "suggested_model": {"type": "string", "enum": list(MODEL_IDS)},
        "aspect_ratio": {"type": "string", "enum": list(ASPECT_RATIOS)},
    },
    # Strict structured output wants every property listed as required and nothing extra.
    "required": [*TEXT_FIELDS, "scenes", "suggested_model", "aspect_ratio"],
    "additionalProperties": False,
}

IDEAS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "ideas": {
            "type": "array",
            "minItems": IDEA_COUNT,
            "maxItems": IDEA_COUNT,
            "items": IDEA_SCHEMA,
        }
    },
    "required": ["ideas"],
    "additionalProperties": False,
}

RESPONSE_FORMAT: dict[str, Any] = {
    "type": "json_schema",
    "json_schema": {"name": "structured_output", "strict": True, "schema": IDEAS_SCHEMA},
}
