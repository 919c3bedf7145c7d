"""Translate the Kie client's errors into application errors, in one place."""

from __future__ import annotations

from typing import Any

from kie.errors import (
    KieAuthError,
    KieError,
    KieInsufficientCreditsError,
    KieModelUnavailableError,
    KieNotReadyError,
    KieRateLimitedError,
    KieUnavailableError,
    KieValidationError,
)

from .errors import (
    InsufficientCredits,
    KieFailed,
    KieUnavailable,
    ModelUnavailable,
    NotReady,
    RateLimited,
    ServiceError,
)


def translate_kie_error(exc: KieError, *, extra: dict[str, Any] | None = None) -> ServiceError:
    """The user-facing error for a Kie failure; Kie's own `msg` is the message shown."""
    cls = _service_error_class(exc)
    message = exc.message
    if isinstance(exc, KieAuthError):
        # Never echo anything about the key itself; tell the operator where to look.
        message = f"Kie.ai rejected our API key ({exc.message}). Check KIE_API_KEY."
    return cls(
        message,
        kie_code=exc.code,
        retry_after_seconds=exc.retry_after_seconds,
        extra=extra,
    )


def kie_error_code(exc: KieError) -> str:
    """What a task row records as `error_code`: Kie's code, else the kind of failure."""
    return str(exc.code) if exc.code is not None else type(exc).__name__


def _service_error_class(exc: KieError) -> type[ServiceError]:
    mapping: list[tuple[type[KieError], type[ServiceError]]] = [
        (KieInsufficientCreditsError, InsufficientCredits),
        (KieRateLimitedError, RateLimited),
        (KieModelUnavailableError, ModelUnavailable),
        (KieNotReadyError, NotReady),
        (KieUnavailableError, KieUnavailable),
        (KieValidationError, KieFailed),
    ]
    for kie_cls, service_cls in mapping:
        if isinstance(exc, kie_cls):
            return service_cls
    return KieFailed
