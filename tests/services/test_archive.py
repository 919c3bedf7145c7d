"""Archiving finished videos: the copy, its facts and poster, retries, 1080p, retention."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from campaigns.models import ArchiveState, VideoTask
from campaigns.services import archive, archive_retention, kie_client, sweeper
from campaigns.services.errors import NotReady
from tests.api.sandbox_helpers import SAMPLE_MP4
from tests.archive_helpers import archived_on_sandbox, succeeded_on_sandbox
from tests.factories import make_video_task
from tests.services.video_stubs import MEDIA

pytestmark = pytest.mark.django_db

State = VideoTask.State
SAMPLE_SHA256 = hashlib.sha256(SAMPLE_MP4).hexdigest()
RESULT_URL = f"{MEDIA}/v/result.mp4"


def _pending_task(**overrides) -> VideoTask:
    """A finished task whose copy from RESULT_URL (the `kie` mock) is due now."""
    fields = {
        "state": State.SUCCESS,
        "provider": "jobs",
        "model_id": "kling-2.6/image-to-video",
        "result_urls": [RESULT_URL],
        "finished_at": timezone.now(),
        "archive_state": ArchiveState.PENDING,
        "archive_due_at": timezone.now(),
    }
    return make_video_task(**fields | overrides)


def _serve_sample(kie, **kwargs) -> None:
    kie.get(RESULT_URL, body=SAMPLE_MP4, content_type="video/mp4", **kwargs)


def test_success_makes_the_video_due_for_archiving_in_the_same_update(kie_sandbox):
    jobs_task = succeeded_on_sandbox(kie_sandbox)
    veo_task = succeeded_on_sandbox(kie_sandbox, provider="veo")

    assert (jobs_task.archive_state, jobs_task.hd_archive_state) == ("pending", "none")
    assert (veo_task.archive_state, veo_task.hd_archive_state) == ("pending", "pending")
    assert jobs_task.archive_due_at is not None and not jobs_task.video_file


def test_success_is_archived_with_bytes_sha256_poster_duration_and_resolution(kie_sandbox):
    task = archived_on_sandbox(kie_sandbox)

    assert task.archive_state == ArchiveState.DONE
    assert (task.video_bytes, task.video_sha256) == (len(SAMPLE_MP4), SAMPLE_SHA256)
    assert (task.video_duration_seconds, task.video_width, task.video_height) == (3.0, 480, 270)
    assert default_storage.open(task.video_file.name).read() == SAMPLE_MP4
    assert default_storage.open(task.poster_file.name).read()[:3] == b"\xff\xd8\xff"  # JPEG
    assert task.video_file.name == f"videos/{task.public_id}/original.mp4"
    assert (task.archive_error, task.archive_due_at, task.archive_attempts) == ("", None, 1)


def test_the_worker_archives_a_video_as_soon_as_it_succeeds(kie_sandbox):
    task = succeeded_on_sandbox(kie_sandbox)

    sweeper.sweep_once()  # what `db_worker` runs in a loop (and `db_worker --batch` once)

    task.refresh_from_db()
    assert task.archive_state == ArchiveState.DONE and task.video_sha256 == SAMPLE_SHA256


def test_a_failed_copy_is_retried_after_a_back_off(kie, settings):
    settings.ARCHIVE_RETRY_SECONDS = 30
    kie.get(RESULT_URL, status=503)
    _serve_sample(kie)
    task = _pending_task()

    first = archive.archive_due()
    task.refresh_from_db()
    retry_at = task.archive_due_at
    too_early = archive.archive_due(now=retry_at - timedelta(seconds=1))
    second = archive.archive_due(now=retry_at)
    task.refresh_from_db()

    assert "attempt 1 failed" in first[0] and too_early == []
    assert timezone.now() + timedelta(seconds=25) < retry_at
    assert "archived" in second[0]
    assert (task.archive_state, task.archive_attempts, task.archive_error) == ("done", 2, "")


def test_a_failure_note_says_which_attempt_failed_and_why(kie):
    kie.get(RESULT_URL, status=503)
    task = _pending_task()

    archive.archive_due()

    task.refresh_from_db()
    assert task.archive_state == ArchiveState.PENDING
    assert task.archive_error == "Attempt 1 of 8: the server answered HTTP 503."


def test_a_copy_gives_up_after_the_last_attempt(kie, settings):
    settings.ARCHIVE_MAX_ATTEMPTS = 2
    kie.get(RESULT_URL, status=503)
    task = _pending_task(archive_attempts=1)

    archive.archive_due()

    task.refresh_from_db()
    assert (task.archive_state, task.archive_due_at) == ("failed", None)
    assert task.archive_error.startswith("Gave up after 2 attempts: the server answered HTTP 503")


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"content_type": "text/html"}, "the server sent 'text/html', not a video"),
        ({"content_type": "video/mp4", "body": b"<html>not really</html>"}, "not an MP4, MOV"),
        # A playlist FFmpeg would follow to other URLs or files never reaches FFmpeg.
        (
            {"content_type": "video/mp4", "body": b"#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n"},
            "not an MP4",
        ),
    ],
)
def test_something_that_is_not_a_video_is_not_archived(kie, headers, reason):
    kie.get(RESULT_URL, **({"body": SAMPLE_MP4} | headers))
    task = _pending_task()

    archive.archive_due()

    task.refresh_from_db()
    assert task.archive_state == ArchiveState.FAILED and reason in task.archive_error
    assert not task.video_file


@pytest.mark.parametrize(
    ("declared", "reason"),
    [
        (True, f"the file is {len(SAMPLE_MP4):,} bytes; the limit is 50,000 bytes."),
        (False, "the file is larger than the limit of 50,000 bytes."),
    ],
)
def test_a_video_over_the_size_cap_is_not_archived(kie, settings, declared, reason):
    settings.ARCHIVE_MAX_BYTES = 50_000
    _serve_sample(kie, headers={"Content-Length": str(len(SAMPLE_MP4))} if declared else {})
    task = _pending_task()

    archive.archive_due()

    task.refresh_from_db()
    assert task.archive_state == ArchiveState.FAILED
    assert task.archive_error == f"Not archived: {reason}"


def test_only_one_worker_copies_a_video(kie):
    task = _pending_task()
    rival = VideoTask.objects.get(pk=task.pk)

    assert archive._claim(task, archive.ORIGINAL, timezone.now())
    assert archive.archive_one(rival, archive.ORIGINAL, client=kie_client.for_worker()) is None
    assert len(kie.calls) == 0


def test_a_copy_whose_worker_died_is_taken_up_after_its_lease(kie, settings):
    _serve_sample(kie)
    task = _pending_task()
    now = timezone.now()
    archive._claim(task, archive.ORIGINAL, now)  # ...and the worker died mid-copy
    lease_end = task.archive_due_at

    assert archive.archive_due(now=lease_end - timedelta(seconds=1)) == []
    assert "archived" in archive.archive_due(now=lease_end)[0]
    assert lease_end - now == timedelta(seconds=settings.ARCHIVE_TIMEOUT_SECONDS + 60)


def test_veo_1080p_is_archived_once_kie_has_made_it(kie_sandbox):
    kie_sandbox.set_faults(hd_processing_polls=2)
    task = archived_on_sandbox(kie_sandbox, provider="veo")
    processing = (task.hd_archive_state, task.hd_archive_attempts, task.hd_video_url)
    due = task.hd_archive_due_at

    archive.archive_due(now=due)  # Kie: still processing
    task.refresh_from_db()
    archive.archive_due(now=task.hd_archive_due_at)
    task.refresh_from_db()

    assert task.archive_state == ArchiveState.DONE
    assert processing == ("pending", 0, "")
    assert due >= timezone.now() + timedelta(seconds=archive.HD_POLL_SECONDS - 5)
    assert task.hd_archive_state == ArchiveState.DONE
    assert task.hd_video_url.endswith(f"{task.kie_task_id}-1080p.mp4")
    assert (task.hd_video_bytes, task.hd_video_sha256) == (len(SAMPLE_MP4), SAMPLE_SHA256)
    assert task.hd_video_file.name == f"videos/{task.public_id}/1080p.mp4"


def test_veo_1080p_that_never_comes_fails_after_the_wait(kie_sandbox, settings):
    settings.ARCHIVE_HD_WAIT_SECONDS = 60
    kie_sandbox.set_faults(hd_processing_polls=100)
    task = archived_on_sandbox(kie_sandbox, provider="veo")
    VideoTask.objects.filter(pk=task.pk).update(finished_at=timezone.now() - timedelta(hours=1))

    archive.archive_due(now=task.hd_archive_due_at)

    task.refresh_from_db()
    assert task.hd_archive_state == ArchiveState.FAILED
    assert "had not made the 1080p file 1 minutes after" in task.hd_archive_error
    assert task.archive_state == ArchiveState.DONE


def test_archive_now_tries_a_failed_copy_again_with_fresh_attempts(kie):
    _serve_sample(kie)
    task = _pending_task(archive_state=ArchiveState.FAILED, archive_attempts=8, archive_due_at=None)

    scheduled = archive.archive_now(task)
    fresh = (scheduled.archive_state, scheduled.archive_attempts, scheduled.archive_error)
    done = archive.archive_now(task, run=True)

    assert fresh == ("pending", 0, "")
    assert (done.archive_state, done.video_sha256) == ("done", SAMPLE_SHA256)


def test_archive_now_refuses_a_video_that_is_not_finished():
    task = make_video_task(state=State.GENERATING)

    with pytest.raises(NotReady, match="only finished videos are archived"):
        archive.archive_now(task)


def test_retention_deletes_archives_older_than_its_days(kie_sandbox, settings):
    settings.ARCHIVE_RETENTION_DAYS = 30
    old = archived_on_sandbox(kie_sandbox)
    recent = archived_on_sandbox(kie_sandbox)
    VideoTask.objects.filter(pk=old.pk).update(archived_at=timezone.now() - timedelta(days=31))
    old_file = old.video_file.name

    expired = archive_retention.expire_archives()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert expired == [f"{old.public_id} (original)"]
    assert (old.archive_state, old.video_file.name) == ("expired", "")
    assert not default_storage.exists(old_file)
    assert default_storage.exists(old.poster_file.name)  # the poster stays for the lists
    assert recent.archive_state == ArchiveState.DONE


def test_archives_are_kept_until_deleted_by_default(kie_sandbox, settings):
    assert settings.ARCHIVE_RETENTION_DAYS == 0
    task = archived_on_sandbox(kie_sandbox)
    VideoTask.objects.filter(pk=task.pk).update(archived_at=timezone.now() - timedelta(days=999))

    assert archive_retention.expire_archives() == []


def test_staff_can_delete_an_archive(kie_sandbox):
    task = archived_on_sandbox(kie_sandbox)
    name = task.video_file.name

    task = archive_retention.delete_archive(task)

    assert (task.archive_state, task.video_file.name) == ("deleted", "")
    assert not default_storage.exists(name)


def test_a_copy_that_cannot_be_saved_to_storage_is_retried(kie, monkeypatch):
    _serve_sample(kie)
    task = _pending_task()

    def refuse(name, content, max_length=None):
        raise OSError("disk full")

    monkeypatch.setattr(default_storage, "save", refuse)
    archive.archive_due()

    task.refresh_from_db()
    assert task.archive_state == ArchiveState.PENDING
    assert "saving to media storage failed (disk full)" in task.archive_error


def test_retry_waits_double_each_time_up_to_an_hour(settings):
    settings.ARCHIVE_RETRY_SECONDS = 30

    waits = [archive.retry_delay_seconds(attempt) for attempt in range(1, 10)]

    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
