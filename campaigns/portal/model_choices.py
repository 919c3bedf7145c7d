"""The "choose models" step: every registry model as a choice with its options, and what was posted.

Options come from the registry (only valid choices, defaults preselected); availability from
`catalog` (settings and the admin's switches). Posted values are checked by
`catalog.resolve_options`, the one place options are validated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import QueryDict

from campaigns.services import catalog
from kie.registry import (
    OptionSpec,
    UnknownModelError,
    VideoModel,
    all_models,
    alternatives,
    get_model,
)
from kie.registry.spec import BOOL

# Options a person has no reason to change; sent with their defaults, never shown.
HIDDEN_OPTIONS = frozenset({"upload_method"})
VIDEO_URL_FIELD = "video_url"


def field_name(model_id: str, option_name: str) -> str:
    """The form field of one model's option: `opt.<model id>.<option>`."""
    return f"opt.{model_id}.{option_name}"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class OptionField:
    spec: OptionSpec
    name: str
    choices: list[Choice]
    checked: bool  # bool options
    error: str = ""
    help: str = ""

    @property
    def is_bool(self) -> bool:
        return self.spec.kind == BOOL


@dataclass(frozen=True)
class ModelChoice:
    model: VideoModel
    checked: bool
    reason: str | None  # why it is unavailable; None when it can be used
    alternatives: list[VideoModel]
    options: list[OptionField]
    errors: list[str] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return self.reason is None

    @property
    def dom_id(self) -> str:
        return "model-" + "".join(ch if ch.isalnum() else "-" for ch in self.model.id)

    @property
    def needs_video(self) -> bool:
        return bool(self.model.media.videos)

    @property
    def price_range(self) -> tuple[Decimal, Decimal]:
        prices = [Decimal(str(value)) for value in self.model.credits.credits.values()]
        return min(prices), max(prices)

    @property
    def clip_note(self) -> str:
        lengths = {self.model.clip_seconds(opts) for opts in _option_combinations(self.model)}
        if None in lengths:
            return "As long as the reference video"
        return " or ".join(str(s) for s in sorted(lengths)) + " s"

    @property
    def input_note(self) -> str:
        if self.needs_video:
            return "Animates the product photo with the moves of a reference video"
        if self.model.uses_start_image:
            return "Starts from the product photo"
        return "Text only: Gemini describes the product in words"


@dataclass
class Picked:
    """What the form posted: the checked models and each one's raw option values."""

    model_ids: list[str]
    options: dict[str, dict[str, str]]
    video_url: str


def parse(data: QueryDict) -> Picked:
    known = {model.id: model for model in all_models()}
    model_ids = [model_id for model_id in data.getlist("models") if model_id in known]
    options: dict[str, dict[str, str]] = {}
    for model_id in model_ids:
        values: dict[str, str] = {}
        for spec in known[model_id].options:
            posted = data.get(field_name(model_id, spec.name))
            if spec.kind == BOOL:
                values[spec.name] = "true" if posted else "false"
            elif posted is not None:
                values[spec.name] = posted
        options[model_id] = values
    return Picked(model_ids, options, (data.get(VIDEO_URL_FIELD) or "").strip())


def build(
    picked: Picked | None = None,
    *,
    suggested: set[str] | frozenset[str] = frozenset(),
    errors: Mapping[str, str] | None = None,
) -> list[ModelChoice]:
    """Every registry model as a choice: what was posted, else defaults with `suggested` ticked."""
    unavailable = catalog.unavailable_models()
    errors = errors or {}
    # A suggestion is only ticked when it needs nothing more (no reference video to find first).
    checked = set(picked.model_ids) if picked else {m for m in suggested if not _needs_video(m)}
    return [
        _choice(model, model.id in checked, picked, unavailable, errors) for model in all_models()
    ]


def _choice(
    model: VideoModel,
    checked: bool,
    picked: Picked | None,
    unavailable: Mapping[str, str],
    errors: Mapping[str, str],
) -> ModelChoice:
    reason = unavailable.get(model.id)
    values = (picked.options.get(model.id) if picked else None) or {}
    options = [
        _option_field(model, spec, values, errors)
        for spec in model.options
        if spec.name not in HIDDEN_OPTIONS
    ]
    return ModelChoice(
        model=model,
        checked=checked and reason is None,
        reason=reason,
        alternatives=alternatives(model.id, unavailable) if reason else [],
        options=options,
        errors=[message for key, message in errors.items() if key == f"model.{model.id}"],
    )


def _option_field(
    model: VideoModel, spec: OptionSpec, values: Mapping[str, str], errors: Mapping[str, str]
) -> OptionField:
    raw = values.get(spec.name)
    current = str(spec.default) if raw is None else raw
    if spec.kind == BOOL:
        checked = current.lower() == "true" if raw is not None else bool(spec.default)
    else:
        checked = False
    choices = [
        Choice(str(value), choice_label(model, spec, value), str(value) == current)
        for value in spec.choices
    ]
    return OptionField(
        spec=spec,
        name=field_name(model.id, spec.name),
        choices=choices,
        checked=checked,
        error=errors.get(field_name(model.id, spec.name), ""),
        # The clip length's label says it all; its registry note is about Kie's naming.
        help="" if spec.name == model.clip_seconds_option else spec.help,
    )


def _needs_video(model_id: str) -> bool:
    try:
        return bool(get_model(model_id).media.videos)
    except UnknownModelError:
        return False


def choice_label(model: VideoModel, spec: OptionSpec, value: Any) -> str:
    if spec.name == model.clip_seconds_option:
        return f"{value} seconds"
    text = str(value)
    return text.capitalize() if text.isalpha() and text.islower() else text


def options_summary(model_id: str, options: Mapping[str, Any]) -> str:
    """The chosen options in a few words: "16:9 · 8 s", "5 s · Native sound"."""
    try:
        model = get_model(model_id)
    except UnknownModelError:
        return model_id
    parts = []
    options = model.parse_options(options)[0]  # valid values only, defaults filled in
    seconds = model.clip_seconds(options)
    if seconds:
        parts.append(f"{seconds} s")
    for spec in model.options:
        if spec.name in HIDDEN_OPTIONS or spec.name == model.clip_seconds_option:
            continue
        value = options.get(spec.name, spec.default)
        if spec.kind == BOOL:
            if value is True:
                parts.append(spec.label)
        else:
            parts.append(choice_label(model, spec, value))
    return " · ".join(parts)


def _option_combinations(model: VideoModel) -> list[dict[str, Any]]:
    """Default options varied one option at a time (enough to list the possible clip lengths)."""
    combos = [model.default_options()]
    for spec in model.options:
        for value in spec.choices:
            combos.append({**model.default_options(), spec.name: value})
    return combos
