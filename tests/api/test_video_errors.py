"""What the frontend sees when Kie refuses, fails or is slow, and when a request is repeated."""

from __future__ import annotations

import pytest
from django.conf import settings

from campaigns.models import Product, VideoTask
from campaigns.services import kie_client
from kie.client import KieClient
from tests.api.sandbox_helpers import (
    create_ideas_from_url,
    image_url,
    poll_until_done,
    start_body,
    start_video,
)
from tests.factories import make_video_task

pytestmark = pytest.mark.django_db

INSUFFICIENT = "The current credits are insufficient. Please top up."


@pytest.fixture
def no_retry_wait(monkeypatch):
    """The real client, minus the real sleeps between its retries."""

    def client() -> KieClient:
        return KieClient(
            api_key=settings.KIE_API_KEY,
            base_url=settings.KIE_BASE_URL,
            upload_base_url=settings.KIE_UPLOAD_BASE_URL,
            sleep=lambda seconds: None,
        )

    monkeypatch.setattr(kie_client, "get_kie_client", client)


@pytest.fixture
def idea_id(api, kie_sandbox) -> int:
    return create_ideas_from_url(api, kie_sandbox)["ideas"][0]["id"]


def _creates(sandbox) -> list[tuple[str, str]]:
    creates = {"/api/v1/veo/generate", "/api/v1/jobs/createTask"}
    return [(method, path) for method, path in sandbox.request_log if path in creates]


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


def test_rate_limited_create_is_a_429_with_retry_after(api, kie_sandbox, idea_id, no_retry_wait):
    kie_sandbox.set_faults(create_429=10)

    response = api.post("/api/video", start_body(kie_sandbox, idea_id, "veo3_fast"), format="json")

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response["Retry-After"]) >= 1


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
    assert done["error"]["message"]


def test_failed_task_can_be_retried_as_a_new_task(api, kie_sandbox, idea_id):
    kie_sandbox.set_faults(fail_tasks={"code": 500, "msg": "Internal error"})
    failed, _ = poll_until_done(api, start_video(api, kie_sandbox, idea_id, "veo3_fast"))
    kie_sandbox.set_faults(fail_tasks=None)

    first = api.post("/api/video/retry", {"id": failed["id"]}, format="json")
    second = api.post(f"/api/tasks/{failed['id']}/retry")

    assert first.status_code == 201 and second.status_code == 201
    assert first.json()["retryOf"] == failed["id"]
    assert first.json()["taskId"] != failed["taskId"]
    done, _ = poll_until_done(api, first.json())
    assert done["status"] == "success"


def test_retrying_an_unknown_task_is_a_404(api):
    response = api.post("/api/video/retry", {"id": 999999}, format="json")

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("model", "options", "field"),
    [
        ("veo3", {"aspect_ratio": "4:3"}, "options.aspect_ratio"),
        ("veo3_fast", {"aspect_ratio": "square"}, "options.aspect_ratio"),
        ("sora-2-pro-image-to-video", {"n_frames": "12"}, "options.n_frames"),
        ("sora-2-pro-text-to-video", {"size": "huge"}, "options.size"),
        ("kling-2.6/image-to-video", {"duration": "7"}, "options.duration"),
        ("kling-2.6/motion-control", {"mode": "4k"}, "options.mode"),
    ],
)
def test_invalid_option_is_a_400_naming_it(api, kie_sandbox, idea_id, model, options, field):
    body = start_body(kie_sandbox, idea_id, model, options=options)
    calls_before = len(kie_sandbox.request_log)

    response = api.post("/api/video", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    # Refused before anything reached Kie: no job, and no Gemini prompt call or upload either.
    assert kie_sandbox.request_log[calls_before:] == []


def test_motion_control_without_a_video_is_a_400_naming_video_url(api, kie_sandbox, idea_id):
    body = {"ideaId": idea_id, "model": "kling-2.6/motion-control"}

    response = api.post("/api/video", body, format="json")

    assert response.status_code == 400
    assert "videoUrl" in response.json()["error"]["fields"]


def test_unknown_model_is_a_400_naming_model(api, kie_sandbox, idea_id):
    response = api.post("/api/video", {"ideaId": idea_id, "model": "dalle"}, format="json")

    assert response.status_code == 400
    assert "model" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"not an image at all", "bottle.png"), (b"GIF89a" + b"\x00" * 20, "bottle.gif")],
)
def test_bad_image_upload_is_a_400_naming_image(api, content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, content, "image/png")

    response = api.post("/api/ideas", {"image": upload}, format="multipart")

    assert response.status_code == 400
    assert "image" in response.json()["error"]["fields"]
    assert not Product.objects.exists()


def test_download_before_success_is_a_409_not_ready(api):
    task = make_video_task(state=VideoTask.State.GENERATING)

    response = api.get("/api/video/download", {"taskId": task.kie_task_id})

    assert response.status_code == 409
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_ready"


def test_download_of_unknown_task_is_a_404(api):
    response = api.get("/api/video/download", {"taskId": "nope", "provider": "veo"})

    assert response.status_code == 404


def test_same_idempotency_key_and_body_returns_the_same_task(api, kie_sandbox, idea_id):
    body = start_body(kie_sandbox, idea_id, "veo3_fast", options={"aspect_ratio": "9:16"})

    first = api.post("/api/video", body, format="json", HTTP_IDEMPOTENCY_KEY="order-42")
    second = api.post("/api/video", body, format="json", HTTP_IDEMPOTENCY_KEY="order-42")

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["taskId"] == first.json()["taskId"]
    assert len(_creates(kie_sandbox)) == 1


def test_same_idempotency_key_with_another_body_is_a_409(api, kie_sandbox, idea_id):
    body = start_body(kie_sandbox, idea_id, "veo3_fast")
    api.post("/api/video", body, format="json", HTTP_IDEMPOTENCY_KEY="order-43")

    other = {**body, "options": {"aspect_ratio": "9:16"}}
    response = api.post("/api/video", other, format="json", HTTP_IDEMPOTENCY_KEY="order-43")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_conflict"
    assert len(_creates(kie_sandbox)) == 1


def test_model_refused_upstream_is_a_502_naming_alternatives(api, kie_sandbox, idea_id):
    kie_sandbox.set_faults(models_unavailable=["veo3"])

    response = api.post("/api/video", start_body(kie_sandbox, idea_id, "veo3"), format="json")

    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "model_unavailable"
    assert "veo3_fast" in error["alternatives"]
    assert "veo3_fast" in error["message"]


def test_retrying_a_task_that_did_not_fail_is_a_409(api):
    task = make_video_task(state=VideoTask.State.SUCCESS)

    response = api.post(f"/api/tasks/{task.pk}/retry")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_retryable"
