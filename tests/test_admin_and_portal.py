"""The admin is where support lives: tasks by Kie id, the credit balance, refresh and retry."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.models import ModelAvailability, VideoTask
from campaigns.services import catalog, videos
from tests.factories import make_idea, make_staff_user, make_video_task
from tests.services.video_stubs import use_client_without_sleeps

pytestmark = pytest.mark.django_db

PROMPT = "A steel bottle on a mossy rock by a waterfall, slow orbit, morning mist."


@pytest.fixture
def staff_client(client):
    client.force_login(make_staff_user(is_superuser=True))
    return client


def _changelist_action(client, action: str, task: VideoTask):
    url = reverse("admin:campaigns_videotask_changelist")
    data = {"action": action, "_selected_action": [task.pk]}
    return client.post(url, data, follow=True)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_task_list_shows_the_kie_credit_balance(staff_client, kie_sandbox):
    make_video_task(kie_task_id="veo_task_findme")

    response = staff_client.get(
        reverse("admin:campaigns_videotask_changelist"), {"q": "veo_task_findme"}
    )

    assert response.status_code == 200
    assert "veo_task_findme" in response.content.decode()
    assert any(f"{kie_sandbox.credits:,} credits" in m for m in _messages(response))


def test_task_list_still_opens_when_kie_is_down(staff_client, settings, monkeypatch):
    use_client_without_sleeps(monkeypatch)
    settings.KIE_BASE_URL = "http://127.0.0.1:9"  # nothing listens on the discard port

    response = staff_client.get(reverse("admin:campaigns_videotask_changelist"))

    assert response.status_code == 200
    assert any("balance unavailable" in m for m in _messages(response))


def test_refresh_action_brings_a_task_up_to_date(staff_client, kie_sandbox, settings):
    settings.KIE_POLL_MIN_INTERVAL = 0
    task, _ = videos.start_video(
        user=make_staff_user(), idea_id=make_idea().pk, model_id="veo3_fast", prompt=PROMPT
    )

    _changelist_action(staff_client, "refresh_from_kie", task)

    task.refresh_from_db()
    assert task.poll_count == 1
    assert task.state == VideoTask.State.GENERATING


def test_retry_action_starts_a_linked_task_and_reports_refusals(staff_client, kie_sandbox):
    user = make_staff_user()
    kie_sandbox.set_faults(fail_tasks={"code": "500", "msg": "Internal server error"})
    failed, _ = videos.start_video(
        user=user, idea_id=make_idea().pk, model_id="veo3_fast", prompt=PROMPT
    )
    VideoTask.objects.filter(pk=failed.pk).update(state=VideoTask.State.FAILED)
    running = make_video_task()
    kie_sandbox.set_faults(fail_tasks=None)

    response = _changelist_action(staff_client, "retry_failed", failed)
    refused = _changelist_action(staff_client, "retry_failed", running)

    retry = VideoTask.objects.get(retry_of=failed)
    assert retry.kie_task_id and retry.state == VideoTask.State.QUEUED
    assert any(f"retried as {retry.public_id}" in m for m in _messages(response))
    assert any("only failed or unknown" in m for m in _messages(refused))


def test_model_availability_offers_registry_models_and_takes_effect(staff_client):
    add_url = reverse("admin:campaigns_modelavailability_add")
    form_page = staff_client.get(add_url).content.decode()

    staff_client.post(
        add_url, {"model_id": "veo3", "is_available": "", "reason": "Retired by Google"}
    )

    assert 'value="kling-2.6/motion-control"' in form_page
    assert ModelAvailability.objects.get(model_id="veo3").is_available is False
    assert catalog.unavailable_models()["veo3"] == "Retired by Google"
