"""The worker's sweep: tasks move on with nobody polling, within Kie's limits, nothing lost."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import RateLimitSlot, VideoPrompt, VideoTask
from campaigns.services import sweeper
from campaigns.services.polling import next_check
from campaigns.services.videos import start_video
from kie.sandbox import RateLimit
from tests.factories import make_idea, make_staff_user, make_video_task
from tests.services.kie_stubs import CHAT_URL, chat_answer
from tests.services.video_stubs import VEO_GENERATE_URL, veo_created

pytestmark = pytest.mark.django_db

State = VideoTask.State
PROMPT = "A steel bottle on a mossy rock by a waterfall, slow orbit, morning mist."


def _start(model_id: str = "kling-2.6/image-to-video", **overrides) -> VideoTask:
    fields = {"user": make_staff_user(), "idea_id": make_idea().pk, "prompt": PROMPT}
    fields.update(overrides)
    task, _ = start_video(model_id=model_id, **fields)
    return task


def _sweep_until(task: VideoTask, done, *, passes: int = 10) -> list[str]:
    """Sweep as the worker would, a little later each time, until `done(task)`."""
    lines: list[str] = []
    now = timezone.now()
    for n in range(passes):
        lines += sweeper.sweep_once(now=now + timedelta(seconds=40 * n)).lines()
        task.refresh_from_db()
        if done(task):
            return lines
    raise AssertionError(f"{task.public_id} stuck in {task.state}: {lines}")


def test_a_task_reaches_success_with_no_client_polling(kie_sandbox):
    task = _start()
    assert task.state == State.QUEUED

    lines = _sweep_until(task, lambda t: t.is_terminal)

    assert task.state == State.SUCCESS
    assert task.result_urls and task.result_urls[0].startswith(kie_sandbox.base_url)
    assert task.actual_credits == Decimal("55")  # Kie's consumeCredits for this Kling job
    assert f"{task.public_id}: generating -> success" in lines
    assert task.next_check_at is None


def test_a_start_without_a_prompt_is_written_then_sent_by_the_worker(kie_sandbox):
    task = _start(prompt=None)
    assert (task.state, task.needs_prompt) == (State.PENDING, True)

    lines = _sweep_until(task, lambda t: t.kie_task_id != "")

    assert task.state == State.QUEUED and not task.needs_prompt
    assert (
        task.prompt
        and task.prompt == kie_sandbox.tasks[task.kie_task_id].request["input"]["prompt"]
    )
    assert VideoPrompt.objects.get(idea=task.idea).text == task.prompt
    assert lines[:2] == [f"{task.public_id}: prompt written", f"{task.public_id}: sent to Kie"]


def test_pending_tasks_are_sent_oldest_first_as_the_limit_allows(kie_sandbox, settings):
    settings.KIE_RATE_LIMITS = {"create": "1/60", "status": "10/1"}
    first, second, third = _start(), _start(), _start()
    assert [t.state for t in (first, second, third)] == [State.QUEUED, State.PENDING, State.PENDING]

    RateLimitSlot.objects.update(used_at=0)  # a minute has passed for the limiter
    report = sweeper.sweep_once(now=timezone.now() + timedelta(seconds=70))

    assert report.submitted == [second.public_id]
    third.refresh_from_db()
    assert third.state == State.PENDING and third.submit_attempts == 2  # at the start, and now


def test_a_prompt_gemini_keeps_refusing_ends_the_task_failed(kie, settings):
    kie.add("POST", CHAT_URL, status=500, json={"code": 500, "msg": "Gemini is overloaded"})
    task = make_video_task(
        idea=make_idea(), state=State.PENDING, kie_task_id="", prompt="", needs_prompt=True
    )
    now = timezone.now()

    for n in range(5):
        sweeper.sweep_once(now=now + timedelta(minutes=n))
    task.refresh_from_db()

    assert (task.state, task.error_code) == (State.FAILED, "prompt_failed")
    assert "Gemini could not write the video prompt" in task.error_message
    assert not any(call.request.url == VEO_GENERATE_URL for call in kie.calls)


def test_a_prompt_written_once_is_not_written_again(kie):
    kie.post(CHAT_URL, json=chat_answer("The bottle spins on a rock."))
    veo_created(kie, "veo_written")
    task = make_video_task(
        idea=make_idea(), state=State.PENDING, kie_task_id="", prompt="", needs_prompt=True
    )

    sweeper.sweep_once()
    sweeper.sweep_once()

    task.refresh_from_db()
    assert (task.state, task.kie_task_id) == (State.QUEUED, "veo_written")
    assert [c.request.url for c in kie.calls] == [CHAT_URL, VEO_GENERATE_URL]


def test_a_submission_whose_process_died_becomes_unknown_with_an_explanation(kie, settings):
    settings.KIE_SUBMITTING_STALE_SECONDS = 180
    lost = make_video_task(state=State.SUBMITTING, kie_task_id="")
    fresh = make_video_task(state=State.SUBMITTING, kie_task_id="")
    VideoTask.objects.filter(pk=lost.pk).update(updated_at=timezone.now() - timedelta(minutes=4))

    report = sweeper.sweep_once()

    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert report.marked_unknown == [lost.public_id]
    assert (lost.state, lost.error_code) == (State.UNKNOWN, "create_outcome_unknown")
    assert "stopped before Kie's answer was saved" in lost.error_message
    assert "may be running and billing" in lost.error_message
    assert fresh.state == State.SUBMITTING
    assert len(kie.calls) == 0  # never sent again


def test_a_task_past_its_deadline_ends_failed_with_timeout(kie):
    now = timezone.now()
    task = make_video_task(
        state=State.GENERATING,
        submitted_at=now - timedelta(minutes=31),
        deadline_at=now - timedelta(minutes=1),
        next_check_at=now + timedelta(hours=1),
    )

    report = sweeper.sweep_once(now=now)

    task.refresh_from_db()
    assert report.timed_out == [task.public_id]
    assert (task.state, task.error_code) == (State.FAILED, "timeout")
    assert "within 30 minutes" in task.error_message


@pytest.mark.parametrize(
    ("age_seconds", "interval"), [(5, 3), (29, 3), (31, 10), (119, 10), (121, 30)]
)
def test_refresh_schedule_backs_off_with_age(age_seconds, interval, settings):
    settings.KIE_POLL_MIN_INTERVAL = 1
    now = timezone.now()
    task = make_video_task(submitted_at=now - timedelta(seconds=age_seconds))

    assert next_check(task, now) == now + timedelta(seconds=interval)


@pytest.mark.parametrize("age_seconds", [5, 31, 121])
def test_refresh_schedule_never_asks_sooner_than_the_poll_interval(age_seconds, settings):
    settings.KIE_POLL_MIN_INTERVAL = 12
    now = timezone.now()
    task = make_video_task(submitted_at=now - timedelta(seconds=age_seconds))

    assert next_check(task, now) >= now + timedelta(seconds=12)


def test_refresh_skips_tasks_not_yet_due(kie):
    now = timezone.now()
    make_video_task(state=State.GENERATING, next_check_at=now + timedelta(seconds=5))

    report = sweeper.sweep_once(now=now)

    assert report.refreshed == 0 and len(kie.calls) == 0


@pytest.mark.serial  # real-time windows: a loaded parallel run adds jitter the test isn't about
def test_many_starts_never_meet_a_429_and_all_reach_kie(kie_sandbox, settings):
    """Scaled down from "60 starts in 10 s": 15 starts against 5 creates per second."""
    settings.KIE_RATE_LIMITS = {"create": "5/1", "status": "10/1"}
    kie_sandbox.set_limits(create=RateLimit(5, 1.0))
    api = APIClient()
    api.force_authenticate(make_staff_user())
    idea = make_idea()

    answers = [
        api.post(
            "/api/video", {"ideaId": idea.pk, "model": "veo3_fast", "prompt": PROMPT}, format="json"
        )
        for _ in range(15)
    ]
    deadline = time.monotonic() + 15
    while VideoTask.objects.filter(kie_task_id="").exists() and time.monotonic() < deadline:
        sweeper.sweep_once()
        time.sleep(0.1)

    assert {a.status_code for a in answers} <= {201, 202}
    assert sum(a.status_code == 201 for a in answers) <= 5
    assert not VideoTask.objects.filter(kie_task_id="").exists()
    stats = kie_sandbox.stats()
    assert stats["totals"]["create"] == {"admitted": 15, "refused": 0}


class _RecordingEvent(threading.Event):
    """A stop flag that records each rest instead of sleeping."""

    def __init__(self) -> None:
        super().__init__()
        self.rests: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.rests.append(timeout)
        return self.is_set()


def test_sweeper_rests_only_after_a_pass_that_found_less_than_a_full_batch():
    loop = sweeper.Sweeper(threads=1, interval_seconds=7)
    loop.stopping = _RecordingEvent()
    found_full_batch = iter([True, True, False, True])

    def one_pass(mapper) -> bool:
        more = next(found_full_batch)
        if not more:
            loop.stop()
        return more

    loop._loop(one_pass)

    assert loop.stopping.rests == [7]
