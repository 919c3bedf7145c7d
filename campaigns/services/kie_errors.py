"""Translate the Kie client's errors into application errors, in one place."""

from __future__ import annotations

from typing import Any

from kie.errors import (
    KieAuthError,
    KieBadResponseError,
    KieError,
    KieInsufficientCreditsError,
    KieModelUnavailableError,
    KieNotFoundError,
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

# What a user can do about each kind of Kie failure. Several Kie classes share one service class
# (an auth failure and a refused prompt are both `kie_error`), so the hint follows the Kie class.
# First match wins: subclasses before their bases.
_HINTS: list[tuple[type[KieError], str]] = [
    (KieAuthError, "An administrator must check KIE_API_KEY (kie.ai/api-key)."),
    (KieInsufficientCreditsError, "Top up Kie credits at kie.ai, then try again."),
    (KieRateLimitedError, "Wait a minute and try again."),
    (
        KieValidationError,
        "Shorten or change the prompt, or use a different photo; sending it unchanged fails again.",
    ),
    (KieModelUnavailableError, "Pick another model; GET /api/models lists those available."),
    (KieNotReadyError, "Wait a minute and ask again."),
    (KieNotFoundError, "Kie has no such task (it keeps records 14 days); start the video again."),
    (KieBadResponseError, "Try again; Kie's answer could not be read this time."),
    (KieUnavailableError, "Try again in a few minutes."),
]


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
        hint=kie_error_hint(exc),
    )


def kie_error_hint(exc: KieError) -> str | None:
    """What the user can do about `exc`, chosen by its class; None for an unknown kind."""
    for kie_cls, hint in _HINTS:
        if isinstance(exc, kie_cls):
            return hint
    return None


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
