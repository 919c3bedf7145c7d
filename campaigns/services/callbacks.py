"""Kie's callbacks: the URL we give Kie, and what we do when Kie calls it.

The callback URL carries our task id and a token (an HMAC of the id under a per-installation
secret), so a stranger can neither forge a callback for a task nor guess another task's URL.
When Kie's webhook HMAC key is configured, its signature is checked too. Either way the body is
only a hint: Kie signs the task id and timestamp, never the result, so the task's state is
always re-fetched from Kie (by the worker), never taken from the body.
"""

from __future__ import annotations

import hmac
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import salted_hmac

from campaigns.models import VideoTask
from kie.webhooks import extract_callback_task_id, verify_callback_signature

from .errors import ServiceError
from .task_state import transition

logger = logging.getLogger(__name__)

State = VideoTask.State
_TOKEN_SALT = "adstudio.kie-callback"


class CallbackRejected(ServiceError):
    http_status = 403
    code = "callback_rejected"
    default_message = "This callback could not be verified."


class CallbackSignatureInvalid(CallbackRejected):
    http_status = 401
    default_message = (
        "The X-Webhook-Signature does not match, or X-Webhook-Timestamp is more than five "
        "minutes away from our clock."
    )


class CallbackMalformed(CallbackRejected):
    http_status = 400
    default_message = "The callback body names no Kie task id."


@dataclass(frozen=True)
class CallbackOutcome:
    public_id: str
    accepted: bool  # False: the task is unknown or the callback names another Kie task
    attached: bool = False  # Kie's id was attached to a task whose create answer was lost


def callback_url(task: VideoTask) -> str | None:
    """Kie's callBackUrl for `task`, once the deployment has a public base URL for it."""
    base = settings.KIE_CALLBACK_BASE_URL
    if not base:
        return None
    path = reverse("kie-callback", kwargs={"public_id": task.public_id})
    return f"{base}{path}?token={callback_token(task.public_id)}"


def callback_token(public_id: str) -> str:
    secret = settings.KIE_CALLBACK_SECRET or settings.SECRET_KEY
    return salted_hmac(_TOKEN_SALT, public_id, secret=secret, algorithm="sha256").hexdigest()


def receive_callback(
    *,
    public_id: str,
    token: str,
    body: Any,
    signature: str = "",
    timestamp: str = "",
    now: float | None = None,
) -> CallbackOutcome:
    """Check a callback and queue a re-fetch of its task; CallbackRejected if it is not trusted."""
    if not hmac.compare_digest(token.encode(), callback_token(public_id).encode()):
        raise CallbackRejected("The callback token does not match this task.")
    kie_task_id = _kie_task_id(body)
    _check_signature(kie_task_id, signature, timestamp, now)
    task = VideoTask.objects.filter(public_id=public_id).first()
    if task is None:
        logger.warning(
            "Kie callback for unknown task %s (Kie id %s) ignored", public_id, kie_task_id
        )
        return CallbackOutcome(public_id, accepted=False)
    attached = _attach_lost_create(task, kie_task_id)
    if task.kie_task_id != kie_task_id:
        logger.warning(
            "Kie callback for task %s names Kie id %s, but the task has %s; ignored",
            public_id,
            kie_task_id,
            task.kie_task_id,
        )
        return CallbackOutcome(public_id, accepted=False)
    if not task.is_terminal:
        _enqueue_refresh(task)
    return CallbackOutcome(public_id, accepted=True, attached=attached)


def _kie_task_id(body: Any) -> str:
    kie_task_id = extract_callback_task_id(body) if isinstance(body, dict) else None
    if not kie_task_id:
        raise CallbackMalformed()
    return kie_task_id


def _check_signature(kie_task_id: str, signature: str, timestamp: str, now: float | None) -> None:
    key = settings.KIE_WEBHOOK_HMAC_KEY
    if not key:
        return
    ok = verify_callback_signature(
        kie_task_id, timestamp, signature, key, now=time.time() if now is None else now
    )
    if not ok:
        raise CallbackSignatureInvalid()


def _attach_lost_create(task: VideoTask, kie_task_id: str) -> bool:
    """A callback for a task whose create answer never reached us tells us Kie's id."""
    if task.kie_task_id or task.state not in (State.UNKNOWN, State.SUBMITTING):
        return False
    attached = transition(
        task,
        State.QUEUED,
        kie_task_id=kie_task_id,
        error_code="",
        error_message="",
    )
    if attached:
        logger.info("Kie callback attached Kie id %s to task %s", kie_task_id, task.public_id)
    return attached


def _enqueue_refresh(task: VideoTask) -> None:
    from campaigns import tasks as jobs

    pk = task.pk
    transaction.on_commit(lambda: jobs.refresh_video_task.enqueue(pk))
