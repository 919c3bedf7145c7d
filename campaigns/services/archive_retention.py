"""Deleting archived videos: by staff, or by the retention sweep (ARCHIVE_RETENTION_DAYS).

Only the video files go; the poster and the facts stay (they are small and the lists show them),
and the archive state says what happened (`deleted` or `expired`), so the UI can say so. Downloads
then fall back to Kie's URL for as long as Kie keeps the file.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from campaigns import selectors
from campaigns.models import ArchiveState, VideoTask

from .archive import DONE, SLOTS, Slot, slots_of


def delete_archive(task: VideoTask, *, state: str = ArchiveState.DELETED) -> VideoTask:
    """Delete the task's archived video files (staff); downloads fall back to Kie's URL.

    The poster and the facts (duration, size) stay: they are small and the lists still show them.
    """
    for slot in slots_of(task):
        _delete_slot(task, slot, state)
    task.refresh_from_db()
    return task


def _delete_slot(task: VideoTask, slot: Slot, state: str) -> bool:
    name = slot.get(task, "video_file").name
    fields = slot.values(archive_state=state, archive_due_at=None, video_file="")
    won = VideoTask.objects.filter(pk=task.pk, **slot.values(archive_state=DONE)).update(**fields)
    if won and name:
        default_storage.delete(name)
    return bool(won)


def expire_archives(*, now: datetime | None = None, batch: int = 100) -> list[str]:
    """Delete archives older than ARCHIVE_RETENTION_DAYS (none when it is 0); their task ids."""
    days = settings.ARCHIVE_RETENTION_DAYS
    if days <= 0:
        return []
    cutoff = (now or timezone.now()) - timedelta(days=days)
    expired = []
    for slot in SLOTS:
        for task in selectors.archives_older_than(slot, cutoff, batch):
            if _delete_slot(task, slot, ArchiveState.EXPIRED):
                expired.append(f"{task.public_id} ({slot.quality})")
    return expired
