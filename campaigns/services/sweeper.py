"""The worker's reconciliation loop: every live task moves on without anybody polling it.

One pass: mark dead submissions `unknown`, end overdue tasks `timeout`, write missing prompts,
send pending tasks (oldest first), refresh in-flight ones (most overdue first), copy finished
videos into our storage (archive.py) and delete archives past their retention. Each task is
claimed with a conditional UPDATE before any HTTP call, so any number of sweepers, in any number
of processes, never work on the same task at once; running a pass twice changes nothing twice.
The shared rate limiter paces the Kie calls; the back-off schedule lives on the rows.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from campaigns import selectors
from campaigns.models import VideoTask

from . import archive, archive_retention, ideas, kie_client, polling, spend, submission
from .errors import ServiceError

if TYPE_CHECKING:
    from kie.client import KieClient

logger = logging.getLogger(__name__)

State = VideoTask.State
Mapper = Callable[[Callable[[VideoTask], str | None], Iterable[VideoTask]], Iterable[str | None]]

TIMEOUT_MESSAGE = (
    "Kie.ai did not finish this video within {minutes} minutes, so we stopped waiting; it no "
    "longer counts against the campaign budget. Start it again if you still want it."
)


@dataclass
class SweepReport:
    marked_unknown: list[str] = field(default_factory=list)
    timed_out: list[str] = field(default_factory=list)
    prompts_written: list[str] = field(default_factory=list)
    submitted: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # "vt_… queued -> success"
    refreshed: int = 0
    idea_batches_failed: int = 0
    archived: list[str] = field(default_factory=list)  # "vt_…: original archived (… bytes)"
    archives_expired: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{public_id}: submitting -> unknown" for public_id in self.marked_unknown]
        out += [f"{public_id}: timed out -> failed" for public_id in self.timed_out]
        out += [f"{public_id}: prompt written" for public_id in self.prompts_written]
        out += [f"{public_id}: sent to Kie" for public_id in self.submitted]
        out += self.changed
        out += self.archived
        out += [f"{name}: archive past its retention deleted" for name in self.archives_expired]
        if self.idea_batches_failed:
            out.append(f"{self.idea_batches_failed} stuck idea batch(es) marked failed")
        return out


def sweep_once(
    *, now: datetime | None = None, batch: int = 200, mapper: Mapper = map
) -> SweepReport:
    """One full pass (what `manage.py kie_sync` runs); `mapper` may run tasks in parallel."""
    now = now or timezone.now()
    report = SweepReport()
    housekeeping(report, now)
    submit_due(report, now=now, batch=batch, mapper=mapper)
    refresh_due(report, now=now, batch=batch, mapper=mapper)
    archive_pass(report, now=now, batch=batch, mapper=mapper)
    return report


def housekeeping(report: SweepReport, now: datetime) -> None:
    report.marked_unknown = _mark_lost_submissions(now)
    report.timed_out = _time_out_overdue(now)
    report.idea_batches_failed = ideas.fail_stuck_batches(now=now)


def submit_due(
    report: SweepReport, *, now: datetime | None = None, batch: int, mapper: Mapper = map
) -> bool:
    """Send (or write the prompt of) the pending tasks due; True when the batch was full."""
    now = now or timezone.now()
    due = list(selectors.due_for_submission(now, batch))
    needing_prompt = [task for task in due if task.needs_prompt]
    with_prompt = [task for task in due if not task.needs_prompt]
    report.prompts_written += _done(mapper(_job(_write_prompt, now), needing_prompt))
    report.submitted += _done(mapper(_job(_submit, now), with_prompt))
    return len(due) >= batch


def refresh_due(
    report: SweepReport, *, now: datetime | None = None, batch: int, mapper: Mapper = map
) -> bool:
    """Refresh the in-flight tasks due; True when the batch was full (more may be due)."""
    now = now or timezone.now()
    due = list(selectors.due_for_refresh(now, batch))
    results = list(mapper(_job(_refresh, now), due))
    report.refreshed += len(due)
    report.changed += _done(results)
    return len(due) >= batch


def archive_pass(
    report: SweepReport, *, now: datetime | None = None, batch: int, mapper: Mapper = map
) -> None:
    """Due archive copies (each may take minutes), then the retention sweep."""
    report.archived += archive.archive_due(now=now, batch=batch, mapper=_guarded(mapper))
    report.archives_expired += archive_retention.expire_archives(now=now)


def _guarded(mapper: Mapper) -> Mapper:
    """The mapper, with each item run as worker code whose crash never stops the others."""

    def run_each(work: Callable, items: Iterable) -> Iterable:
        def run(item: object) -> str | None:
            try:
                return work(item)
            except Exception:
                logger.exception("Sweeper: archiving %r failed", item)
                return None
            finally:
                _drop_broken_connection()

        return mapper(run, items)

    return run_each


def _write_prompt(task: VideoTask, now: datetime, client: KieClient) -> str | None:
    written = submission.write_prompt(task, client=client, now=now)
    return task.public_id if written else None


def _submit(task: VideoTask, now: datetime, client: KieClient) -> str | None:
    try:
        sent = submission.submit(task, client=client, now=now)
    except ServiceError as exc:  # recorded on the task (failed / unknown); nobody to tell here
        logger.info("Task %s not started: %s", task.public_id, exc.message)
        return None
    return task.public_id if sent else None


def _refresh(task: VideoTask, now: datetime, client: KieClient) -> str | None:
    before = task.state
    if not polling.claim(task, now):
        return None
    polling.fetch_and_record(task, now, client=client)
    return f"{task.public_id}: {before} -> {task.state}" if task.state != before else None


def _job(
    work: Callable[[VideoTask, datetime, KieClient], str | None], now: datetime
) -> Callable[[VideoTask], str | None]:
    """Run one task's work with the worker's Kie client; one task's crash never stops others."""

    def run(task: VideoTask) -> str | None:
        try:
            return work(task, now, kie_client.for_worker())
        except Exception:
            logger.exception("Sweeper: %s failed on task %s", work.__name__, task.public_id)
            return None
        finally:
            _drop_broken_connection()

    return run


