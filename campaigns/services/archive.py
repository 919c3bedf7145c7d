"""Keeping paid videos: the worker copies each finished video into our media storage.

Kie deletes results after 14 days (some links last 24 hours), so when a task succeeds its video —
and, for Veo, the 1080p file Kie makes a few minutes later — becomes due for a copy
(`fields_on_success`, written with the success transition itself). The archive loop of the
sweeper (`archive_due`) claims each due copy with a conditional UPDATE that also pushes its due
time past a lease, streams the file through the outbound gate into a temporary file (size cap,
content type, SHA-256), reads its facts and a poster frame with PyAV, saves it to default storage
and records the result on the row. A failed copy is retried on a doubling back-off; a worker that
dies mid-copy loses its lease and the copy is taken up again. Nothing is lost between processes:
the whole state lives on the task. Until a copy is done, downloads use Kie's URL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F
from django.utils import timezone

from campaigns import selectors
from campaigns.models import ArchiveState, VideoTask
from kie.errors import KieError, KieNotReadyError
from kie.types import Provider

from . import kie_client, video_facts
from .errors import NotReady
from .media_copy import Copied, CopyFailed, copy_to_tempfile

if TYPE_CHECKING:
    from kie.client import KieClient

logger = logging.getLogger(__name__)

PENDING, DONE, FAILED = ArchiveState.PENDING, ArchiveState.DONE, ArchiveState.FAILED
MAX_RETRY_SECONDS = 3600
# Kie: the 1080p file takes 1-3 minutes after success; ask again every 20-30 s (docs/kie.md).
HD_POLL_SECONDS = 30
# A claimed copy is retaken after its time budget plus this (its worker must have died).
LEASE_MARGIN_SECONDS = 60


@dataclass(frozen=True)
class Slot:
    """One archived file of a task: its video, or Veo's 1080p version (fields prefixed `hd_`)."""

    quality: str
    prefix: str

    def field(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def get(self, task: VideoTask, name: str) -> Any:
        return getattr(task, self.field(name))

    def values(self, **fields: Any) -> dict[str, Any]:
        return {self.field(name): value for name, value in fields.items()}


ORIGINAL = Slot("original", "")
HD = Slot("1080p", "hd_")
SLOTS = (ORIGINAL, HD)


def slot_for(quality: str) -> Slot:
    return HD if quality == HD.quality else ORIGINAL


def fields_on_success(task: VideoTask, now: datetime) -> dict[str, Any]:
    """Written together with the success transition: the copies are due from that moment on."""
    fields = ORIGINAL.values(archive_state=PENDING, archive_due_at=now, archive_attempts=0)
    if task.provider == Provider.VEO:
        fields |= HD.values(archive_state=PENDING, archive_due_at=now, archive_attempts=0)
    return fields


# --- The worker's side -------------------------------------------------------------------------


def archive_due(
    *, now: datetime | None = None, batch: int = 10, mapper: Callable = map
) -> list[str]:
    """Run every copy that is due now (the sweeper's archive loop); lines saying what happened."""
    now = now or timezone.now()
    due = [(task, slot) for slot in SLOTS for task in selectors.due_for_archive(slot, now, batch)]
    return [line for line in mapper(_archive_item, due) if line]


def _archive_item(item: tuple[VideoTask, Slot]) -> str | None:
    task, slot = item
    return archive_one(task, slot, client=kie_client.for_worker())


def archive_one(
    task: VideoTask, slot: Slot, *, client: KieClient, now: datetime | None = None
) -> str | None:
    """Claim and make one copy; a line for the log, or None when another worker has it."""
    now = now or timezone.now()
    if not _claim(task, slot, now):
        return None
    try:
        copied = _fetch(task, slot, client)
    except _HdNotReady:
        return _wait_for_hd(task, now)
    except CopyFailed as exc:
        return _record_failure(task, slot, exc)
    with copied.file:
        try:
            return _store(task, slot, copied)
        except CopyFailed as exc:
            return _record_failure(task, slot, exc)


def _claim(task: VideoTask, slot: Slot, now: datetime) -> bool:
    """Take the copy: only one worker wins; the lease lets another retake it if this one dies."""
    seen = slot.values(archive_state=PENDING, archive_due_at=slot.get(task, "archive_due_at"))
    lease = timedelta(seconds=settings.ARCHIVE_TIMEOUT_SECONDS + LEASE_MARGIN_SECONDS)
    attempts = slot.field("archive_attempts")
    won = VideoTask.objects.filter(pk=task.pk, **seen).update(
        **slot.values(archive_due_at=now + lease), **{attempts: F(attempts) + 1}
    )
    if won:
        task.refresh_from_db()
    return won == 1


class _HdNotReady(Exception):
    pass


def _fetch(task: VideoTask, slot: Slot, client: KieClient) -> Copied:
    url = _hd_url(task, client) if slot is HD else _original_url(task)
    return copy_to_tempfile(
        url,
        max_bytes=settings.ARCHIVE_MAX_BYTES,
        budget_seconds=settings.ARCHIVE_TIMEOUT_SECONDS,
    )


def _original_url(task: VideoTask) -> str:
    if not task.result_urls:
        raise CopyFailed("Kie.ai returned no video URL for this task", permanent=True)
    return task.result_urls[0]


def _hd_url(task: VideoTask, client: KieClient) -> str:
    if task.hd_video_url:
        return task.hd_video_url
    try:
        url = client.get_veo_1080p_video(task.kie_task_id)
    except KieNotReadyError as exc:
        raise _HdNotReady() from exc
    except KieError as exc:
        raise CopyFailed(f"asking Kie.ai for the 1080p file failed: {exc.message}") from exc
    VideoTask.objects.filter(pk=task.pk).update(hd_video_url=url)
    task.hd_video_url = url
    return url


def _wait_for_hd(task: VideoTask, now: datetime) -> str | None:
    """Kie is still making the 1080p file: ask again soon, without counting a failed attempt."""
    waited = now - (task.finished_at or now)
    if waited > timedelta(seconds=settings.ARCHIVE_HD_WAIT_SECONDS):
        minutes = round(settings.ARCHIVE_HD_WAIT_SECONDS / 60)
        message = f"Kie.ai had not made the 1080p file {minutes} minutes after the video was done"
        return _record_failure(task, HD, CopyFailed(message, permanent=True))
    VideoTask.objects.filter(pk=task.pk, hd_archive_state=PENDING).update(
        hd_archive_due_at=now + timedelta(seconds=HD_POLL_SECONDS),
        hd_archive_attempts=F("hd_archive_attempts") - 1,
    )
    return None


def _store(task: VideoTask, slot: Slot, copied: Copied) -> str | None:
    """Check the copy is a video, save it (and the poster) to storage, record it on the row."""
    try:
        facts = video_facts.probe(copied.file.name)
    except video_facts.NotAVideo as exc:
        raise CopyFailed(f"the file is {exc}", permanent=True) from exc
    name = _save(f"{file_prefix(task)}{slot.quality}.mp4", File(copied.file))
    fields = slot.values(
        archive_state=DONE,
        archive_error="",
        archive_due_at=None,
        archived_at=timezone.now(),
        video_file=name,
        video_bytes=copied.size,
        video_sha256=copied.sha256,
        video_content_type=copied.content_type,
    )
    if slot is ORIGINAL:
        fields |= _facts_fields(task, copied, facts)
    won = VideoTask.objects.filter(pk=task.pk, **slot.values(archive_state=PENDING)).update(
        **fields
    )
    return f"{task.public_id}: {slot.quality} archived ({copied.size:,} bytes)" if won else None


def _facts_fields(task: VideoTask, copied: Copied, facts: video_facts.VideoFacts) -> dict:
    fields: dict[str, Any] = {
        "video_duration_seconds": facts.duration_seconds,
        "video_width": facts.width,
        "video_height": facts.height,
    }
    poster = video_facts.poster_jpeg(copied.file.name)
    if poster is not None:
        fields["poster_file"] = _save(f"{file_prefix(task)}poster.jpg", ContentFile(poster))
    return fields


def file_prefix(task: VideoTask) -> str:
    """Where a task's files live in storage: one folder per task, named by our id."""
    return f"videos/{task.public_id}/"


def _save(name: str, content: File) -> str:
    # A retry replaces what an earlier attempt may have left under the same name.
    default_storage.delete(name)
    try:
        return default_storage.save(name, content)
    except Exception as exc:  # any storage backend's error: the copy is retried later
        logger.warning("Saving %s to storage failed: %r", name, exc)
        raise CopyFailed(f"saving to media storage failed ({exc})") from exc


def _record_failure(task: VideoTask, slot: Slot, exc: CopyFailed) -> str:
    attempts = slot.get(task, "archive_attempts")
    out_of_tries = attempts >= settings.ARCHIVE_MAX_ATTEMPTS
    if exc.permanent or out_of_tries:
        reason = "Not archived" if exc.permanent else f"Gave up after {attempts} attempts"
        fields = slot.values(archive_state=FAILED, archive_due_at=None)
        fields[slot.field("archive_error")] = f"{reason}: {exc.message}."
        outcome = f"{task.public_id}: {slot.quality} archive failed ({exc.message})"
    else:
        retry_at = timezone.now() + timedelta(seconds=retry_delay_seconds(attempts))
        fields = slot.values(archive_due_at=retry_at)
        limit = settings.ARCHIVE_MAX_ATTEMPTS
        fields[slot.field("archive_error")] = f"Attempt {attempts} of {limit}: {exc.message}."
        outcome = f"{task.public_id}: {slot.quality} archive attempt {attempts} failed"
    logger.info("Archive of %s (%s): %s", task.public_id, slot.quality, exc.message)
    VideoTask.objects.filter(pk=task.pk, **slot.values(archive_state=PENDING)).update(**fields)
    return outcome


def retry_delay_seconds(attempts: int) -> int:
    """30 s, 1 min, 2 min, 4 min… (ARCHIVE_RETRY_SECONDS doubling), at most an hour."""
    return min(settings.ARCHIVE_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS)


# --- Staff actions (deleting and retention: archive_retention.py) ------------------------------


def archive_now(task: VideoTask, *, run: bool = False) -> VideoTask:
    """Copy the task's video (and Veo's 1080p file) again from Kie: for an admin button.

    Every copy that is not done becomes due now with fresh attempts; the worker takes it within a
    second. `run=True` makes the copies in this process instead (a shell, a command) — never in a
    web request: a copy may take minutes.
    """
    if task.state != VideoTask.State.SUCCESS:
        raise NotReady(f"Task {task.public_id} is {task.state}; only finished videos are archived.")
    now = timezone.now()
    for slot in slots_of(task):
        fresh = slot.values(archive_state=PENDING, archive_due_at=now, archive_attempts=0)
        fresh[slot.field("archive_error")] = ""
        VideoTask.objects.filter(pk=task.pk).exclude(**slot.values(archive_state=DONE)).update(
            **fresh
        )
    task.refresh_from_db()
    if run:
        client = kie_client.for_worker()
        for slot in slots_of(task):
            if slot.get(task, "archive_state") == PENDING:
                archive_one(task, slot, client=client, now=now)
        task.refresh_from_db()
    return task


def slots_of(task: VideoTask) -> Iterable[Slot]:
    return SLOTS if task.provider == Provider.VEO else (ORIGINAL,)
