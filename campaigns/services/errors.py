"""The application-error family every service raises and the one API exception handler renders.

Each error knows its HTTP status, snake_case code and a `hint` (what the user can do about it), so
views never map errors themselves: `{"error": {"code", "message", "hint"?, "fields"?, "kieCode"?,
...extra}}`.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    http_status = 400
    code = "error"
    default_message = "The request could not be completed."
    # What the person who saw the error can do next; None when there is nothing useful to say.
    default_hint: str | None = None

    def __init__(
        self,
        message: str | None = None,
        *,
        fields: dict[str, str] | None = None,
        kie_code: int | None = None,
        retry_after_seconds: float | None = None,
        extra: dict[str, Any] | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.hint = hint or self.default_hint
        self.fields = fields or {}
        self.kie_code = kie_code
        self.retry_after_seconds = retry_after_seconds
        # Extra top-level keys for the error body, camelCase (e.g. productId, alternatives).
        self.extra = extra or {}
        super().__init__(self.message)

    def response_headers(self) -> dict[str, str]:
        """HTTP headers the answer must carry besides Retry-After (e.g. a 416's Content-Range)."""
        return {}


class ValidationFailed(ServiceError):
    http_status = 400
    code = "validation_error"
    default_message = "Some fields are invalid."
    default_hint = "Correct the fields listed in `fields` and send the request again."

    @classmethod
    def for_fields(cls, fields: dict[str, str]) -> ValidationFailed:
        """The error for `fields` (name -> problem), its message listing every one."""
        summary = "; ".join(f"{name}: {message}" for name, message in fields.items())
        return cls(summary or None, fields=fields)


class NotFound(ServiceError):
    http_status = 404
    code = "not_found"
    default_message = "Not found."
    default_hint = "Check the id: list what exists with the matching GET endpoint."


class NotReady(ServiceError):
    http_status = 409
    code = "not_ready"
    default_message = "The video is not ready yet."
    default_hint = "Wait a minute and ask again."


class IdempotencyConflict(ServiceError):
    http_status = 409
    code = "idempotency_conflict"
    default_message = "This Idempotency-Key was already used with a different request."
    default_hint = "Send a new Idempotency-Key for a different request."


class BudgetExceeded(ServiceError):
    http_status = 402
    code = "budget_exceeded"
    default_message = "This job would exceed the campaign's credit budget."
    default_hint = "Raise the campaign's credit budget, or pick a cheaper model or options."


class InsufficientCredits(ServiceError):
    http_status = 402
    code = "insufficient_credits"
    default_message = "The Kie.ai account has too few credits. Please top up."
    default_hint = "Top up Kie credits at kie.ai, then try again."


class RateLimited(ServiceError):
    http_status = 429
    code = "rate_limited"
    default_message = "Kie.ai is rate limiting us; try again shortly."
    default_hint = "Wait a minute and try again."


class ModelUnavailable(ServiceError):
    http_status = 502
    code = "model_unavailable"
    default_message = "That model is unavailable upstream."
    default_hint = "Pick one of the `alternatives`, or another model from GET /api/models."


class KieFailed(ServiceError):
    http_status = 502
    code = "kie_error"
    default_message = "Kie.ai returned an error."
    default_hint = (
        "Try again; if it fails again, shorten or change the prompt or use a different photo."
    )


class KieUnavailable(ServiceError):
    http_status = 503
    code = "kie_unavailable"
    default_message = "Kie.ai is unavailable right now; try again shortly."
    default_hint = "Try again in a few minutes."


def hint_for_code(code: str) -> str | None:
    """The default hint of the error class whose `code` is `code` (e.g. one stored on a row)."""
    pending: list[type[ServiceError]] = [ServiceError]
    while pending:
        cls = pending.pop()
        if cls.code == code:
            return cls.default_hint
        pending.extend(cls.__subclasses__())
    return None
