"""Concurrency that only a real database shows: many pollers, one upstream call (PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from campaigns.models import VideoTask
from campaigns.services import polling, videos
from campaigns.services.task_state import transition
from campaigns.services.videos import refresh_status, start_video
from tests.concurrency import run_together
from tests.factories import make_idea, make_staff_user, make_video_task

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking"),
]

THREADS = 20


def _status_reads(sandbox) -> int:
    return sum(1 for method, path in sandbox.request_log if method == "GET" and "ecord" in path)


def test_twenty_concurrent_polls_make_exactly_one_upstream_call(
    transactional_db, kie_sandbox, monkeypatch
):
    task, _ = start_video(
        user=make_staff_user(), idea_id=make_idea().pk, model_id="veo3_fast", prompt="A bottle."
    )
    # Hold every poller just after it read the row and found it due, so all 20 race to claim.
    all_read = threading.Barrier(THREADS)
    due_check = polling._polled_recently

    def polled_recently_then_wait(task: VideoTask, now: Any) -> bool:
        recent = due_check(task, now)
        all_read.wait(timeout=10)
        return recent

    monkeypatch.setattr(polling, "_polled_recently", polled_recently_then_wait)

    results, errors = run_together(
        lambda _: refresh_status(VideoTask.objects.get(pk=task.pk)), THREADS
    )

    assert errors == []
    assert len(results) == THREADS
    assert _status_reads(kie_sandbox) == 1
    assert VideoTask.objects.get(pk=task.pk).poll_count == 1


def test_concurrent_starts_with_one_key_create_one_job(transactional_db, kie_sandbox, monkeypatch):
    user, idea = make_staff_user(), make_idea()
    # Hold every request after its first look-up for the key, so all of them try to insert.
    all_looked = threading.Barrier(8)
    find_replay = videos._find_replay
    seen = threading.local()

    def find_then_wait(*args: Any) -> VideoTask | None:
        found = find_replay(*args)
        if not getattr(seen, "looked", False):
            seen.looked = True
            all_looked.wait(timeout=10)
        return found

    monkeypatch.setattr(videos, "_find_replay", find_then_wait)

    def start(_: int) -> int:
        task, _ = start_video(
            user=user,
            idea_id=idea.pk,
            model_id="veo3_fast",
            prompt="A bottle.",
            idempotency_key="double-click",
        )
        return task.pk

    results, errors = run_together(start, 8)

    assert errors == []
    assert len(set(results)) == 1
    assert VideoTask.objects.count() == 1
    assert len(kie_sandbox.tasks) == 1


def test_only_one_of_concurrent_transitions_wins(transactional_db):
    task = make_video_task(state=VideoTask.State.GENERATING)
    # Every worker read the row while it was still generating.
    seen = [VideoTask.objects.get(pk=task.pk) for _ in range(10)]

    def finish(index: int) -> bool:
        return transition(seen[index], VideoTask.State.SUCCESS)

    results, errors = run_together(finish, 10)

    assert errors == []
    assert sorted(results) == [False] * 9 + [True]
