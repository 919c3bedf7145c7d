"""Refreshing a task's status from Kie: claimed, coalesced, rate limited, on a back-off schedule.

Browsers, the worker's sweeper and callbacks may all want to refresh one task. Each claims the
refresh with a conditional `UPDATE … WHERE last_polled_at = <seen>`; only the winner calls Kie,
the others answer what the row holds. No transaction is open during the HTTP call. A web request
that finds no rate-limit token, or gets a 429, answers the last known state at once; the worker
catches up on the schedule (`next_check_at`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from campaigns.models import VideoTask
from kie.errors import KieError, KieNotFoundError, KieRateLimitedError, KieThrottledError
from kie.types import TaskState, TaskStatus

from . import archive, kie_client
from .kie_errors import kie_error_code, translate_kie_error
from .task_state import transition, update_fields

if TYPE_CHECKING:
    from kie.client import KieClient

logger = logging.getLogger(__name__)

State = VideoTask.State
_STATE_FROM_KIE = {
    TaskState.QUEUED: State.QUEUED,
    TaskState.GENERATING: State.GENERATING,
    TaskState.SUCCESS: State.SUCCESS,
    TaskState.FAILED: State.FAILED,
}
# Kie's polling guidance: often while a job is young, then less and less (docs/kie.md).
_SCHEDULE: tuple[tuple[float, float], ...] = ((30, 3), (120, 10))
_LATE_INTERVAL_SECONDS = 30.0
# While a refresh is under way its task is not due again: another sweeper must not take it.
CLAIM_LEASE_SECONDS = 60.0


def refresh_status(
    task: VideoTask, *, now: datetime | None = None, client: KieClient | None = None
) -> VideoTask:
    """The task as Kie last reported it; asks Kie only when it is in flight and due a poll.

    `task` must be freshly read: the claim compares against what it holds. `client` defaults to
    a web request's (no waiting for Kie).
    """
    now = now or timezone.now()
    if not _is_in_flight(task) or _polled_recently(task, now):
        return task
    if claim(task, now):
        fetch_and_record(task, now, client=client or kie_client.for_request())
    else:
        task.refresh_from_db()  # another poller claimed it: serve what it has stored so far
    return task


def refresh_claimed(
    task_id: int, *, client: KieClient, now: datetime | None = None
) -> VideoTask | None:
    """Worker side: claim and refresh one task by id, whatever its schedule; None if not live."""
    now = now or timezone.now()
    task = VideoTask.objects.filter(pk=task_id).first()
    if task is None or not _is_in_flight(task) or not claim(task, now):
        return task
    fetch_and_record(task, now, client=client)
    return task


def claim(task: VideoTask, now: datetime) -> bool:
    """Take the next refresh of `task`; only one of several concurrent callers wins.

    A caller holding an outdated copy (another process moved the task on) loses too.
    """
    seen = {"state": task.state, "last_polled_at": task.last_polled_at}
    claimed = VideoTask.objects.filter(pk=task.pk, **seen).update(
        last_polled_at=now,
        next_check_at=now + timedelta(seconds=CLAIM_LEASE_SECONDS),
        poll_count=F("poll_count") + 1,
    )
    if claimed:
        task.last_polled_at = now
    return claimed == 1


def fetch_and_record(task: VideoTask, now: datetime, *, client: KieClient) -> None:
    """Ask Kie for the claimed task's status and store the answer (or the failure, as a note).

    A failed status check never fails the caller: the task keeps its last known state, the note
    says why it is not fresher (the API shows it as `statusNote`), and the schedule retries.
    """
    try:
        status = client.get_video_status(task.provider, task.kie_task_id)
    except KieError as exc:
        _record_poll_error(task, exc, now)
        return
    # The claim stamped `now`, but the worker may have waited for the rate limiter since: the
    # coalescing (`last_polled_at`) and the schedule count from when Kie answered (bench 1).
    answered = max(now, timezone.now())
    _store_status(task, status, answered, last_polled_at=answered)


def record_status(task: VideoTask, status: TaskStatus, *, now: datetime | None = None) -> bool:
    """Store one status answer; True if the row took it."""
    return _store_status(task, status, now or timezone.now())


def _store_status(task: VideoTask, status: TaskStatus, now: datetime, **extra: Any) -> bool:
    if task.is_terminal:
        return False
    new_state = _STATE_FROM_KIE[status.state]
    fields = _status_fields(status, new_state) | extra
    fields["next_check_at"] = (
        None if new_state in VideoTask.TERMINAL_STATES else next_check(task, now)
    )
    if new_state != task.state and not VideoTask.can_transition(task.state, new_state):
        # E.g. Kie says "queued" for a task we saw generating: keep our state, store the rest.
        return update_fields(task, **fields)
    if new_state == State.SUCCESS:
        # In the same conditional UPDATE as the success: no finished video goes uncopied, even if
        # this process dies right after. The worker's archive loop makes the copies.
        fields |= archive.fields_on_success(task, now)
    return transition(task, new_state, **fields)


def next_check(task: VideoTask, now: datetime) -> datetime:
    """When the sweeper should ask again: every 3 s in the first 30 s, 10 s to 2 min, then 30 s,
    but never sooner than KIE_POLL_MIN_INTERVAL after this check.

    The sweeper's claim does not look at `last_polled_at` (web polls do), so without that floor
    a young task polled by a browser was also asked every 3 s by the sweeper (bench 1).
    """
    age = (now - (task.submitted_at or task.created_at)).total_seconds()
    interval = next(
        (seconds for younger_than, seconds in _SCHEDULE if age < younger_than),
        _LATE_INTERVAL_SECONDS,
    )
    return now + timedelta(seconds=max(interval, settings.KIE_POLL_MIN_INTERVAL))


def _status_fields(status: TaskStatus, new_state: str) -> dict[str, Any]:
    # A poll that answers clears the note a failed status check may have left.
    fields: dict[str, Any] = {
        "last_status_payload": status.raw,
        "error_code": "",
        "error_message": "",
    }
    if status.result_urls:
        fields["result_urls"] = list(status.result_urls)
    # What a job consumed is final only when it ends (Kie answers 0 while it runs); the
    # transition settles the cost then (spend.final_cost).
    if new_state in VideoTask.TERMINAL_STATES and status.credits_consumed is not None:
        fields["actual_credits"] = status.credits_consumed
    if new_state == State.FAILED:
        fields["error_code"] = (status.error_code or "generation_failed")[:64]
        fields["error_message"] = status.error_message or (
            "Kie.ai reported that the video generation failed but gave no reason."
        )
    return fields


def _is_in_flight(task: VideoTask) -> bool:
    return task.state in VideoTask.IN_FLIGHT_STATES and bool(task.kie_task_id)


def _polled_recently(task: VideoTask, now: datetime) -> bool:
    if task.last_polled_at is None:
        return False
    return now - task.last_polled_at < timedelta(seconds=settings.KIE_POLL_MIN_INTERVAL)


def _record_poll_error(task: VideoTask, exc: KieError, now: datetime) -> None:
    if isinstance(exc, KieNotFoundError) and not _young(task, now):
        # Kie keeps records for a limited time (14 days on Veo): no record, nothing to wait for.
        transition(
            task,
            State.FAILED,
            error_code="not_found",
            error_message=f"Kie.ai has no record of task {task.kie_task_id} ({exc.message}).",
            next_check_at=None,
        )
        return
    # The row keeps its last known state; the note is for support, the schedule retries.
    logger.info("Refreshing task %s failed: %r", task.public_id, exc)
    # Our own limiter refused before anything was sent (a web poll found no free turn): the
    # worker, which may wait for a turn, takes the task when one frees. Pushing it back a whole
    # interval left Kie's limit unused while browsers polled many tasks (bench 2).
    retry_at = now if isinstance(exc, KieThrottledError) else next_check(task, now)
    if isinstance(exc, KieRateLimitedError) and exc.retry_after_seconds:
        retry_at = max(retry_at, now + timedelta(seconds=exc.retry_after_seconds))
    update_fields(
        task,
        error_code=kie_error_code(exc),
        error_message=f"Last status check: {translate_kie_error(exc).message}",
        next_check_at=retry_at,
    )


def _young(task: VideoTask, now: datetime) -> bool:
    """Kie may not find a task it created moments ago ("record is null"): that is not final."""
    started = task.submitted_at or task.created_at
    return now - started < timedelta(seconds=settings.KIE_NOT_FOUND_GRACE_SECONDS)
