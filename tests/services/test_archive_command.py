"""`manage.py archive_videos`: archive chosen tasks now, or run the due copies and retention."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from campaigns.models import ArchiveState, VideoTask
from tests.archive_helpers import succeeded_on_sandbox
from tests.factories import make_video_task

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("archive_videos", *args, stdout=out)
    return out.getvalue()


def test_archive_videos_copies_a_named_task_again(kie_sandbox):
    task = succeeded_on_sandbox(kie_sandbox)
    VideoTask.objects.filter(pk=task.pk).update(archive_state=ArchiveState.FAILED)

    output = _run(task.public_id)

    task.refresh_from_db()
    assert output.strip() == f"{task.public_id}: original done"
    assert task.archive_state == ArchiveState.DONE


def test_archive_videos_without_ids_makes_the_due_copies(kie_sandbox):
    task = succeeded_on_sandbox(kie_sandbox)

    output = _run()

    assert f"{task.public_id}: original archived" in output
    assert output.strip().endswith("Archive sweep done: 1 change(s).")


def test_archive_videos_refuses_an_unfinished_task():
    task = make_video_task(state=VideoTask.State.GENERATING)

    with pytest.raises(CommandError, match="only finished videos are archived"):
        _run(task.public_id)
