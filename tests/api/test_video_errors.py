"""What the frontend sees when Kie refuses, fails or is slow, and when a download cannot start."""

from __future__ import annotations

import pytest
import responses

from campaigns.models import Product, VideoTask
from kie.sandbox.state import FLAG_3_MESSAGE
from tests.api.sandbox_helpers import (
    image_url,
    poll_until_done,
    start_body,
    start_video,
)
from tests.factories import make_idea, make_video_task
from tests.services.video_stubs import VEO_GENERATE_URL, use_client_without_sleeps

pytestmark = pytest.mark.django_db

INSUFFICIENT = "The current credits are insufficient. Please top up."


@pytest.fixture
def no_retry_wait(monkeypatch):
    """The real client, minus the real sleeps between its retries."""
    use_client_without_sleeps(monkeypatch)


@pytest.mark.parametrize(
    ("kie_code", "status", "code"),
    [(422, 502, "kie_error"), (500, 503, "kie_unavailable"), (402, 402, "insufficient_credits")],
)
def test_kie_chat_error_keeps_the_product_for_a_retry_without_upload(
    api, kie_sandbox, kie_code, status, code
):
    kie_sandbox.set_faults(chat_error={"code": kie_code, "msg": "Gemini refused: image unclear"})

    failed = api.post("/api/ideas", {"imageUrl": image_url(kie_sandbox)}, format="json")

    assert failed.status_code == status
    error = failed.json()["error"]
    assert (error["code"], error["message"], error["kieCode"]) == (
        code,
        "Gemini refused: image unclear",
        kie_code,
    )
    assert Product.objects.filter(pk=error["productId"]).exists()

    kie_sandbox.set_faults(chat_error=None)
    retried = api.post(f"/api/products/{error['productId']}/ideas")

    assert retried.status_code == 201
    assert retried.json()["product"]["id"] == error["productId"]
    assert len(retried.json()["ideas"]) == 10
    assert Product.objects.count() == 1


def test_out_of_credits_is_a_402(api, kie_sandbox, idea_id):
    kie_sandbox.set_faults(create_error={"code": 402, "msg": INSUFFICIENT})

    response = api.post("/api/video", start_body(kie_sandbox, idea_id, "veo3"), format="json")

    assert response.status_code == 402
    assert response.json()["error"]["code"] == "insufficient_credits"
    assert response.json()["error"]["message"] == INSUFFICIENT


def test_kie_429_on_start_answers_202_and_keeps_the_task_for_the_worker(
    api, kie_sandbox, idea_id, no_retry_wait
):
    kie_sandbox.set_faults(create_429=10)

    response = api.post("/api/video", start_body(kie_sandbox, idea_id, "veo3_fast"), format="json")

    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["kieTaskId"], body["error"]) == ("pending", None, None)
    task = VideoTask.objects.get(public_id=body["taskId"])
    assert task.state == VideoTask.State.PENDING and task.submit_attempts == 1
    assert not kie_sandbox.tasks  # Kie rejected it and queued nothing


def test_kies_retry_after_sets_when_the_worker_tries_again(api, no_retry_wait):
    idea = make_idea()
    body = {"ideaId": idea.pk, "model": "veo3_fast", "prompt": "A bottle on a rock."}
    with responses.RequestsMock() as kie:
        kie.post(
            VEO_GENERATE_URL,
            status=429,
            json={"code": 429, "msg": "Too many requests"},
            headers={"Retry-After": "7"},
        )
        response = api.post("/api/video", body, format="json")

    assert response.status_code == 202
    task = VideoTask.objects.get(public_id=response.json()["taskId"])
    wait = (task.next_check_at - task.updated_at).total_seconds()
    assert 6 <= wait <= 8


@pytest.mark.parametrize(
    "model", ["veo3_fast", "kling-2.6/image-to-video", "sora-2-pro-text-to-video"]
)
def test_failed_task_reports_kies_failure_message(api, kie_sandbox, idea_id, model):
    kie_sandbox.set_faults(fail_tasks={"code": 422, "msg": "Invalid prompt: brand names"})

    done, _ = poll_until_done(api, start_video(api, kie_sandbox, idea_id, model))

    assert done["status"] == "failed"
    assert done["error"]["message"] == "Invalid prompt: brand names"
    assert done["videoUrl"] is None


def test_veo_generation_failure_flag_3_is_failed(api, kie_sandbox, idea_id):
    kie_sandbox.set_faults(veo_success_flag_3=True)

    done, _ = poll_until_done(api, start_video(api, kie_sandbox, idea_id, "veo3"))

    assert done["status"] == "failed"
    assert done["error"]["message"] == FLAG_3_MESSAGE
    assert done["videoUrl"] is None


