"""Starting a video when Kie refuses or does not answer, and retrying a failed task."""

from __future__ import annotations

import pytest
import requests

from campaigns.models import VideoTask
from campaigns.services.errors import (
    InsufficientCredits,
    KieUnavailable,
    ModelUnavailable,
)
from campaigns.services.videos import ConfirmationRequired, TaskNotRetryable, retry_task
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
    assert caught.value.extra["taskId"] == task.public_id


def test_rate_limited_start_stays_pending_for_the_worker(kie):
    kie.post(VEO_GENERATE_URL, status=429, json={"code": 429, "msg": "Too many requests"})

    task, created = start()

    assert created and len(kie.calls) == 1  # one attempt: a web request never waits
    task.refresh_from_db()
    assert (task.state, task.submit_attempts, task.kie_task_id) == (State.PENDING, 1, "")


def test_start_without_a_rate_limit_token_never_calls_kie(kie, settings):
    settings.KIE_RATE_LIMITS = {"create": "1/60", "status": "10/1"}
    veo_created(kie, "veo_first")

    first, _ = start()
    second, _ = start()

    assert (first.state, second.state) == (State.QUEUED, State.PENDING)
    assert len(kie.calls) == 1


def test_read_timeout_marks_task_unknown_and_never_sends_twice(kie):
    kie.post(VEO_GENERATE_URL, body=requests.ReadTimeout("read timed out"))

    with pytest.raises(KieUnavailable) as caught:
        start()

    task = VideoTask.objects.get()
    assert (task.state, task.error_code) == (State.UNKNOWN, "create_outcome_unknown")
    assert "did not answer within the read timeout" in task.error_message
    assert "may be running and billing" in task.error_message
    assert len(kie.calls) == 1
    assert caught.value.message == task.error_message


@pytest.mark.parametrize("status", [502, 504])
def test_gateway_error_on_create_is_unknown_not_failed(kie, status):
    kie.post(VEO_GENERATE_URL, status=status, body="<html>Bad Gateway</html>")

    with pytest.raises(KieUnavailable):
        start()

    task = VideoTask.objects.get()
    assert task.state == State.UNKNOWN
    assert "Retrying may pay for the video twice" in task.error_message


def test_kies_own_500_on_create_is_failed(kie):
    kie.post(VEO_GENERATE_URL, json={"code": 500, "msg": "Internal error", "data": None})

    with pytest.raises(KieUnavailable):
        start()

    assert VideoTask.objects.get().state == State.FAILED


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

    retried, created = retry_task(failed, user=user)

    assert created and retried.pk != failed.pk
    assert (retried.retry_of_id, retried.state, retried.kie_task_id) == (
        failed.pk,
        State.QUEUED,
        "veo_retry",
    )
    assert sent_json(kie.calls[1]) == sent_json(kie.calls[0])
    assert (retried.prompt, retried.options) == (failed.prompt, failed.options)
    assert (retried.image_urls, retried.video_urls) == (failed.image_urls, failed.video_urls)


def test_second_retry_of_a_failed_task_answers_the_live_retry(kie):
    veo_created(kie, "veo_retry")
    failed = make_video_task(state=State.FAILED, image_urls=["https://x.example/a.png"])
    user = make_staff_user()

    first, first_created = retry_task(failed, user=user)
    second, second_created = retry_task(failed, user=user)

    assert (first_created, second_created) == (True, False)
    assert second.pk == first.pk
    assert len(kie.calls) == 1


def test_a_failed_retry_can_be_retried_again_from_the_original(kie):
    kie.post(VEO_GENERATE_URL, json=kie_fixture("insufficient_credits"))
    veo_created(kie, "veo_second")
    failed = make_video_task(state=State.FAILED, image_urls=["https://x.example/a.png"])
    user = make_staff_user()
    with pytest.raises(InsufficientCredits):
        retry_task(failed, user=user)

    again, created = retry_task(failed, user=user)

    assert created and again.kie_task_id == "veo_second"
    assert failed.retries.count() == 2


@pytest.mark.parametrize("state", [State.PENDING, State.SUBMITTING, State.QUEUED, State.GENERATING])
def test_only_failed_or_unknown_tasks_can_be_retried(kie, state):
    task = make_video_task(state=state)

    with pytest.raises(TaskNotRetryable, match=str(state)):
        retry_task(task, user=make_staff_user())

    assert len(kie.calls) == 0


def test_a_task_that_succeeded_cannot_be_retried(kie):
    task = make_video_task(state=State.SUCCESS)

    with pytest.raises(TaskNotRetryable, match="new video"):
        retry_task(task, user=make_staff_user())


def test_retrying_an_unknown_task_needs_confirmation(kie):
    veo_created(kie, "veo_again")
    task = make_video_task(state=State.UNKNOWN, kie_task_id="", image_urls=["https://x.e/a.png"])

    with pytest.raises(ConfirmationRequired):
        retry_task(task, user=make_staff_user())
    retried, created = retry_task(task, user=make_staff_user(), confirm=True)

    assert created and retried.kie_task_id == "veo_again"
