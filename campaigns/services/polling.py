"""Refreshing a task's status from Kie: at most one upstream call per task per interval.

Many browsers may poll the same task. Each reads the row, and only the one whose conditional
`UPDATE … WHERE last_polled_at = <seen>` matches claims the poll and calls Kie; the others return
what the database holds. No transaction is open during the HTTP call.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from campaigns.models import VideoTask
from kie.errors import KieError, KieNotFoundError
from kie.types import TaskState, TaskStatus

from . import kie_client
from .kie_errors import kie_error_code, translate_kie_error
from .task_state import transition, update_fields

logger = logging.getLogger(__name__)

State = VideoTask.State
_STATE_FROM_KIE = {
    TaskState.QUEUED: State.QUEUED,
    TaskState.GENERATING: State.GENERATING,
    TaskState.SUCCESS: State.SUCCESS,
    TaskState.FAILED: State.FAILED,
}


def refresh_status(task: VideoTask, *, now: datetime | None = None) -> VideoTask:
    """The task as Kie last reported it; asks Kie only when the task is live and due a poll."""
    task.refresh_from_db()
    if task.is_terminal or not task.kie_task_id:
        return task
    now = now or timezone.now()
    if _polled_recently(task, now):
        return task  # just read from the row: nothing newer to fetch
    if not _claim_poll(task, now):
        task.refresh_from_db()  # another poller claimed it: serve what it has stored so far
        return task
    try:
        status = kie_client.get_kie_client().get_video_status(task.provider, task.kie_task_id)
    except KieError as exc:
        _record_poll_error(task, exc)
        return task
    record_status(task, status)
    return task


def record_status(task: VideoTask, status: TaskStatus) -> bool:
    """Store one status answer (from a poll, or later a callback); True if the row took it."""
    if task.is_terminal:
        return False
    new_state = _STATE_FROM_KIE[status.state]
    fields = _status_fields(status, new_state)
    if new_state != task.state and not VideoTask.can_transition(task.state, new_state):
        # E.g. Kie says "queued" for a task we saw generating: keep our state, store the rest.
        return update_fields(task, **fields)
    return transition(task, new_state, **fields)


def _status_fields(status: TaskStatus, new_state: str) -> dict[str, Any]:
    # A poll that answers clears the note a failed status check may have left.
    fields: dict[str, Any] = {
        "last_status_payload": status.raw,
        "error_code": "",
        "error_message": "",
    }
    if status.result_urls:
        fields["result_urls"] = list(status.result_urls)
    if status.credits_consumed is not None:
        fields["actual_credits"] = status.credits_consumed
    if new_state == State.FAILED:
        fields["error_code"] = (status.error_code or "generation_failed")[:64]
        fields["error_message"] = status.error_message or (
            "Kie.ai reported that the video generation failed but gave no reason."
        )
    return fields


def _polled_recently(task: VideoTask, now: datetime) -> bool:
    if task.last_polled_at is None:
        return False
    return now - task.last_polled_at < timedelta(seconds=settings.KIE_POLL_MIN_INTERVAL)


def _claim_poll(task: VideoTask, now: datetime) -> bool:
    # Only the poller that still sees the last_polled_at value it read wins; the rest lose.
    claimed = VideoTask.objects.filter(pk=task.pk, last_polled_at=task.last_polled_at).update(
        last_polled_at=now, poll_count=F("poll_count") + 1
    )
    return claimed == 1


def _record_poll_error(task: VideoTask, exc: KieError) -> None:
    if isinstance(exc, KieNotFoundError):
        # Kie keeps records for a limited time (14 days on Veo): no record, nothing to wait for.
        transition(
            task,
            State.FAILED,
            error_code="not_found",
            error_message=f"Kie.ai has no record of task {task.kie_task_id} ({exc.message}).",
        )
        return
    # The row keeps its last known state; the error is noted for support and the next poll retries.
    logger.warning("Polling task %s failed: %r", task.pk, exc)
    update_fields(task, error_code=kie_error_code(exc), error_message=f"Last status check: {exc}")
    if not exc.transient:
        raise translate_kie_error(exc, extra={"taskId": task.pk}) from exc
