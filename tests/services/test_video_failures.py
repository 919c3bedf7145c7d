"""Starting a video when Kie refuses or does not answer, and retrying a failed task."""

from __future__ import annotations

import pytest
import requests

from campaigns.models import VideoTask
from campaigns.services.errors import (
    InsufficientCredits,
    KieUnavailable,
    ModelUnavailable,
    RateLimited,
)
from campaigns.services.videos import TaskNotRetryable, retry_task
from tests.factories import make_staff_user, make_video_task
from tests.services.kie_stubs import kie_fixture, sent_json
from tests.services.video_stubs import VEO_GENERATE_URL, start, veo_created

pytestmark = pytest.mark.django_db

State = VideoTask.State


# --- Kie refusing or not answering ------------------------------------------------------------


def test_insufficient_credits_fails_the_task(kie):
    kie.post(VEO_GENERATE_URL, json=kie_fixture("insufficient_credits"))

    with pytest.raises(InsufficientCredits) as caught:
        start()

    task = VideoTask.objects.get()
    assert (task.state, task.error_code) == (State.FAILED, "402")
    assert "top up" in task.error_message
    assert caught.value.extra["taskId"] == task.pk


def test_rate_limited_start_fails_the_task_and_says_retry_later(kie):
    kie.post(VEO_GENERATE_URL, status=429, json={"code": 429, "msg": "Too many requests"})

    with pytest.raises(RateLimited):
        start()

    assert VideoTask.objects.get().state == State.FAILED


def test_read_timeout_marks_task_unknown_and_never_sends_twice(kie):
    kie.post(VEO_GENERATE_URL, body=requests.ReadTimeout("read timed out"))

    with pytest.raises(KieUnavailable) as caught:
        start()

    task = VideoTask.objects.get()
    assert task.state == State.UNKNOWN
    assert "did not answer within the read timeout" in task.error_message
    assert len(kie.calls) == 1
    assert caught.value.message.startswith(
        f"We could not tell whether Kie.ai started task {task.pk}"
    )
    assert "marked unknown" in caught.value.message


def test_model_unavailable_upstream_names_alternatives(kie, settings):
    settings.KIE_UNAVAILABLE_MODELS = {"kling-2.6/image-to-video": "Retired"}
    kie.post(VEO_GENERATE_URL, json={"code": 404, "msg": "Model not found", "data": None})

    with pytest.raises(ModelUnavailable) as caught:
        start(model_id="veo3_fast")

    message = caught.value.message
    assert message.startswith("Veo 3.1 Fast is unavailable upstream (Kie: Model not found).")
    assert "Veo 3.1 Quality (veo3)" in message
    assert "veo3" in caught.value.extra["alternatives"]
    assert "kling-2.6/image-to-video" not in caught.value.extra["alternatives"]
    assert VideoTask.objects.get().state == State.FAILED


# --- retry ---------------------------------------------------------------------------------------


def test_retry_starts_a_linked_task_with_the_same_request(kie):
    kie.post(VEO_GENERATE_URL, json=kie_fixture("insufficient_credits"))
    veo_created(kie, "veo_retry")
    user = make_staff_user()
    with pytest.raises(InsufficientCredits):
        start(user=user, options={"aspect_ratio": "9:16"}, image_urls=["https://x.example/a.png"])
    failed = VideoTask.objects.get()

    retried = retry_task(failed, user=user)

    assert retried.pk != failed.pk
    assert (retried.retry_of_id, retried.state, retried.kie_task_id) == (
        failed.pk,
        State.QUEUED,
        "veo_retry",
    )
    assert sent_json(kie.calls[1]) == sent_json(kie.calls[0])
    assert (retried.prompt, retried.options) == (failed.prompt, failed.options)


@pytest.mark.parametrize("state", [State.SUBMITTING, State.QUEUED, State.GENERATING, State.SUCCESS])
def test_only_failed_or_unknown_tasks_can_be_retried(kie, state):
    task = make_video_task(state=state)

    with pytest.raises(TaskNotRetryable, match=str(state)):
        retry_task(task, user=make_staff_user())

    assert len(kie.calls) == 0
