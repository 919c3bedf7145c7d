"""The JSON Schema Gemini's structured output must follow for a batch of ten video-ad ideas.

The models and aspect ratios Gemini may suggest come from the video model registry, so an idea
never names a model or a frame that no model can make.
"""

from __future__ import annotations

import re
from typing import Any

from kie.registry import MODELS_BY_ID, VideoModel, all_models

IDEA_COUNT = 10
# Kie's parameter for the frame; models without it follow their input (Kling: the photo's frame).
ASPECT_RATIO_PARAM = "aspect_ratio"
# Sora names orientations instead of ratios; its landscape/portrait clips are 16:9 / 9:16.
ORIENTATION_RATIOS = {"landscape": "16:9", "portrait": "9:16"}
_RATIO = re.compile(r"^\d+:\d+$")


def model_aspect_ratios(model: VideoModel) -> tuple[str, ...]:
    """The W:H ratios `model` can be asked for; empty when the model takes no ratio.

    Choices that are not a fixed frame (Veo's "Auto" crops to whatever the photo is closer to)
    are left out: an idea suggests a frame, not "whatever".
    """
    option = next((o for o in model.options if o.kie_param == ASPECT_RATIO_PARAM), None)
    if option is None:
        return ()
    ratios = (ORIENTATION_RATIOS.get(str(choice), str(choice)) for choice in option.choices)
    return tuple(dict.fromkeys(ratio for ratio in ratios if _RATIO.match(ratio)))


def _all_aspect_ratios() -> tuple[str, ...]:
    ratios = (ratio for model in all_models() for ratio in model_aspect_ratios(model))
    return tuple(dict.fromkeys(ratios))


def fit_aspect_ratio(ratio: str, model_id: str) -> str:
    """`ratio` when the suggested model can make it, else "" (the idea keeps no ratio).

    Without a (known) model any ratio some model makes is kept; a model that takes no ratio
    keeps none, since its clip follows the photo and a ratio in the prompt would mislead.
    """
    model = MODELS_BY_ID.get(model_id)
    allowed = model_aspect_ratios(model) if model is not None else ASPECT_RATIOS
    return ratio if ratio in allowed else ""


ASPECT_RATIOS = _all_aspect_ratios()
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
