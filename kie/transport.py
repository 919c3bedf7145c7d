"""Sending one request, turning `requests` failures into `KieError`s, and the retry policy.

Retry policy, by kind of call:
- look-ups (task status, credits, 1080p) are safe to repeat: retry on 429, 5xx/455/408, timeouts,
  connection errors and unreadable answers, with capped exponential backoff plus jitter.
- creates (chat, Veo generate, createTask, uploads) cost money and are not idempotent: retry only
  when Kie certainly did not act on the request, i.e. a 429 ("rejected, not queued") or a
  connection that was never established.
`KieNotReadyError` (1080p still processing) is never retried here; callers decide when to ask again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

import requests
import tenacity
import urllib3
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from .envelope import Call
from .errors import (
    KieBadResponseError,
    KieError,
    KieRateLimitedError,
    KieThrottledError,
    KieUnavailableError,
)

logger = logging.getLogger(__name__)

_CHUNK_BYTES = 16 * 1024

T = TypeVar("T")

# Doubling from 0.5 s up to 8 s, plus up to 0.5 s of jitter so many workers do not retry in step.
_BACKOFF = tenacity.wait_exponential_jitter(multiplier=0.5, max=8.0, jitter=0.5)
# No single wait inside one call is longer than this, even when Retry-After asks for more: a
# worker stuck for minutes in one call would hold up every other task it could be polling.
MAX_SLEEP_SECONDS = 30.0


class KieConnectError(KieUnavailableError):
    """The connection was never established (DNS, refused, connect timeout): Kie saw nothing."""

    default_message = "Could not connect to Kie.ai; the request was not sent."


def send(
    session: requests.Session,
    method: str,
    url: str,
    call: Call,
    *,
    on_send: Callable[[], None] | None = None,
    deadline: float | None = None,
    **kwargs: Any,
) -> Any:
    """One HTTP request; every `requests` failure comes out as a `KieError`.

    With a `deadline` (time.monotonic()), the whole exchange must end by then: socket timeouts
    alone allow a server that drips a byte every few seconds to hold the caller for ever.
    """
    try:
        if deadline is None:
            if on_send is not None:
                on_send()
            return session.request(method, url, **kwargs)
        kwargs["timeout"] = _within(kwargs.get("timeout"), deadline)
        if on_send is not None:
            on_send()
        response = session.request(method, url, stream=True, **kwargs)
        _read_by(response, deadline)
        return response
    except requests.RequestException as e:
        raise transport_error(e, call) from e


def _within(timeout: Any, deadline: float) -> tuple[float, float]:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise requests.ConnectTimeout("no time left in this request's budget for Kie")
    connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
    return (min(connect or remaining, remaining), min(read or remaining, remaining))


def _read_by(response: requests.Response, deadline: float) -> None:
    """Read the body as it arrives, giving up (as a read timeout) once the deadline has passed.

    `read1` returns whatever one socket read brings, so a dripping server is noticed at once;
    a plain `read(n)` would wait for all n bytes.
    """
    chunks = []
    try:
        while chunk := response.raw.read1(_CHUNK_BYTES, decode_content=True):
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise requests.ReadTimeout("Kie's answer did not arrive within the time budget")
    except (urllib3.exceptions.ReadTimeoutError, TimeoutError) as exc:
        raise requests.ReadTimeout(str(exc)) from exc
    except urllib3.exceptions.ProtocolError as exc:
        raise requests.ConnectionError(str(exc)) from exc
    finally:
        response.close()
    response._content = b"".join(chunks)  # what `response.text` reads, as if not streamed
    response._content_consumed = True


def transport_error(exc: requests.RequestException, call: Call) -> KieError:
    if isinstance(exc, requests.ConnectTimeout) or (
        isinstance(exc, requests.ConnectionError) and _never_connected(exc)
    ):
        return KieConnectError(endpoint=call.endpoint)
    # From here on the request may have reached Kie: a create may have started a job.
    if isinstance(exc, requests.Timeout):
        problem = "did not answer within the read timeout"
    else:
        problem = f"dropped the connection ({type(exc).__name__})"
    advice = (
        " The request may have been accepted; check Kie.ai before sending it again."
        if call.kind.is_create
        else " Try again shortly."
    )
    return KieUnavailableError(
        f"Kie.ai {problem} on {call.endpoint}.{advice}",
        endpoint=call.endpoint,
        outcome_unknown=call.kind.is_create,
    )


def _never_connected(exc: BaseException) -> bool:
    """True when urllib3 failed before a connection existed, so no byte of the request left."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, NewConnectionError | ConnectTimeoutError):
            return True
        linked = (*current.args, getattr(current, "reason", None), current.__cause__)
        stack.extend(item for item in linked if isinstance(item, BaseException))
    return False


def should_retry(exc: BaseException, call: Call) -> bool:
    if isinstance(exc, KieThrottledError):
        # Our own limiter already waited as long as the caller allows; its caller reschedules.
        return False
    if call.kind.is_create:
        return isinstance(exc, KieRateLimitedError | KieConnectError)
    return isinstance(exc, KieRateLimitedError | KieUnavailableError | KieBadResponseError)


def _wait_seconds(state: tenacity.RetryCallState) -> float:
    backoff = _BACKOFF(state)
    outcome = state.outcome
    exc = outcome.exception() if outcome is not None else None
    hinted = getattr(exc, "retry_after_seconds", None) or 0.0
    return min(max(backoff, hinted), MAX_SLEEP_SECONDS)


def _log_retry(call: Call) -> Callable[[tenacity.RetryCallState], None]:
    def log(state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome is not None else None
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        logger.warning(
            "Kie %s attempt %d failed (%r); retrying in %.1fs",
            call.endpoint,
            state.attempt_number,
            exc,
            wait,
        )

    return log


def with_retries(
    attempt: Callable[[], T], call: Call, *, sleep: Callable[[float], None], max_attempts: int
) -> T:
    """Run `attempt` under the retry policy for `call`; the last error is re-raised as is."""
    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(max(1, max_attempts)),
        wait=_wait_seconds,
        retry=tenacity.retry_if_exception(lambda exc: should_retry(exc, call)),
        sleep=sleep,
        before_sleep=_log_retry(call),
        reraise=True,
    )
    return retrying(attempt)
