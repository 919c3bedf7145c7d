"""Availability, alternatives and the JSON description served by GET /api/models."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings

from .catalog import all_models, get_model
from .spec import OptionSpec, VideoModel

TEXT, IMAGE, IMAGE_AND_VIDEO = "text", "image", "image+video"
_DEFAULT_REASON = "Marked unavailable by the administrator."


def unavailable_models(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """settings.KIE_UNAVAILABLE_MODELS (read now, so tests and reloads see changes) + overrides."""
    merged = dict(getattr(settings, "KIE_UNAVAILABLE_MODELS", None) or {})
    merged.update(overrides or {})
    # A listed model is unavailable even when nobody wrote down why.
    return {model_id: (reason or _DEFAULT_REASON) for model_id, reason in merged.items()}


def unavailable_reason(model_id: str, overrides: Mapping[str, str] | None = None) -> str | None:
    return unavailable_models(overrides).get(model_id)


def input_kinds(model: VideoModel) -> frozenset[str]:
    """The kinds of input a model can start from: text only, an image, or image + video."""
    media = model.media
    if media.videos:
        return frozenset({IMAGE_AND_VIDEO})
    kinds = {TEXT} if media.min_images == 0 else set()
    if media.max_images > 0:
        kinds.add(IMAGE)
    return frozenset(kinds)


def alternatives(model_id: str, unavailable: Mapping[str, str] | None = None) -> list[VideoModel]:
    """Available models that can take the same kind of input, closest matches first.

    `unavailable` adds to settings.KIE_UNAVAILABLE_MODELS; it never makes a model available.
    """
    kinds = input_kinds(get_model(model_id))
    blocked = unavailable_models(unavailable)
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
        "name": option.name,
        "label": option.label,
        "kind": option.kind,
        "choices": list(option.choices),
        "default": option.default,
        "help": option.help,
    }


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)
