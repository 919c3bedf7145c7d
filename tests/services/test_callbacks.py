"""Kie's callbacks: only Kie can send them, they never decide state, duplicates are harmless."""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from campaigns.models import VideoTask
from campaigns.services.callbacks import callback_token
from kie.webhooks import sign_callback
from tests.factories import make_video_task
from tests.services.kie_stubs import kie_fixture
from tests.services.video_stubs import VEO_RECORD_URL, veo_status

pytestmark = pytest.mark.django_db

State = VideoTask.State
HMAC_KEY = "kie-webhook-hmac-key"


def _body(kie_task_id: str) -> dict:
    body = kie_fixture("veo_callback_success")
    body["data"]["taskId"] = kie_task_id
    return body


def _post(task: VideoTask, body: dict, *, token: str | None = None, **headers):
    url = reverse("kie-callback", kwargs={"public_id": task.public_id})
    token = callback_token(task.public_id) if token is None else token
    return APIClient().post(f"{url}?token={token}", body, format="json", **headers)


def _signed(kie_task_id: str, *, at: float | None = None, key: str = HMAC_KEY) -> dict:
    timestamp = str(int(time.time() if at is None else at))
    return {
        "HTTP_X_WEBHOOK_TIMESTAMP": timestamp,
        "HTTP_X_WEBHOOK_SIGNATURE": sign_callback(kie_task_id, timestamp, key),
    }


class Refetches:
    """The re-fetch jobs waiting in django-tasks-db's queue for the worker."""

    def __eq__(self, task_ids: object) -> bool:
        return self.task_ids() == task_ids

    def task_ids(self) -> list[int]:
        jobs = DBTaskResult.objects.filter(task_path="campaigns.tasks.refresh_video_task")
        return [job.args_kwargs["args"][0] for job in jobs.order_by("enqueued_at")]

    def __repr__(self) -> str:
        return repr(self.task_ids())


@pytest.fixture
def refetches() -> Refetches:
    return Refetches()


def test_valid_callback_answers_200_and_queues_a_refetch(
    refetches, django_capture_on_commit_callbacks
):
    task = make_video_task(kie_task_id="veo_task_1", state=State.GENERATING)

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(task, _body("veo_task_1"))

    assert response.status_code == 200
    assert response.json() == {"received": True, "accepted": True}
    assert refetches == [task.pk]
    task.refresh_from_db()
    assert task.state == State.GENERATING  # the body's "success" is never trusted


def test_refetch_job_takes_the_state_from_kie_not_from_the_body(kie):
    from campaigns.tasks import refresh_video_task

    kie.get(VEO_RECORD_URL, json=veo_status("veo_task_1", 2, errorMessage="Unsafe image"))
    task = make_video_task(kie_task_id="veo_task_1", state=State.GENERATING)

    refresh_video_task.call(task.pk)

    task.refresh_from_db()
    assert (task.state, task.error_message) == (State.FAILED, "Unsafe image")


def test_wrong_token_is_refused_without_touching_the_task(refetches):
    task = make_video_task(kie_task_id="veo_task_1")

    response = _post(task, _body("veo_task_1"), token="0" * 64)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "callback_rejected"
    assert refetches == []


def test_a_token_for_another_task_is_refused(refetches):
    task, other = make_video_task(), make_video_task()

    response = _post(task, _body(task.kie_task_id), token=callback_token(other.public_id))

    assert response.status_code == 403


def test_signed_callback_is_accepted_when_kie_signs(
    settings, refetches, django_capture_on_commit_callbacks
):
    settings.KIE_WEBHOOK_HMAC_KEY = HMAC_KEY
    task = make_video_task(kie_task_id="veo_task_1")

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(task, _body("veo_task_1"), **_signed("veo_task_1"))

    assert response.status_code == 200 and refetches == [task.pk]


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(lambda: _signed("veo_task_1", key="not-the-key"), id="bad-signature"),
        pytest.param(lambda: _signed("veo_task_1", at=time.time() - 301), id="stale-timestamp"),
        pytest.param(lambda: _signed("veo_task_1", at=time.time() + 301), id="future-timestamp"),
        pytest.param(lambda: _signed("another_task"), id="signed-for-another-task"),
        pytest.param(lambda: {}, id="unsigned"),
    ],
)
def test_bad_or_stale_signature_is_refused(settings, refetches, headers):
    settings.KIE_WEBHOOK_HMAC_KEY = HMAC_KEY
    task = make_video_task(kie_task_id="veo_task_1")

    response = _post(task, _body("veo_task_1"), **headers())

    assert response.status_code == 401
    assert refetches == []


def test_callback_for_an_unknown_task_is_logged_and_ignored(refetches, caplog):
    ghost = VideoTask(public_id="vt_ffffffffffffffff")

    response = _post(ghost, _body("veo_task_9"))

    assert response.status_code == 200
    assert response.json()["accepted"] is False
    assert refetches == []
    assert "unknown task vt_ffffffffffffffff" in caplog.text


def test_duplicate_callbacks_are_harmless(kie, django_capture_on_commit_callbacks):
    kie.get(VEO_RECORD_URL, json=kie_fixture("veo_record_info_success"))
    task = make_video_task(kie_task_id="veo_task_1", state=State.GENERATING)

    with django_capture_on_commit_callbacks(execute=True):
        first = _post(task, _body("veo_task_1"))
    call_command("db_worker", batch=True, sweep=False, verbosity=0)
    with django_capture_on_commit_callbacks(execute=True):
        second = _post(task, _body("veo_task_1"))
    call_command("db_worker", batch=True, sweep=False, verbosity=0)

    task.refresh_from_db()
    assert (first.status_code, second.status_code) == (200, 200)
    assert task.state == State.SUCCESS
    assert len(kie.calls) == 1  # the second found the task finished: nothing fetched again


def test_callback_naming_another_kie_task_is_ignored(refetches):
    task = make_video_task(kie_task_id="veo_task_1")

    response = _post(task, _body("veo_task_other"))

    assert response.json()["accepted"] is False
    task.refresh_from_db()
    assert task.kie_task_id == "veo_task_1" and refetches == []


@pytest.mark.parametrize("state", [State.UNKNOWN, State.SUBMITTING])
def test_callback_attaches_kies_id_to_a_task_whose_create_answer_was_lost(
    refetches, django_capture_on_commit_callbacks, state
):
    task = make_video_task(kie_task_id="", state=state, error_message="could not tell")

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(task, _body("veo_task_found"))

    task.refresh_from_db()
    assert response.status_code == 200
    assert (task.kie_task_id, task.state, task.error_message) == (
        "veo_task_found",
        State.QUEUED,
        "",
    )
    assert refetches == [task.pk]


def test_callback_body_without_a_task_id_is_a_400(refetches):
    task = make_video_task()

    response = _post(task, {"code": 200, "data": {}})

    assert response.status_code == 400
