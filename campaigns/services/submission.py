"""Sending a recorded task to Kie: claim it, build the payload, create the job, keep Kie's id.

The order matters: the task row exists (state `pending`) before Kie is called, it is claimed with
a conditional update (`pending` -> `submitting`) so no two processes send it, no transaction is
open during the HTTP call, and the id Kie returns is written straight after.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from campaigns.models import VideoPrompt, VideoTask
from kie import registry
from kie.errors import KieError, KieModelUnavailableError, KieRateLimitedError
from kie.registry import VideoRequest
from kie.transport import KieConnectError

from . import callbacks, catalog, products, prompts
from .errors import KieUnavailable, RateLimited, ServiceError
from .kie_errors import kie_error_code, translate_kie_error
from .task_state import transition, update_fields

if TYPE_CHECKING:
    from kie.client import KieClient

logger = logging.getLogger(__name__)

State = VideoTask.State

# Gemini refusing for a while (rate limit, outage) is retried this often, this many times.
PROMPT_RETRY_SECONDS = 30
PROMPT_MAX_ATTEMPTS = 5
# While one process writes a task's prompt, the task is not due for another.
PROMPT_LEASE_SECONDS = 300

LOST_CREATE_MESSAGE = (
    "We could not tell whether Kie.ai started this job ({detail}). It may be running and "
    "billing. Kie will call us back with its id if it did, or support can attach the Kie task "
    "id by hand. Retrying may pay for the video twice."
)


def submit(task: VideoTask, *, client: KieClient, now: datetime | None = None) -> bool:
    """Send a pending task to Kie if it is still pending; True when this call sent it.

    Kie refusing for a rate limit (or never being reached) puts the task back to `pending` for
    the worker. Any other refusal ends it `failed` (or `unknown` when the create may have
    happened) and is raised as a ServiceError for the caller to show.
    """
    if task.state != State.PENDING or task.needs_prompt:
        return False
    now = now or timezone.now()
    request = _request_for(task, client)
    payload = registry.build_payload(request, callback_url=callbacks.callback_url(task))
    if not transition(task, State.SUBMITTING, request_payload=payload, submitted_at=now):
        return False  # another process claimed it
    try:
        kie_task_id = client.start_video(task.provider, payload)
    except KieError as exc:
        _record_failure(task, exc, now)
        if not _put_back(exc):
            raise _start_error(task, exc) from exc
        return False
    _record_kie_task_id(task, kie_task_id, now)
    return True


def write_prompt(task: VideoTask, *, client: KieClient, now: datetime | None = None) -> bool:
    """Gemini writes the prompt of a task started without one; True once it is on the task."""
    now = now or timezone.now()
    if task.state != State.PENDING or not task.needs_prompt or not _claim_pending(task, now):
        return False
    try:
        text = _compose(task, client)
    except ServiceError as exc:
        _record_prompt_failure(task, exc, now)
        return False
    VideoPrompt.objects.create(
        idea=task.idea,
        model_id=task.model_id,
        options=task.options,
        text=text,
        created_by=task.created_by,
        finished_at=now,
    )
    return update_fields(
        task, prompt=text, needs_prompt=False, next_check_at=now, error_code="", error_message=""
    )


def _claim_pending(task: VideoTask, now: datetime) -> bool:
    lease = now + timedelta(seconds=PROMPT_LEASE_SECONDS)
    claimed = VideoTask.objects.filter(
        pk=task.pk, state=State.PENDING, next_check_at=task.next_check_at
    ).update(next_check_at=lease)
    return claimed == 1


def _compose(task: VideoTask, client: KieClient) -> str:
    if task.idea is None:
        raise ServiceError("The idea this video was for has been deleted; write a prompt.")
    model = registry.get_model(task.model_id)
    return prompts.compose_prompt(task.idea, model, task.options, client=client)


def _record_prompt_failure(task: VideoTask, exc: ServiceError, now: datetime) -> None:
    attempts = task.submit_attempts + 1
    if isinstance(exc, KieUnavailable | RateLimited) and attempts < PROMPT_MAX_ATTEMPTS:
        update_fields(
            task,
            submit_attempts=attempts,
            next_check_at=now + timedelta(seconds=PROMPT_RETRY_SECONDS),
            error_code=exc.code,
            error_message=f"Writing the prompt: {exc.message} (will try again).",
        )
        return
    transition(
        task,
        State.FAILED,
        error_code="prompt_failed",
        error_message=f"Gemini could not write the video prompt: {exc.message}",
        next_check_at=None,
    )


def _request_for(task: VideoTask, client: KieClient) -> VideoRequest:
    """The stored request, with a fresh Kie copy of the product photo if Kie dropped ours."""
    image_urls = list(task.image_urls)
    if task.uses_product_image:
        fresh = products.ensure_kie_image_url(task.product, client=client)
        if image_urls != [fresh]:
            image_urls = [fresh]
            update_fields(task, image_urls=image_urls)
    return VideoRequest(
        model=registry.get_model(task.model_id),
        prompt=task.prompt,
        options=dict(task.options),
        image_urls=tuple(image_urls),
        video_urls=tuple(task.video_urls),
    )


def _put_back(exc: KieError) -> bool:
    # Rejected, not queued (429, or our own limiter), or never connected: Kie saw nothing.
    return isinstance(exc, KieRateLimitedError | KieConnectError) and not exc.outcome_unknown


def _record_failure(task: VideoTask, exc: KieError, now: datetime) -> None:
    if _put_back(exc):
        wait = exc.retry_after_seconds or 1.0
        transition(
            task,
            State.PENDING,
            submit_attempts=task.submit_attempts + 1,
            next_check_at=now + timedelta(seconds=wait),
        )
        return
    if exc.outcome_unknown:
        message = LOST_CREATE_MESSAGE.format(detail=exc.message.rstrip("."))
        transition(task, State.UNKNOWN, error_code="create_outcome_unknown", error_message=message)
    else:
        transition(task, State.FAILED, error_code=kie_error_code(exc), error_message=exc.message)
    logger.warning("Kie refused to start task %s (%s): %r", task.public_id, task.state, exc)


def _record_kie_task_id(task: VideoTask, kie_task_id: str, now: datetime) -> None:
    model = registry.get_model(task.model_id)
    fields = {
        "kie_task_id": kie_task_id,
        "next_check_at": now + timedelta(seconds=3),
        "deadline_at": now + timedelta(seconds=model.deadline_seconds),
        "error_code": "",
        "error_message": "",
    }
    if transition(task, State.QUEUED, **fields):
        return
    # Someone else moved the row meanwhile (the stale-submission sweep, a callback): the id Kie
    # gave us must be kept regardless, or a paid job is lost.
    logger.warning("Task %s left submitting before Kie id %s was stored", task.pk, kie_task_id)
    VideoTask.objects.filter(pk=task.pk, kie_task_id="").update(kie_task_id=kie_task_id)
    task.refresh_from_db()


def _start_error(task: VideoTask, exc: KieError) -> ServiceError:
    extra = {"taskId": task.public_id}
    if isinstance(exc, KieModelUnavailableError):
        return catalog.model_unavailable_upstream(task, exc, extra=extra)
    error = translate_kie_error(exc, extra=extra)
    if task.state == State.UNKNOWN:
        error.message = task.error_message
        error.args = (error.message,)
    return error
