from __future__ import annotations

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
import requests
import responses
from django.db import connection
from django.utils import timezone

from campaigns.models import RateLimitSlot, VideoTask
from campaigns.services import polling
from campaigns.services.videos import refresh_status
from tests.factories import make_video_task
from tests.services.kie_stubs import kie_fixture
from tests.services.video_stubs import (
    JOBS_RECORD_URL,
    VEO_RECORD_URL,
    jobs_status,
    veo_status,
)

pytestmark = pytest.mark.django_db

State = VideoTask.State
VIDEO_URL = "https://tempfile.aiquickdraw.com/v/veo_task_abcdef123456.mp4"


def _veo_task(**overrides) -> VideoTask:
    return make_video_task(provider="veo", kie_task_id="veo_task_abcdef123456", **overrides)


@pytest.mark.parametrize("state", [State.SUCCESS, State.FAILED])
def test_terminal_task_is_returned_from_the_database_without_calling_kie(kie, state):
    task = _veo_task(state=state)

    refreshed = refresh_status(task)

    assert refreshed.state == state
    assert len(kie.calls) == 0


@pytest.mark.parametrize("state", [State.PENDING, State.SUBMITTING, State.UNKNOWN])
def test_task_without_kie_id_is_returned_as_is(kie, state):
    task = make_video_task(state=state, kie_task_id="")

    assert refresh_status(task).state == state
    assert len(kie.calls) == 0


def test_a_stale_copy_loses_the_claim_and_answers_the_row(kie):
    task = _veo_task(state=State.GENERATING)
    VideoTask.objects.filter(pk=task.pk).update(state=State.SUCCESS)

    assert refresh_status(task).state == State.SUCCESS
    assert len(kie.calls) == 0


def test_success_stores_result_urls_credits_and_payload(kie):
    answer = kie_fixture("veo_record_info_success")
    answer["data"]["consumeCredits"] = 60
    kie.get(VEO_RECORD_URL, json=answer)
    task = _veo_task(state=State.GENERATING)

    refresh_status(task)

    assert task.state == State.SUCCESS
    assert task.result_urls == [VIDEO_URL]
    assert task.actual_credits == Decimal("60")
    assert task.last_status_payload == answer["data"]
    assert task.finished_at is not None
    assert (task.poll_count, task.last_polled_at is not None) == (1, True)


def test_jobs_failure_stores_fail_code_and_message(kie):
    kie.get(JOBS_RECORD_URL, json=kie_fixture("jobs_record_info_fail"))
    task = make_video_task(provider="jobs", model_id="sora-2-pro-text-to-video", kie_task_id="t1")

    refresh_status(task)

    assert (task.state, task.error_code) == (State.FAILED, "422")
    assert task.error_message == "Invalid prompt: contains restricted content"


def test_veo_generation_failed_flag_3_fails_the_task_with_its_message(kie):
    kie.get(VEO_RECORD_URL, json=kie_fixture("veo_record_info_generation_failed"))
    task = _veo_task(state=State.QUEUED)

    refresh_status(task)

    assert task.state == State.FAILED
    assert task.error_message == "Generation failed"


def test_queued_task_moves_to_generating_then_success(kie):
    kie.get(JOBS_RECORD_URL, json=jobs_status("t1", "generating"))
    kie.get(JOBS_RECORD_URL, json=kie_fixture("jobs_record_info_success"))
    task = make_video_task(provider="jobs", model_id="kling-2.6/image-to-video", kie_task_id="t1")
    start = timezone.now()

    refresh_status(task, now=start)
    assert task.state == State.GENERATING
    refresh_status(task, now=start + timedelta(seconds=6))

    assert task.state == State.SUCCESS
    assert task.result_urls == ["https://tempfile.aiquickdraw.com/k/kling_1.mp4"]


def test_status_call_runs_outside_any_transaction(kie, transactional_db):
    seen = []

    def record_info(request):
        seen.append(connection.in_atomic_block)
        return 200, {}, json.dumps(veo_status("veo_task_abcdef123456", 0))

    kie.add_callback(responses.GET, VEO_RECORD_URL, callback=record_info)
    task = _veo_task(state=State.QUEUED)

    refresh_status(task)

    assert seen == [False]
    assert task.state == State.GENERATING


