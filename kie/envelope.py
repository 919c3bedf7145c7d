"""The one place a Kie answer is judged: success payload out, or exactly one `KieError` raised.

Kie reports errors three ways: a non-2xx HTTP status, HTTP 200 with an error `code` in the
`{code, msg|message, data}` envelope, and (chat only) OpenAI-style `{"error": {message, type}}`.
All three land here, so the mapping from code to exception class exists exactly once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import requests

from .errors import (
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


class Kind(StrEnum):
    """What a call is for: decides the expected payload, the error mapping and the retry policy."""

    CHAT = "chat"  # create; success payload is the whole body with `choices`
    CREATE = "create"  # create; success payload is `data.taskId`
    UPLOAD = "upload"  # create; success payload is `data`
    STATUS = "status"  # look-up; 404 / "record is null" mean the task does not exist
    FILE_1080P = "1080p"  # look-up; "processing" means not ready yet
    CREDITS = "credits"  # look-up

    @property
    def is_create(self) -> bool:
        return self in (Kind.CHAT, Kind.CREATE, Kind.UPLOAD)


@dataclass(frozen=True)
class Call:
    endpoint: str  # path only, e.g. "/api/v1/veo/generate": safe to log and show
    kind: Kind


_MODEL_GONE = re.compile(r"model.*(not found|not exist|unsupported|disabled)", re.IGNORECASE)
_OPENAI_TYPES: dict[str, type[KieError]] = {
    "authentication_error": KieAuthError,
    "rate_limit_error": KieRateLimitedError,
    "invalid_request_error": KieValidationError,
}
_RETRY_AFTER_CAP_SECONDS = 300.0
# A gateway answered instead of Kie: it may have forwarded a create that Kie went on to run.
_GATEWAY_STATUSES = (502, 504)


def unwrap(response: requests.Response, call: Call) -> Any:
    """The success payload of `response`, or raise the one `KieError` subclass that fits."""
    ok_http = 200 <= response.status_code < 300
    try:
        body = json.loads(response.text)  # not resp.json(): Kie sometimes omits Content-Type
    except ValueError as e:
        if ok_http:
            raise _bad(call, response, "its body is not JSON", body=response.text[:500]) from e
        # A non-JSON error page comes from a proxy in front of Kie, not from Kie's own code.
        from_gateway = response.status_code >= 500
        raise _error(
            response, call, code=None, msg=None, body=response.text[:500], gateway=from_gateway
        ) from e
    if not isinstance(body, dict):
        if ok_http:
            raise _bad(call, response, "its body is not a JSON object", body=body)
        raise _error(response, call, code=None, msg=None, body=body)
    if isinstance(body.get("error"), dict):
        raise _openai_error(response, call, body)
    code, msg = _int_or_none(body.get("code")), _message(body)
    if ok_http and code in (None, 200):
        return _payload(body, call, response, msg)
    raise _error(response, call, code=code if code not in (None, 200) else None, msg=msg, body=body)


def _payload(body: dict[str, Any], call: Call, response: requests.Response, msg: str | None) -> Any:
    if call.kind is Kind.CHAT:
        if body.get("choices"):
            return body
        raise _bad(call, response, "it has no `choices`", body=body, msg=msg)
    data = body.get("data")
    if call.kind is Kind.CREATE:
        task_id = data.get("taskId") if isinstance(data, dict) else None
        if isinstance(task_id, str) and task_id:
            return task_id
        raise _bad(call, response, "it has no `data.taskId`", body=body, msg=msg)
    if data is None:
        raise _bad(call, response, "it has no `data`", body=body, msg=msg)
    return data


def _error(
    response: requests.Response,
    call: Call,
    *,
    code: int | None,
    msg: str | None,
    body: Any,
    cls: type[KieError] | None = None,
    gateway: bool = False,
) -> KieError:
    """The error for `code` (else the HTTP status); `cls` when the answer already names it."""
    effective = code if code is not None else response.status_code
    cls = cls or classify(effective, msg or "", call.kind)
    gateway = gateway or response.status_code in _GATEWAY_STATUSES
    return cls(
        msg,
        code=effective,
        http_status=response.status_code,
        endpoint=call.endpoint,
        retry_after_seconds=retry_after_seconds(response) if cls is KieRateLimitedError else None,
        payload=body,
        outcome_unknown=call.kind.is_create and gateway,
    )


def classify(code: int, msg: str, kind: Kind) -> type[KieError]:
    """The exception class for Kie's `code` (body code, else HTTP status) on this kind of call."""
    lowered = msg.lower()
    if kind is Kind.FILE_1080P and "processing" in lowered:
        return KieNotReadyError
    if code == 401:
        return KieAuthError
    if code in (402, 433):
        return KieInsufficientCreditsError
    if code == 429:
        return KieRateLimitedError
    if kind.is_create and (code in (404, 505) or _MODEL_GONE.search(msg)):
        return KieModelUnavailableError
    if code == 404 or "record is null" in lowered:
        return KieNotFoundError
    if code in (408, 455) or code >= 500:
        return KieUnavailableError
    if code >= 400:
        return KieValidationError
    return KieBadResponseError


def _openai_error(response: requests.Response, call: Call, body: dict[str, Any]) -> KieError:
    error = body["error"]
    msg = error.get("message") if isinstance(error.get("message"), str) else None
    # An unknown type leaves the HTTP status as all we have to go on.
    cls = _OPENAI_TYPES.get(str(error.get("type")))
    return _error(response, call, code=None, msg=msg, body=body, cls=cls)


def _bad(
    call: Call, response: requests.Response, problem: str, *, body: Any, msg: str | None = None
) -> KieBadResponseError:
    detail = f" Kie said: {msg}" if msg else ""
    return KieBadResponseError(
        f"Kie.ai's answer from {call.endpoint} is unusable: {problem}.{detail}",
        http_status=response.status_code,
        endpoint=call.endpoint,
        payload=body,
        # A create that got a 2xx we cannot read may still have started (and billed) a job.
        outcome_unknown=call.kind.is_create,
    )


def _message(body: dict[str, Any]) -> str | None:
    for key in ("msg", "message"):  # doc examples use both
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def retry_after_seconds(response: requests.Response) -> float | None:
    """Seconds from a numeric Retry-After header (the only form seen from Kie), capped."""
    raw = response.headers.get("Retry-After")
    try:
        seconds = float(raw) if raw is not None else None
    except ValueError:
        return None
    if seconds is None or seconds < 0:
        return None
    return min(seconds, _RETRY_AFTER_CAP_SECONDS)
