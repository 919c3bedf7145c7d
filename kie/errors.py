"""The one exception family that leaves the `kie` package.

Every error carries Kie's own `code` and `msg` (the message a user sees), the HTTP status and the
endpoint, and knows whether retrying the same request later can help (`transient`).
"""

from __future__ import annotations


class KieError(Exception):
    """Base class: Kie refused, failed, or answered something we cannot use."""

    transient: bool = False
    default_message = "Kie.ai returned an error."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: int | None = None,
        http_status: int | None = None,
        endpoint: str = "",
        retry_after_seconds: float | None = None,
        payload: object = None,
        outcome_unknown: bool = False,
    ) -> None:
        self.message = message or self.default_message
        self.code = code
        self.http_status = http_status
        self.endpoint = endpoint
        self.retry_after_seconds = retry_after_seconds
        self.payload = payload
        # True when a create may have reached Kie but no usable answer came back (read timeout,
        # dropped connection, unreadable body): a job may exist and bill without us knowing its id.
        self.outcome_unknown = outcome_unknown
        super().__init__(self.message)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, code={self.code}, "
            f"http_status={self.http_status}, endpoint={self.endpoint!r})"
        )


class KieAuthError(KieError):
    """401: the API key is missing, wrong or not allowed from this IP."""

    default_message = "Kie.ai rejected the API key."


class KieInsufficientCreditsError(KieError):
    """402 (account out of credits) or 433 (sub-key over its limit)."""

    default_message = "The current credits are insufficient. Please top up."


class KieValidationError(KieError):
    """400/422/451: the request or its content was rejected; sending it again will not help."""

    default_message = "Kie.ai rejected the request."


class KieNotFoundError(KieError):
    """404 on a task lookup, or a 422 'record is null': Kie has no such task."""

    default_message = "Kie.ai has no record of that task."


class KieModelUnavailableError(KieError):
    """The model is unknown or disabled upstream (404 / 505 on create, 'model not found')."""

    default_message = "That model is not available on Kie.ai."


class KieNotReadyError(KieError):
    """A derived file (Veo 1080p) is still being prepared: ask again in a little while."""

    transient = True
    default_message = "The file is still processing."


class KieRateLimitedError(KieError):
    """429: rejected, not queued. Safe to send again after `retry_after_seconds`."""

    transient = True
    default_message = "Kie.ai rate limit reached; try again shortly."


class KieThrottledError(KieRateLimitedError):
    """Our own share of Kie's rate limit is used up for now: the request was never sent."""

    default_message = "AdStudio is at Kie.ai's rate limit right now; the request was not sent."


class KieUnavailableError(KieError):
    """455, 5xx, 408, timeouts and connection errors: Kie could not answer right now."""

    transient = True
    default_message = "Kie.ai is unavailable right now; try again shortly."


class KieBadResponseError(KieError):
    """The answer could not be parsed, or lacked the fields the contract promises."""

    transient = True
    default_message = "Kie.ai sent an answer we could not read."
