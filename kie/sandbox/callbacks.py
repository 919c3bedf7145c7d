"""Callback delivery: POST the finished payload to its callBackUrl, off the request thread."""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from kie.sandbox.uploads import is_loopback_url, no_proxy_opener
from kie.webhooks import sign_callback

logger = logging.getLogger("kie.sandbox")

CALLBACK_TIMEOUT_SECONDS = 10


def build_request(
    url: str, payload: dict[str, Any], *, task_id: str, hmac_key: str | None, now: float
) -> urllib.request.Request:
    headers = {"Content-Type": "application/json", "User-Agent": "kie-sandbox"}
    # Kie signs only once a webhookHmacKey is enabled (docs/kie.md#callback-signatures).
    if hmac_key:
        timestamp = str(int(now))
        headers["X-Webhook-Timestamp"] = timestamp
        headers["X-Webhook-Signature"] = sign_callback(task_id, timestamp, hmac_key)
    body = json.dumps(payload).encode()
    return urllib.request.Request(url, data=body, headers=headers, method="POST")


def _post(request: urllib.request.Request) -> dict[str, Any]:
    try:
        with no_proxy_opener().open(request, timeout=CALLBACK_TIMEOUT_SECONDS) as response:
            return {"status": response.status, "error": None}
    except urllib.error.HTTPError as exc:
        return {"status": exc.code, "error": f"HTTP {exc.code}"}
    except (OSError, ValueError) as exc:  # refused, timed out, bad URL: never take the server down
        return {"status": None, "error": str(exc)}


def deliver(
    url: str,
    payload: dict[str, Any],
    *,
    task_id: str,
    hmac_key: str | None,
    on_done: Callable[[dict[str, Any]], None],
) -> threading.Thread | None:
    """Send in a daemon thread; `on_done` receives {taskId, url, status, error}."""
    if not is_loopback_url(url):
        # The sandbox promises no network traffic: it only calls back to this machine.
        logger.warning("Not delivering callback for %s to non-loopback URL %s", task_id, url)
        on_done({"taskId": task_id, "url": url, "status": None, "error": "non-loopback URL"})
        return None
    request = build_request(url, payload, task_id=task_id, hmac_key=hmac_key, now=time.time())

    def run() -> None:
        outcome = {"taskId": task_id, "url": url, **_post(request)}
        logger.info("Callback for %s to %s -> %s", task_id, url, outcome["status"] or "failed")
        on_done(outcome)

    thread = threading.Thread(target=run, name=f"kie-sandbox-callback-{task_id}", daemon=True)
    thread.start()
    return thread