def test_failed_task_can_be_retried_as_a_new_task(api, kie_sandbox, idea_id):
    kie_sandbox.set_faults(fail_tasks={"code": 500, "msg": "Internal error"})
    failed, _ = poll_until_done(api, start_video(api, kie_sandbox, idea_id, "veo3_fast"))
    kie_sandbox.set_faults(fail_tasks=None)

    first = api.post(f"/api/tasks/{failed['taskId']}/retry")
    # A frontend that kept Kie's id retries the same task, and gets the same retry back.
    second = api.post(f"/api/tasks/{failed['kieTaskId']}/retry")

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["retryOf"] == failed["taskId"]
    assert second.json()["taskId"] == first.json()["taskId"] != failed["taskId"]
    assert len(kie_sandbox.tasks) == 2  # the failed job and one retry, never two
    done, _ = poll_until_done(api, first.json())
    assert done["status"] == "success"
    third = api.post(f"/api/tasks/{failed['taskId']}/retry")
    assert third.status_code == 200 and third.json()["taskId"] == first.json()["taskId"]


def test_retrying_a_task_that_does_not_exist_is_a_404(api):
    response = api.post("/api/tasks/vt_doesnotexist0000/retry")

    assert response.status_code == 404


def test_retrying_an_unknown_task_needs_confirmation(api, kie_sandbox, idea_id):
    unknown = make_video_task(state=VideoTask.State.UNKNOWN, kie_task_id="")

    refused = api.post(f"/api/tasks/{unknown.public_id}/retry")
    confirmed = api.post(f"/api/tasks/{unknown.public_id}/retry", {"confirm": True}, format="json")

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "confirmation_required"
    assert "paying twice" in refused.json()["error"]["message"]
    assert confirmed.status_code == 201
    assert confirmed.json()["retryOf"] == unknown.public_id


def test_download_before_success_is_a_409_not_ready(api):
    task = make_video_task(state=VideoTask.State.GENERATING)

    response = api.get("/api/video/download", {"taskId": task.public_id})

    assert response.status_code == 409
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_ready"


def test_download_of_unknown_task_is_a_404(api):
    response = api.get("/api/video/download", {"taskId": "nope", "provider": "veo"})

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("model", "kie_code", "alternatives"),
    [
        # Veo answers 505 "feature disabled"; the product photo rules out text-only models.
        ("veo3", 505, ["veo3_fast", "sora-2-pro-image-to-video", "kling-2.6/image-to-video"]),
        # The Jobs API answers 404 "Model not found".
        ("kling-2.6/image-to-video", 404, ["sora-2-pro-image-to-video", "veo3", "veo3_fast"]),
        ("sora-2-pro-text-to-video", 404, ["veo3", "veo3_fast"]),
    ],
)
def test_model_refused_upstream_is_a_502_naming_alternatives(
    api, kie_sandbox, idea_id, model, kie_code, alternatives
):
    kie_sandbox.set_faults(models_unavailable=[model])

    response = api.post("/api/video", start_body(kie_sandbox, idea_id, model), format="json")

    assert response.status_code == 502
    error = response.json()["error"]
    assert (error["code"], error["kieCode"]) == ("model_unavailable", kie_code)
    assert error["alternatives"] == alternatives
    assert "is unavailable upstream" in error["message"]
    assert all(f"({other})" in error["message"] for other in alternatives)
    assert VideoTask.objects.get(public_id=error["taskId"]).state == VideoTask.State.FAILED


def test_model_not_found_message_alone_is_model_unavailable(api, no_retry_wait):
    body = {"ideaId": make_idea().pk, "model": "veo3_fast", "prompt": "A bottle on a rock."}
    with responses.RequestsMock() as kie:
        kie.post(VEO_GENERATE_URL, json={"code": 422, "msg": "model veo3_fast not found"})
        response = api.post("/api/video", body, format="json")

    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "model_unavailable"
    assert error["message"].startswith("Veo 3.1 Fast is unavailable upstream")
    assert "veo3" in error["alternatives"]


def test_download_from_a_host_outside_kie_media_hosts_is_refused(api):
    task = make_video_task(
        state=VideoTask.State.SUCCESS, result_urls=["https://evil.example.com/v.mp4"]
    )
    with responses.RequestsMock() as media:  # any fetch would fail as unregistered
        response = api.get("/api/video/download", {"taskId": task.kie_task_id})

        assert len(media.calls) == 0
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "media_host_not_allowed"
    assert "evil.example.com" in response.json()["error"]["message"]


@pytest.mark.parametrize("state", [VideoTask.State.SUCCESS, VideoTask.State.GENERATING])
def test_retrying_a_task_that_did_not_fail_is_a_409(api, state):
    task = make_video_task(state=state)

    response = api.post(f"/api/tasks/{task.public_id}/retry")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_retryable"