@pytest.mark.parametrize(
    ("seconds_later", "kie_calls"),
    # The interval counts from Kie's answer, a moment after the first call was claimed.
    [(4, 1), (6, 2)],
    ids=["within-interval-from-database", "after-interval-asks-kie"],
)
def test_a_task_is_polled_at_most_once_per_min_interval(kie, settings, seconds_later, kie_calls):
    settings.KIE_POLL_MIN_INTERVAL = 5
    kie.get(VEO_RECORD_URL, json=veo_status("veo_task_abcdef123456", 0))
    task = _veo_task(state=State.QUEUED)
    start = timezone.now()

    refresh_status(task, now=start)
    refresh_status(task, now=start + timedelta(seconds=seconds_later))

    assert len(kie.calls) == task.poll_count == kie_calls
    assert task.state == State.GENERATING


def test_a_web_poll_without_a_free_turn_leaves_the_task_due_for_the_worker(kie):
    now = time.time()
    RateLimitSlot.objects.bulk_create(  # Kie's status limit used up this very moment
        [RateLimitSlot(bucket="status", slot=n, used_at=now) for n in range(10)]
    )
    task = _veo_task(state=State.GENERATING)

    refresh_status(task)

    assert len(kie.calls) == 0  # nothing was sent
    assert task.state == State.GENERATING
    assert task.next_check_at <= timezone.now() + timedelta(seconds=2)  # when a turn frees


def test_a_poll_within_the_interval_asks_nothing_more(kie, settings, django_assert_num_queries):
    settings.KIE_POLL_MIN_INTERVAL = 5
    task = _veo_task(state=State.GENERATING, last_polled_at=timezone.now())

    with django_assert_num_queries(0):  # the caller has just read the row
        refresh_status(task)

    assert len(kie.calls) == 0


def test_poll_loses_to_another_poller_that_claimed_first(kie):
    task = _veo_task(state=State.QUEUED)
    stale = VideoTask.objects.get(pk=task.pk)
    VideoTask.objects.filter(pk=task.pk).update(last_polled_at=timezone.now())
    # `stale` still holds last_polled_at=None, but the row moved on: the claim must fail.
    assert polling.claim(stale, timezone.now()) is False
    assert len(kie.calls) == 0


def test_transient_error_keeps_the_state_and_notes_it(kie):
    kie.get(VEO_RECORD_URL, body=requests.ConnectionError("reset"))
    task = _veo_task(state=State.GENERATING)

    refreshed = refresh_status(task)

    assert refreshed.state == State.GENERATING
    assert "Last status check" in refreshed.error_message


def test_next_successful_poll_clears_the_noted_error(kie):
    kie.get(VEO_RECORD_URL, json=veo_status("veo_task_abcdef123456", 0))
    task = _veo_task(state=State.GENERATING, error_message="Last status check: timeout")

    refresh_status(task)

    assert task.error_message == ""


def test_kie_without_a_record_of_an_old_task_fails_it_clearly(kie, settings):
    settings.KIE_NOT_FOUND_GRACE_SECONDS = 300
    kie.get(VEO_RECORD_URL, json=kie_fixture("record_is_null"))
    task = _veo_task(state=State.GENERATING, submitted_at=timezone.now() - timedelta(minutes=6))

    refresh_status(task)

    assert task.state == State.FAILED
    assert "no record" in task.error_message
    assert task.error_code == "not_found"


@pytest.mark.parametrize("answer", ["record_is_null", "http_404"])
def test_kie_without_a_record_of_a_young_task_is_only_noted(kie, settings, answer):
    settings.KIE_NOT_FOUND_GRACE_SECONDS = 300
    if answer == "http_404":
        kie.get(VEO_RECORD_URL, status=404, json={"code": 404, "msg": "Not found"})
    else:
        kie.get(VEO_RECORD_URL, json=kie_fixture(answer))
    now = timezone.now()
    task = _veo_task(state=State.QUEUED, submitted_at=now - timedelta(seconds=20))

    refresh_status(task, now=now)

    assert task.state == State.QUEUED
    assert task.error_message.startswith("Last status check:")
    assert task.next_check_at > now  # asked again on the schedule


def test_rejected_api_key_while_polling_keeps_the_task_and_says_why(kie):
    kie.get(VEO_RECORD_URL, json={"code": 401, "msg": "You do not have access permissions"})
    task = _veo_task(state=State.GENERATING)

    refresh_status(task)

    task.refresh_from_db()
    assert task.state == State.GENERATING
    assert "Check KIE_API_KEY" in task.error_message  # the operator's hint, never the key
