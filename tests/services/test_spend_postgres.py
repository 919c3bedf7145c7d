"""Spend control under real concurrency: one Kie job for many retries, no squeezing past limits."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from campaigns.models import VideoTask
from campaigns.services import videos
from campaigns.services.errors import BudgetExceeded
from tests.concurrency import run_together
from tests.factories import make_idea, make_staff_user, make_video_task

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking"),
]

THREADS = 10


def test_ten_concurrent_retries_of_one_failed_task_start_one_kie_job(kie_sandbox, monkeypatch):
    failed = make_video_task(
        state=VideoTask.State.FAILED, kie_task_id="", image_urls=["https://x.example/a.png"]
    )
    users = [make_staff_user() for _ in range(THREADS)]
    # Hold every retry after it passed the checks, so all ten race to record a retry row.
    all_checked = threading.Barrier(THREADS)
    from_task = videos.requests_.from_task

    def from_task_then_wait(task: VideoTask, *, client: Any) -> Any:
        request = from_task(task, client=client)
        all_checked.wait(timeout=10)
        return request

    monkeypatch.setattr(videos.requests_, "from_task", from_task_then_wait)

    def retry(index: int) -> tuple[int, bool]:
        task = VideoTask.objects.get(pk=failed.pk)
        retried, created = videos.retry_task(task, user=users[index])
        return retried.pk, created

    results, errors = run_together(retry, THREADS)

    assert errors == []
    assert len({pk for pk, _ in results}) == 1
    assert sorted(created for _, created in results) == [False] * (THREADS - 1) + [True]
    assert failed.retries.count() == 1
    assert len(kie_sandbox.tasks) == 1


def test_concurrent_starts_cannot_both_fit_the_last_credits_of_the_day(kie_sandbox, settings):
    settings.USER_DAILY_CREDIT_LIMIT = 100  # room for one 60-credit job, not two
    user, idea = make_staff_user(), make_idea()

    def start(_: int) -> str:
        try:
            videos.start_video(user=user, idea_id=idea.pk, model_id="veo3_fast", prompt="A bottle.")
        except BudgetExceeded:
            return "refused"
        return "started"

    results, errors = run_together(start, THREADS)

    assert errors == []
    assert sorted(results) == ["refused"] * (THREADS - 1) + ["started"]
    assert len(kie_sandbox.tasks) == 1
