"""The declaration vocabulary for video models: options, media needs, clip length and prices.

A model is pure data. Everything that varies between models (parameter names, option values,
prices) is declared here, so adding a model never needs a new branch in validation or payloads.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kie.types import Provider

from .errors import RegistryValidationError

CHOICE = "choice"
BOOL = "bool"
_BOOL_STRINGS = {"true": True, "false": False}


def quote(value: Any) -> str:
    """How a value appears in an error message: as JSON, so "10" and 10 look different."""
    return json.dumps(value, default=str)


@dataclass(frozen=True)
class OptionSpec:
    """One model option; `name` is what callers send, `kie_param` what Kie receives."""

    name: str
    kie_param: str
    kind: str
    choices: tuple[Any, ...]
    default: Any
    label: str
    help: str = ""

    def __post_init__(self) -> None:
        if self.kind not in (CHOICE, BOOL):
            raise ValueError(f"option {self.name}: kind must be {CHOICE!r} or {BOOL!r}")
        if self.kind == BOOL and self.choices != (True, False):
            raise ValueError(f"option {self.name}: bool options have choices (True, False)")
        if self.default not in self.choices:
            raise ValueError(f"option {self.name}: default {self.default!r} is not a choice")

    @property
    def api_name(self) -> str:
        """The option's name in the API's own camelCase ("aspect_ratio" -> "aspectRatio")."""
        head, *rest = self.name.split("_")
        return head + "".join(word.capitalize() for word in rest)

    def coerce(self, value: Any) -> Any:
        """The declared value `value` stands for; ValueError with a message naming the choices."""
        if self.kind == BOOL:
            return _coerce_bool(value)
        return self._coerce_choice(value)

    def _coerce_choice(self, value: Any) -> Any:
        # Accept the natural type or its string form ("10" or 10), but never a bool: True == 1.
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            wanted = str(value).strip().casefold()
            for choice in self.choices:
                if str(choice).casefold() == wanted:
                    return choice
        allowed = ", ".join(quote(choice) for choice in self.choices)
        raise ValueError(f"must be one of {allowed} (got {quote(value)})")


def choice_option(
    name: str, choices: tuple[Any, ...], default: Any, label: str, help: str = ""
) -> OptionSpec:
    """An option sent to Kie under its own name, taking one of `choices`."""
    return OptionSpec(name, name, CHOICE, choices, default, label, help)


def bool_option(name: str, default: bool, label: str, help: str = "") -> OptionSpec:
    """A true/false option sent to Kie under its own name."""
    return OptionSpec(name, name, BOOL, (True, False), default, label, help)


def _coerce_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in _BOOL_STRINGS:
        return _BOOL_STRINGS[value]
    raise ValueError(f"must be true or false (got {quote(value)})")


@dataclass(frozen=True)
class MediaNeeds:
    """How many images and reference videos a model takes, and the Kie names of those lists."""

    min_images: int
    max_images: int
    videos: int = 0
    image_param: str = "image_urls"
    video_param: str = "video_urls"

    def __post_init__(self) -> None:
        if not 0 <= self.min_images <= self.max_images:
            raise ValueError("media: need 0 <= min_images <= max_images")
        if self.videos not in (0, 1):
            raise ValueError("media: videos must be 0 or 1")


@dataclass(frozen=True)
class CreditTable:
    """Estimated credits, looked up by the values of `option_names` (in that order)."""

    option_names: tuple[str, ...]
    credits: Mapping[tuple[Any, ...], int | Decimal] = field(hash=False)

    @classmethod
    def flat(cls, amount: int | Decimal) -> CreditTable:
        return cls((), {(): amount})

    def lookup(self, options: Mapping[str, Any]) -> Decimal:
        key = tuple(options[name] for name in self.option_names)
        return Decimal(str(self.credits[key]))

    def rows(self) -> list[tuple[dict[str, Any], Decimal]]:
        """Every priced combination: the values of `option_names` and what they cost."""
        return [
            (dict(zip(self.option_names, key, strict=True)), Decimal(str(amount)))
            for key, amount in self.credits.items()
        ]


@dataclass(frozen=True, kw_only=True)
class VideoModel:
    """One Kie video model, declared as data; see `catalog.py`.

    Clip length is either `fixed_clip_seconds`, or read from the option `clip_seconds_option`
    (whose choices are numbers of seconds), or unknown (None) when neither is set.
    """

    id: str
    label: str
    provider: Provider
    media: MediaNeeds
    options: tuple[OptionSpec, ...]
    prompt_max_chars: int | None
    prompt_required: bool
    credits: CreditTable
    fixed_clip_seconds: int | None = None
    clip_seconds_option: str | None = None
    # How long after its create a task may take before we stop waiting and call it failed.
    deadline_seconds: int = 30 * 60

    def __post_init__(self) -> None:
        names = [option.name for option in self.options]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.id}: option names must be unique")
        if self.clip_seconds_option is not None:
            option = self.option(self.clip_seconds_option)
            if any(not str(choice).isdigit() for choice in option.choices):
                raise ValueError(f"{self.id}: clip option choices must be whole seconds")
        self._check_credits_cover_every_combination()

    def _check_credits_cover_every_combination(self) -> None:
        choices = [self.option(name).choices for name in self.credits.option_names]
        missing = [key for key in itertools.product(*choices) if key not in self.credits.credits]
        if missing:
            raise ValueError(f"{self.id}: no credit estimate for {missing}")

    def option(self, name: str) -> OptionSpec:
        """The option called `name`, by its Kie name or its camelCase API name."""
        for option in self.options:
            if name in (option.name, option.api_name):
                return option
        raise KeyError(f"{self.id} has no option {name!r}")

    @property
    def uses_start_image(self) -> bool:
        return self.media.max_images > 0

    def default_options(self) -> dict[str, Any]:
        return {option.name: option.default for option in self.options}

    def parse_options(
        self, options: Mapping[str, Any] | None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """Every option (defaults applied, values normalised) and the errors by API field name."""
        if options is not None and not isinstance(options, Mapping):
            return self.default_options(), {"options": "must be an object of option values"}
        resolved = self.default_options()
        errors: dict[str, str] = {}
        given: dict[str, str] = {}  # Kie name -> the name the client used
        # Errors name the field as the client wrote it (`options.aspectRatio` or Kie's name).
        for name, value in (options or {}).items():
            try:
                option = self.option(name)
                if option.name in given:
                    raise ValueError(f"give {given[option.name]} or {name}, not both")
                given[option.name] = name
                resolved[option.name] = option.coerce(value)
            except KeyError:
                errors[f"options.{name}"] = self._unknown_option_message()
            except ValueError as e:
                errors[f"options.{name}"] = str(e)
        return resolved, errors

    def _unknown_option_message(self) -> str:
        if not self.options:
            return f"unknown option; {self.id} takes no options"
        allowed = ", ".join(option.api_name for option in self.options)
        return f"unknown option for {self.id}; allowed options: {allowed}"

    def resolve_options(self, options: Mapping[str, Any] | None) -> dict[str, Any]:
        resolved, errors = self.parse_options(options)
        if errors:
            raise RegistryValidationError(errors)
        return resolved

    def clip_seconds(self, options: Mapping[str, Any]) -> int | None:
        if self.clip_seconds_option is None:
            return self.fixed_clip_seconds
        return int(self.resolve_options(options)[self.clip_seconds_option])

    def estimate_credits(self, options: Mapping[str, Any]) -> Decimal:
        return self.credits.lookup(self.resolve_options(options))


@dataclass(frozen=True)
class VideoRequest:
    """A validated request: every option present and typed, URLs checked."""

    model: VideoModel
    prompt: str
    options: dict[str, Any] = field(hash=False)
    image_urls: tuple[str, ...] = ()
    video_urls: tuple[str, ...] = ()
