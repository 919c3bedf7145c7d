"""Kie callbacks: signatures and what a callback body claims (docs/kie.md#callbacks).

Kie signs only `taskId + "." + timestamp`, not the body: a verified callback proves Kie sent *a*
callback for that task, so callers still re-fetch the status before trusting any result URL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from .errors import KieBadResponseError
from .status import CALLBACK, parse_jobs_status, parse_veo_callback
from .types import CallbackEvent

# Kie documents no tolerance; five minutes either side limits replays yet tolerates clock skew.
DEFAULT_TOLERANCE_SECONDS = 300

# Veo and Jobs callbacks use data.taskId, the docs' samples read data.task_id, and the example
# request also has top-level keys: look in the same order as the reference client.
_TASK_ID_LOOKUPS: tuple[tuple[str, ...], ...] = (
    ("data", "taskId"),
    ("data", "task_id"),
    ("taskId",),
    ("task_id",),
)


def sign_callback(kie_task_id: str, timestamp: int | str, key: str) -> str:
    """The `X-Webhook-Signature` value Kie sends: base64(HMAC-SHA256(key, "taskId.timestamp"))."""
    message = f"{kie_task_id}.{timestamp}".encode()
    digest = hmac.new(key.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_callback_signature(
    kie_task_id: str,
    timestamp: int | str,
    signature: str,
    key: str,
    *,
    now: float,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """True when `signature` matches and `timestamp` (Unix seconds) is within the tolerance."""
    if not (kie_task_id and signature and key):
        return False
    timestamp_text = str(timestamp).strip()
    try:
        sent_at = int(timestamp_text)
    except ValueError:
        return False
    if abs(now - sent_at) > tolerance_seconds:
        return False
    # Sign the header text as received: that is the exact string Kie signed.
    expected = sign_callback(kie_task_id, timestamp_text, key)
    return hmac.compare_digest(expected.encode(), signature.strip().encode())


def extract_callback_task_id(body: dict[str, Any]) -> str | None:
    """The task id a callback names, or None when none of the known places holds one."""
    for path in _TASK_ID_LOOKUPS:
        value: Any = body
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            return str(value)
    return None


def parse_callback(body: Any) -> CallbackEvent:
    """What a Veo or Jobs callback claims happened to its task; KieBadResponseError if unreadable.

    Jobs callbacks carry the recordInfo `data` (with `state`); Veo callbacks carry only a `code`
    and `data.info`. The claim is unverified either way: re-fetch the status before trusting it.
    """
    task_id = extract_callback_task_id(body) if isinstance(body, dict) else None
    if task_id is None:
        raise KieBadResponseError(
            "Kie.ai's callback names no task (looked for data.taskId, data.task_id, taskId, "
            "task_id).",
            endpoint=CALLBACK,
            payload=body,
        )
    data = body.get("data")
    if isinstance(data, dict) and "state" in data:
        status = parse_jobs_status({**data, "taskId": task_id}, endpoint=CALLBACK)
    else:
        status = parse_veo_callback(body, kie_task_id=task_id)
    return CallbackEvent(kie_task_id=task_id, status=status)
