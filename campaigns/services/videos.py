"""Starting video jobs, retrying them, and attaching a Kie id support found by hand.

A start is resolved once (`video_requests.resolve`), recorded as a `pending` row, and sent to
Kie at once when the shared rate limiter has room; otherwise the worker sends it in order as the
limit allows. Polling lives in `polling.py`, sending in `submission.py`.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns import selectors
from campaigns.models import Campaign, VideoTask
from kie.errors import KieError, KieNotFoundError
from kie.types import TaskStatus

from . import kie_client, spend, submission
from . import video_requests as requests_
from .errors import IdempotencyConflict, ServiceError, ValidationFailed
from .kie_errors import translate_kie_error
from .polling import record_status, refresh_status
from .task_state import transition
from .video_requests import StartRequest

if TYPE_CHECKING:
    from kie.client import KieClient

__all__ = [
    "ConfirmationRequired",
    "TaskNotRetryable",
    "attach_kie_task_id",
    "refresh_status",
    "retry_task",
    "start_video",
]

logger = logging.getLogger(__name__)

State = VideoTask.State
IDEMPOTENCY_KEY_MAX_CHARS = 255
_KIE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


class TaskNotRetryable(ServiceError):
    http_status = 409
    code = "not_retryable"
    default_message = "Only failed or unknown tasks can be retried."


class ConfirmationRequired(ServiceError):
    http_status = 409
    code = "confirmation_required"
    default_message = "Confirm the retry: the first job may still be running at Kie."


def start_video(
    *,
    user: Any,
    idea_id: int,
    model_id: str,
    options: dict | None = None,
    prompt: str | None = None,
    image_urls: list[str] | None = None,
    video_url: str | None = None,
    idempotency_key: str | None = None,
    client: KieClient | None = None,
) -> tuple[VideoTask, bool]:
    """Start one video job for an idea; (task, created). A replayed key returns its first task.

    The task comes back `queued` when Kie took it now, or `pending` when the worker will send
    it (the rate limit is reached, or Gemini has to write the prompt first). `client` defaults
    to a web request's (no waiting for Kie).
    """
    client = client or kie_client.for_request()
    key = _clean_key(idempotency_key)
    fingerprint = ""
    if key:
        fingerprint = requests_.request_fingerprint(
            idea_id=idea_id,
            model_id=model_id,
            options=options,
            prompt=prompt,
            image_urls=image_urls,
            video_url=video_url,
        )
        replayed = _find_replay(user, key, fingerprint)
        if replayed is not None:
            return replayed, False
    idea = selectors.get_idea(idea_id)
    request = requests_.resolve(
        product=idea.product,
        idea=idea,
        model_id=model_id,
        options=options,
        prompt=prompt,
        image_urls=image_urls,
        video_urls=[video_url] if video_url else [],
        client=client,
    )
    task, created = _record(request, user=user, idempotency_key=key, fingerprint=fingerprint)
    if created:
        submission.submit(task, client=client)
    return task, created


def retry_task(
    task: VideoTask, *, user: Any, confirm: bool = False, client: KieClient | None = None
) -> tuple[VideoTask, bool]:
    """A new task (linked by retry_of) from the same request; (task, created).

    A failed task has at most one live retry: asking again answers that retry. A task whose
    outcome is unknown may still be running (and billing) at Kie, so it needs `confirm`.
    """
    _check_retryable(task, confirm)
    client = client or kie_client.for_request()
    request = requests_.from_task(task, client=client)
    new_task, created = _record(request, user=user, retry_of=task)
    if created:
        submission.submit(new_task, client=client)
    return new_task, created


def attach_kie_task_id(
    task: VideoTask, kie_task_id: str, *, client: KieClient | None = None
) -> VideoTask:
    """Support found the Kie job of a task whose create answer was lost: follow it from now on."""
    kie_task_id = (kie_task_id or "").strip()
    if task.state != State.UNKNOWN or task.kie_task_id:
        raise TaskNotRetryable(
            f"Task {task.public_id} is {task.state}; a Kie id can only be attached to an "
            "unknown task that has none."
        )
    if not _KIE_ID.match(kie_task_id):
        raise ValidationFailed.for_fields(
            {"kieTaskId": "Paste the task id exactly as Kie shows it (letters, digits, _-.)."}
        )
    _check_unused(kie_task_id, task)
    status = _kie_status(task, kie_task_id, client or kie_client.for_request())
    if not transition(task, State.QUEUED, kie_task_id=kie_task_id, error_code="", error_message=""):
        raise TaskNotRetryable(f"Task {task.public_id} changed meanwhile; reload it.")
    logger.info("Kie id %s attached by hand to task %s", kie_task_id, task.public_id)
    record_status(task, status)
    return task


def _record(
    request: StartRequest,
    *,
    user: Any,
    retry_of: VideoTask | None = None,
    idempotency_key: str = "",
    fingerprint: str = "",
) -> tuple[VideoTask, bool]:
    """Write the `pending` row and commit; a concurrent twin (same key, same retry) wins instead."""
    try:
        with transaction.atomic():
            if retry_of is not None:
                live = _live_retry(retry_of)
                if live is not None:
                    return live, False
            _lock_budget(request.product.campaign_id, request)
            _lock_daily_limit(user, request)
            return _insert(request, user, retry_of, idempotency_key, fingerprint), True
    except IntegrityError:
        # Another request with this Idempotency-Key inserted first: answer with its task.
        replayed = _find_replay(user, idempotency_key, fingerprint)
        if not idempotency_key or replayed is None:
            raise
        return replayed, False


def _insert(
    request: StartRequest, user: Any, retry_of: VideoTask | None, key: str, fingerprint: str
) -> VideoTask:
    video = request.video
    return VideoTask.objects.create(
        product=request.product,
        idea=request.idea,
        retry_of=retry_of,
        model_id=video.model.id,
        provider=str(video.model.provider),
        prompt=video.prompt,
        needs_prompt=request.needs_prompt,
        options=video.options,
        image_urls=list(video.image_urls),
        video_urls=list(video.video_urls),
        uses_product_image=request.uses_product_image,
        state=State.PENDING,
        next_check_at=timezone.now(),
        estimated_credits=request.estimate,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        idempotency_key=key,
        request_fingerprint=fingerprint,
    )


def _live_retry(task: VideoTask) -> VideoTask | None:
    # Locking the original serialises concurrent retries of it: only the first inserts.
    VideoTask.objects.select_for_update().filter(pk=task.pk).first()
    return task.retries.exclude(state=State.FAILED).order_by("-created_at").first()


def _lock_budget(campaign_id: int | None, request: StartRequest) -> None:
    # Locking the campaign row serialises concurrent starts, so two jobs cannot both fit the
    # budget's last credits.
    if campaign_id is None:
        return
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    requests_.check_budget(campaign, request.estimate)


def _lock_daily_limit(user: Any, request: StartRequest) -> None:
    # Locking the user's row serialises their concurrent starts, as the campaign lock does for
    # budgets: two tabs cannot both fit the last credits of the day.
    if not getattr(user, "is_authenticated", False) or spend.daily_limit(user) is None:
        return
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    spend.check_daily_limit(user, request.estimate)


def _check_retryable(task: VideoTask, confirm: bool) -> None:
    if task.state == State.SUCCESS:
        raise TaskNotRetryable(
            f"Task {task.public_id} succeeded, so there is nothing to retry. To get another "
            "take, start a new video for the idea."
        )
    if task.state not in (State.FAILED, State.UNKNOWN):
        raise TaskNotRetryable(
            f"Task {task.public_id} is {task.state}; only failed or unknown tasks can be retried."
        )
    if task.state == State.UNKNOWN and not confirm:
        raise ConfirmationRequired(
            f"Task {task.public_id} may still be running (and billing) at Kie. Retry only if you "
            "accept paying twice: send confirm=true. Or ask support to attach its Kie task id.",
            extra={"taskId": task.public_id},
        )


def _check_unused(kie_task_id: str, task: VideoTask) -> None:
    other = VideoTask.objects.filter(kie_task_id=kie_task_id, provider=task.provider).first()
    if other is not None:
        raise ValidationFailed.for_fields(
            {"kieTaskId": f"Kie task {kie_task_id} already belongs to {other.public_id}."}
        )


def _kie_status(task: VideoTask, kie_task_id: str, client: KieClient) -> TaskStatus:
    try:
        return client.get_video_status(task.provider, kie_task_id)
    except KieNotFoundError as exc:
        raise ValidationFailed.for_fields(
            {"kieTaskId": f"Kie has no {task.provider} task {kie_task_id} ({exc.message})."}
        ) from exc
    except KieError as exc:
        raise translate_kie_error(exc, extra={"taskId": task.public_id}) from exc


def _find_replay(user: Any, key: str, fingerprint: str) -> VideoTask | None:
    if not key:
        return None
    task = VideoTask.objects.filter(created_by=user, idempotency_key=key).first()
    if task is not None and task.request_fingerprint != fingerprint:
        raise IdempotencyConflict(
            f"Idempotency-Key {key!r} was already used for task {task.public_id} with a "
            "different request. Send a new key for a new request.",
            extra={"taskId": task.public_id},
        )
    return task


def _clean_key(idempotency_key: str | None) -> str:
    key = (idempotency_key or "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX_CHARS:
        raise ValidationFailed.for_fields(
            {"idempotencyKey": f"At most {IDEMPOTENCY_KEY_MAX_CHARS} characters."}
        )
    return key
