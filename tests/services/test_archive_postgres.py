"""Concurrent archive loops copy each video once (PostgreSQL: real concurrent connections)."""

from __future__ import annotations

import pytest
from django.db import connection

from campaigns.models import VideoTask
from campaigns.services import archive
from tests.api.sandbox_helpers import SAMPLE_MP4
from tests.archive_helpers import succeeded_on_sandbox
from tests.concurrency import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections"),
]


def test_ten_concurrent_archive_loops_copy_a_video_once(transactional_db, kie_sandbox):
    task = succeeded_on_sandbox(kie_sandbox)
    copies_before = len(kie_sandbox.request_log)

    results, errors = run_together(lambda _: archive.archive_due(), 10)

    assert errors == []
    assert sum(len(lines) for lines in results) == 1
    media_gets = [p for _, p in kie_sandbox.request_log[copies_before:] if p.startswith("/media/")]
    assert media_gets == [f"/media/{task.kie_task_id}.mp4"]
    task.refresh_from_db()
    assert (task.archive_state, task.archive_attempts, task.video_bytes) == (
        "done",
        1,
        len(SAMPLE_MP4),
    )
    assert VideoTask.objects.filter(archive_state="pending").count() == 0
