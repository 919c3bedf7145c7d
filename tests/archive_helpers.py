"""Tasks with archived videos, made on the sandbox or written straight into media storage."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from campaigns.models import ArchiveState, VideoTask
from campaigns.services import archive, kie_client, polling
from tests.factories import make_video_task
from tests.sandbox_fixtures import create_job, create_veo

State = VideoTask.State


def succeeded_on_sandbox(sandbox, *, provider: str = "jobs") -> VideoTask:
    """A task polled on the sandbox until Kie reports success (not archived yet)."""
    if provider == "veo":
        kie_id, model = create_veo(sandbox), "veo3_fast"
    else:
        kie_id, model = create_job(sandbox), "kling-2.6/image-to-video"
    task = make_video_task(
        state=State.GENERATING, provider=provider, model_id=model, kie_task_id=kie_id
    )
    for _ in range(6):
        polling.refresh_claimed(task.pk, client=kie_client.for_worker())
        task.refresh_from_db()
        if task.state == State.SUCCESS:
            return task
    raise AssertionError(f"the sandbox task never succeeded: {task.state}")


def archived_on_sandbox(sandbox, **kwargs) -> VideoTask:
    """A sandbox task that succeeded and whose copies due now were made (as the worker does)."""
    task = succeeded_on_sandbox(sandbox, **kwargs)
    archive.archive_due()
    task.refresh_from_db()
    return task


def stored_archive(data: bytes, **overrides) -> VideoTask:
    """A finished task whose video `data` is already in media storage (no Kie involved)."""
    fields = {
        "state": State.SUCCESS,
        "provider": "jobs",
        "model_id": "kling-2.6/image-to-video",
        "result_urls": ["http://media.kie.invalid/v/gone.mp4"],
    }
    task = make_video_task(**fields | overrides)
    name = default_storage.save(f"videos/{task.public_id}/original.mp4", ContentFile(data))
    VideoTask.objects.filter(pk=task.pk).update(
        archive_state=ArchiveState.DONE,
        video_file=name,
        video_bytes=len(data),
        video_sha256=hashlib.sha256(data).hexdigest(),
        video_content_type="video/mp4",
        archived_at=timezone.now().replace(microsecond=0),
    )
    task.refresh_from_db()
    return task