def _drop_broken_connection() -> None:
    # Long-lived threads must not keep a connection the database dropped; inside a transaction
    # (a caller's, or a test's) the connection is not ours to close.
    if not connection.in_atomic_block:
        close_old_connections()


def _done(results: Iterable[str | None]) -> list[str]:
    return [result for result in results if result]


def _mark_lost_submissions(now: datetime) -> list[str]:
    """A task left `submitting` for minutes lost its process between send and commit."""
    stale = now - timedelta(seconds=settings.KIE_SUBMITTING_STALE_SECONDS)
    rows = VideoTask.objects.filter(state=State.SUBMITTING, updated_at__lt=stale, kie_task_id="")
    marked = []
    for task in rows:
        message = submission.LOST_CREATE_MESSAGE.format(
            detail="the process sending it stopped before Kie's answer was saved"
        )
        won = VideoTask.objects.filter(pk=task.pk, state=State.SUBMITTING).update(
            state=State.UNKNOWN,
            error_code="create_outcome_unknown",
            error_message=message,
            updated_at=now,
        )
        if won:
            marked.append(task.public_id)
    return marked


def _time_out_overdue(now: datetime) -> list[str]:
    overdue = VideoTask.objects.filter(state__in=VideoTask.IN_FLIGHT_STATES, deadline_at__lt=now)
    timed_out = []
    for task in overdue:
        allowed = task.deadline_at - (task.submitted_at or task.created_at)
        minutes = round(allowed.total_seconds() / 60)
        won = VideoTask.objects.filter(pk=task.pk, state=task.state).update(
            state=State.FAILED,
            error_code="timeout",
            error_message=TIMEOUT_MESSAGE.format(minutes=minutes),
            finished_at=now,
            next_check_at=None,
            updated_at=now,
            **spend.final_cost(task, State.FAILED, reported=None),
        )
        if won:
            timed_out.append(task.public_id)
    return timed_out


class Sweeper:
    """The sweep running for good in the worker: send, refresh and archive loops, each with a pool.

    Each loops separately, so a thousand refreshes due at once never hold up a new start, and a
    long video copy never holds up either (and the other way round).
    """

    def __init__(self, *, threads: int = 4, interval_seconds: float = 0.5) -> None:
        self.threads = threads
        self.interval_seconds = interval_seconds
        self.stopping = threading.Event()

    def start(self) -> list[threading.Thread]:
        loops = [
            ("kie-sweep-send", self._send_loop),
            ("kie-sweep-refresh", self._refresh_loop),
            ("kie-sweep-archive", self._archive_loop),
        ]
        threads = [threading.Thread(target=fn, name=name, daemon=True) for name, fn in loops]
        for thread in threads:
            thread.start()
        return threads

    def stop(self) -> None:
        self.stopping.set()

    def _send_loop(self) -> None:
        def one_pass(mapper: Mapper) -> bool:
            report = SweepReport()
            housekeeping(report, timezone.now())
            more = submit_due(report, batch=self.threads * 4, mapper=mapper)
            _log(report)
            return more

        self._loop(one_pass)

    def _refresh_loop(self) -> None:
        def one_pass(mapper: Mapper) -> bool:
            report = SweepReport()
            more = refresh_due(report, batch=self.threads * 2, mapper=mapper)
            _log(report)
            return more

        self._loop(one_pass)

    def _archive_loop(self) -> None:
        def one_pass(mapper: Mapper) -> bool:
            report = SweepReport()
            archive_pass(report, batch=self.threads, mapper=mapper)
            _log(report)
            return False  # copies take long: rest between passes whatever they found

        self._loop(one_pass)

    def _loop(self, one_pass: Callable[[Mapper], bool]) -> None:
        """Run passes until stopped; rest between them only when the last found too little.

        Resting after a full batch left Kie's limit unused while more tasks were due, and two
        workers that picked the same batch (one wins every claim) lost a whole interval each
        time (bench 8).
        """
        with ThreadPoolExecutor(self.threads, thread_name_prefix="kie-sweep") as pool:

            def mapper(work: Callable[[VideoTask], str | None], tasks: Iterable[VideoTask]):
                # Once stopping, tasks not yet begun are left for the next worker to claim.
                return pool.map(lambda task: None if self.stopping.is_set() else work(task), tasks)

            while not self.stopping.is_set():
                more = False
                try:
                    more = one_pass(mapper)
                except Exception:
                    logger.exception("Sweep pass failed; trying again")
                finally:
                    _drop_broken_connection()
                if not more:
                    self.stopping.wait(self.interval_seconds)


def _log(report: SweepReport) -> None:
    for line in report.lines():
        logger.info("Sweep: %s", line)
