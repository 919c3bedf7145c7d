"""The support buttons and list actions on video tasks, against the offline Kie sandbox."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.models import VideoTask
from campaigns.services import videos
from tests.factories import make_idea, make_staff_user, make_video_task
from tests.sandbox_fixtures import create_veo

pytestmark = pytest.mark.django_db

State = VideoTask.State
PROMPT = "A steel bottle on a mossy rock by a waterfall, slow orbit, morning mist."
CHANGELIST = "admin:campaigns_videotask_changelist"


@pytest.fixture(autouse=True)
def _poll_every_time(settings) -> None:
    settings.KIE_POLL_MIN_INTERVAL = 0


def _url(action: str, task: VideoTask) -> str:
    return reverse(f"admin:campaigns_videotask_{action}", args=[task.pk])


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _running_task() -> VideoTask:
    task, _ = videos.start_video(
        user=make_staff_user(), idea_id=make_idea().pk, model_id="veo3_fast", prompt=PROMPT
    )
    return task


def _failed_task(**fields) -> VideoTask:
    defaults = {"state": State.FAILED, "kie_task_id": "", "image_urls": ["https://x.e/a.png"]}
    return make_video_task(**(defaults | fields))


def _action(client, action: str, *tasks: VideoTask, **extra):
    data = {"action": action, "_selected_action": [t.pk for t in tasks], **extra}
    return client.post(reverse(CHANGELIST), data, follow=True)


# --- buttons on the task page ------------------------------------------------------------------


def test_refresh_button_asks_kie_and_reports_the_state(superuser_client, kie_sandbox):
    task = _running_task()

    response = superuser_client.post(_url("refresh", task), follow=True)

    task.refresh_from_db()
    assert (task.poll_count, task.state) == (1, State.GENERATING)
    assert response.redirect_chain[-1][0] == _url("change", task)
    assert any(f"Task {task.public_id} is generating" in m for m in _messages(response))


def test_refresh_button_needs_a_post(superuser_client):
    task = make_video_task()

    assert superuser_client.get(_url("refresh", task)).status_code == 405


def test_retry_button_starts_a_linked_task_and_opens_it(superuser_client, kie_sandbox):
    failed = _failed_task()

    response = superuser_client.post(_url("retry", failed), follow=True)

    retry = VideoTask.objects.get(retry_of=failed)
    assert retry.kie_task_id and retry.state == State.QUEUED
    assert response.redirect_chain[-1][0] == _url("change", retry)
    assert any(f"retried as {retry.public_id}" in m for m in _messages(response))


def test_retry_button_twice_starts_one_job(superuser_client, kie_sandbox):
    failed = _failed_task()

    superuser_client.post(_url("retry", failed))
    second = superuser_client.post(_url("retry", failed), follow=True)

    assert failed.retries.count() == 1 and len(kie_sandbox.tasks) == 1
    assert any("already has a live retry" in m for m in _messages(second))


def test_retrying_an_unknown_task_asks_for_confirmation_first(superuser_client, kie_sandbox):
    unknown = _failed_task(state=State.UNKNOWN, error_message="Kie timed out.")

    page = superuser_client.get(_url("retry", unknown))
    unconfirmed = superuser_client.post(_url("retry", unknown))

    for response in (page, unconfirmed):
        assert response.status_code == 200
        assert "still be running, and billing, at Kie" in response.content.decode()
        assert 'name="confirm" value="yes"' in response.content.decode()
    assert not unknown.retries.exists() and kie_sandbox.tasks == {}


def test_a_confirmed_retry_of_an_unknown_task_starts_it(superuser_client, kie_sandbox):
    unknown = _failed_task(state=State.UNKNOWN)

    response = superuser_client.post(_url("retry", unknown), {"confirm": "yes"}, follow=True)

    retry = VideoTask.objects.get(retry_of=unknown)
    assert retry.state == State.QUEUED
    assert response.redirect_chain[-1][0] == _url("change", retry)


def test_retry_of_a_succeeded_task_is_refused_with_a_message(superuser_client, kie_sandbox):
    done = make_video_task(state=State.SUCCESS)

    response = superuser_client.post(_url("retry", done), follow=True)

    assert not done.retries.exists()
    assert any("succeeded, so there is nothing to retry" in m for m in _messages(response))


def test_attach_kie_id_shows_a_form(superuser_client):
    unknown = _failed_task(state=State.UNKNOWN)

    page = superuser_client.get(_url("attach", unknown)).content.decode()

    assert 'name="kie_task_id"' in page and unknown.public_id in page


def test_attach_kie_id_follows_the_job_kie_has(superuser_client, kie_sandbox):
    unknown = _failed_task(state=State.UNKNOWN)
    kie_id = create_veo(kie_sandbox)

    response = superuser_client.post(_url("attach", unknown), {"kie_task_id": kie_id}, follow=True)

    unknown.refresh_from_db()
    assert unknown.kie_task_id == kie_id
    assert unknown.state in (State.QUEUED, State.GENERATING)
    assert any(f"now follows Kie task {kie_id}" in m for m in _messages(response))


@pytest.mark.parametrize(
    ("kie_id", "error"),
    [("no spaces allowed", "exactly as Kie shows it"), ("veo_task_nowhere", "Kie has no veo task")],
)
def test_attach_kie_id_names_what_is_wrong_on_the_form(
    superuser_client, kie_sandbox, kie_id, error
):
    unknown = _failed_task(state=State.UNKNOWN)

    response = superuser_client.post(_url("attach", unknown), {"kie_task_id": kie_id})

    assert response.status_code == 200
    assert error in str(response.context["form"].errors["kie_task_id"])
    unknown.refresh_from_db()
    assert (unknown.state, unknown.kie_task_id) == (State.UNKNOWN, "")


def test_attach_kie_id_to_a_task_that_is_not_unknown_is_refused(superuser_client, kie_sandbox):
    task = make_video_task(state=State.FAILED)

    response = superuser_client.post(_url("attach", task), {"kie_task_id": "veo_task_x"})

    assert "can only be attached to an unknown task" in response.content.decode()


# --- actions on the list -----------------------------------------------------------------------


def test_refresh_action_brings_tasks_up_to_date(superuser_client, kie_sandbox):
    task = _running_task()

    response = _action(superuser_client, "refresh_from_kie", task)

    task.refresh_from_db()
    assert (task.poll_count, task.state) == (1, State.GENERATING)
    assert any(task.public_id in m for m in _messages(response))


def test_retry_action_retries_failed_tasks_and_reports_refusals(superuser_client, kie_sandbox):
    failed, running = _failed_task(), make_video_task(state=State.GENERATING)

    response = _action(superuser_client, "retry_failed", failed, running)

    retry = VideoTask.objects.get(retry_of=failed)
    assert any(f"retried as {retry.public_id}" in m for m in _messages(response))
    assert any("only failed or unknown" in m for m in _messages(response))


def test_retry_action_confirms_unknown_tasks_on_an_intermediate_page(superuser_client, kie_sandbox):
    failed, unknown = _failed_task(), _failed_task(state=State.UNKNOWN)

    page = _action(superuser_client, "retry_failed", failed, unknown)

    assert b"still be running, and billing, at Kie" in page.content
    assert VideoTask.objects.filter(retry_of__isnull=False).count() == 0
    confirmed = _action(superuser_client, "retry_failed", failed, unknown, confirm="yes")
    assert VideoTask.objects.filter(retry_of__in=[failed, unknown]).count() == 2
    assert confirmed.status_code == 200


# --- the balance, once -------------------------------------------------------------------------


def test_the_balance_is_not_repeated_in_messages_after_an_action(superuser_client, kie_sandbox):
    task = _running_task()

    response = _action(superuser_client, "refresh_from_kie", task)

    assert not any("balance" in m.lower() for m in _messages(response))


def test_archive_now_button_queues_a_fresh_copy_for_the_worker(superuser_client):
    task = make_video_task(
        state=State.SUCCESS,
        provider="jobs",
        model_id="kling-2.6/image-to-video",
        archive_state="failed",
        archive_attempts=8,
        archive_error="The media host answered HTTP 500.",
    )
    page = superuser_client.get(reverse("admin:campaigns_videotask_change", args=[task.pk]))

    response = superuser_client.post(_url("archive", task), follow=True)

    task.refresh_from_db()
    assert _url("archive", task) in page.content.decode()
    assert (task.archive_state, task.archive_attempts, task.archive_error) == ("pending", 0, "")
    assert any("copies its video again" in m for m in _messages(response))


def test_archive_now_is_not_offered_once_the_video_is_archived(superuser_client):
    task = make_video_task(
        state=State.SUCCESS, provider="jobs", model_id="kling-2.6/image-to-video",
        archive_state="done",
    )  # fmt: skip

    page = superuser_client.get(reverse("admin:campaigns_videotask_change", args=[task.pk]))

    assert _url("archive", task) not in page.content.decode()
