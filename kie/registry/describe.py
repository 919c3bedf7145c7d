"""Alternatives for a model (same kind of input) and the JSON description of GET /api/models."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from .catalog import all_models, get_model
from .spec import OptionSpec, VideoModel

TEXT, IMAGE, IMAGE_AND_VIDEO = "text", "image", "image+video"


def input_kinds(model: VideoModel) -> frozenset[str]:
    """The kinds of input a model can start from: text only, an image, or image + video."""
    media = model.media
    if media.videos:
        return frozenset({IMAGE_AND_VIDEO})
    kinds = {TEXT} if media.min_images == 0 else set()
    if media.max_images > 0:
        kinds.add(IMAGE)
    return frozenset(kinds)


def alternatives(model_id: str, unavailable: Collection[str] = ()) -> list[VideoModel]:
    """Models outside `unavailable` that take the same kind of input, closest matches first.

    Which models are unavailable is the caller's knowledge (campaigns.services.catalog keeps it,
    from settings and the admin's switches); the registry only knows what each model takes.
    """
    kinds = input_kinds(get_model(model_id))
    blocked = set(unavailable)
    candidates = [
        model
        for model in all_models()
        if model.id != model_id and model.id not in blocked and input_kinds(model) & kinds
    ]
    # Same kinds of input first (Veo for Veo), then models that overlap; catalog order otherwise.
    return sorted(candidates, key=lambda model: input_kinds(model) != kinds)


def describe_model(model: VideoModel) -> dict[str, Any]:
    defaults = model.default_options()
    return {
        "id": model.id,
        "label": model.label,
        "provider": str(model.provider),
        "media": {
            "minImages": model.media.min_images,
            "maxImages": model.media.max_images,
            "videos": model.media.videos,
        },
        "options": [_describe_option(option) for option in model.options],
        "promptMaxChars": model.prompt_max_chars,
        "promptRequired": model.prompt_required,
        "clipSeconds": model.clip_seconds(defaults),
        "estimatedCredits": _json_number(model.estimate_credits(defaults)),
        # One row per combination of the options the price depends on; other options are free.
        "prices": [
            {"options": options, "credits": _json_number(credits)}
            for options, credits in model.credits.rows()
        ],
        "usesStartImage": model.uses_start_image,
    }


def _describe_option(option: OptionSpec) -> dict[str, Any]:
    return {
        "name": option.api_name,
        "kieName": option.name,
        "label": option.label,
        "kind": option.kind,
        "choices": list(option.choices),
        "default": option.default,
        "help": option.help,
    }


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)
