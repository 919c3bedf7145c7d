"""Validation errors for video requests: every bad field at once, named as the API names it."""

from __future__ import annotations

from collections.abc import Iterable


class RegistryValidationError(ValueError):
    """One or more fields of a video request are invalid.

    `fields` maps the API's field names (`prompt`, `model`, `imageUrls`, `videoUrl`,
    `options.<name>`) to a message saying what is allowed.
    """

    def __init__(self, fields: dict[str, str], message: str | None = None) -> None:
        self.fields = dict(fields)
        self.message = message or "; ".join(f"{name}: {text}" for name, text in self.fields.items())
        super().__init__(self.message)


class UnknownModelError(RegistryValidationError):
    """The model id is not one the registry declares."""

    def __init__(self, model_id: object, valid_ids: Iterable[str]) -> None:
        self.model_id = model_id
        text = f"Unknown model {model_id!r}. Choose one of: {', '.join(valid_ids)}."
        super().__init__({"model": text}, message=text)
