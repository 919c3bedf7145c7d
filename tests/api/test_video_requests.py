"""What the API does with the request itself: refusing bad input early, and Idempotency-Key."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from campaigns.models import Product, VideoTask
from tests.api.sandbox_helpers import start_body

pytestmark = pytest.mark.django_db


def _creates(sandbox) -> list[tuple[str, str]]:
    creates = {"/api/v1/veo/generate", "/api/v1/jobs/createTask"}
    return [(method, path) for method, path in sandbox.request_log if path in creates]


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


def test_same_idempotency_key_and_body_returns_the_same_task(api, kie_sandbox, idea_id):
    body = start_body(kie_sandbox, idea_id, "veo3_fast", options={"aspect_ratio": "9:16"})

    first = api.post("/api/video", body, format="json", HTTP_IDEMPOTENCY_KEY="order-42")
    second = api.post("/api/video", body, format="json", HTTP_IDEMPOTENCY_KEY="order-42")

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["taskId"] == first.json()["taskId"]
    assert second.json()["kieTaskId"] == first.json()["kieTaskId"]
    assert len(_creates(kie_sandbox)) == 1


def test_same_idempotency_key_with_another_body_is_a_409(api, kie_sandbox, idea_id):
    body = start_body(kie_sandbox, idea_id, "veo3_fast")
    api.post("/api/video", body, format="json", HTTP_IDEMPOTENCY_KEY="order-43")

    other = {**body, "options": {"aspect_ratio": "9:16"}}
    response = api.post("/api/video", other, format="json", HTTP_IDEMPOTENCY_KEY="order-43")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_conflict"
    assert len(_creates(kie_sandbox)) == 1


def test_user_prompt_over_klings_limit_is_a_400_before_anything_reaches_kie(
    api, kie_sandbox, idea_id
):
    body = start_body(kie_sandbox, idea_id, "kling-2.6/image-to-video", prompt="x" * 1001)
    calls_before = len(kie_sandbox.request_log)

    response = api.post("/api/video", body, format="json")

    assert response.status_code == 400
    assert "1,000 characters" in response.json()["error"]["fields"]["prompt"]
    assert kie_sandbox.request_log[calls_before:] == []


def test_options_speak_the_apis_camel_case_both_ways(api, kie_sandbox, idea_id):
    body = start_body(kie_sandbox, idea_id, "sora-2-pro-image-to-video", options={"nFrames": "15"})

    task = api.post("/api/video", body, format="json").json()
    sent = kie_sandbox.tasks[task["kieTaskId"]].request["input"]
    models = {m["id"]: m for m in api.get("/api/models").json()}

    assert sent["n_frames"] == "15"  # Kie gets its own name
    assert task["options"]["nFrames"] == "15" and "n_frames" not in task["options"]
    assert {o["name"] for o in models["sora-2-pro-image-to-video"]["options"]} >= {
        "aspectRatio",
        "nFrames",
        "removeWatermark",
    }


def test_a_bad_camel_case_option_is_named_as_written(api, kie_sandbox, idea_id):
    body = start_body(kie_sandbox, idea_id, "veo3_fast", options={"aspectRatio": "1:1"})

    response = api.post("/api/video", body, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["options.aspectRatio"]


def test_an_international_image_url_is_sent_to_kie_in_ascii(api, kie_sandbox):
    body = {"imageUrl": "https://bücher.example/fotos/flasche_grün.png"}

    response = api.post("/api/ideas", body, format="json")

    product = response.json()["product"]
    assert response.status_code == 201
    assert product["imageUrl"] == ("https://xn--bcher-kva.example/fotos/flasche_gr%C3%BCn.png")
    assert product["name"] == "Flasche grün"


@pytest.mark.parametrize(
    "url",
    ["https://user:secret@cdn.example/p.png", "https://cdn.example\\@evil.example/p.png"],
)
def test_an_ambiguous_image_url_is_refused_naming_the_field(api, url):
    response = api.post("/api/ideas", {"imageUrl": url}, format="json")

    assert response.status_code == 400
    assert "imageUrl" in response.json()["error"]["fields"]


def test_a_replay_after_a_queued_start_answers_the_same_live_task(api, kie_sandbox, idea_id):
    kie_sandbox.set_faults(create_429=1)  # Kie refuses the first create: the start waits
    body = start_body(kie_sandbox, idea_id, "veo3_fast")

    first = api.post("/api/video", body, format="json", HTTP_IDEMPOTENCY_KEY="order-77")
    VideoTask.objects.update(next_check_at=timezone.now())  # its retry time has come
    call_command("db_worker", batch=True, verbosity=0)  # the worker sends it meanwhile
    again = api.post("/api/video", body, format="json", HTTP_IDEMPOTENCY_KEY="order-77")

    assert (first.status_code, first.json()["status"]) == (202, "pending")
    assert again.status_code == 200
    assert again.json()["taskId"] == first.json()["taskId"]
    assert again.json()["kieTaskId"] in kie_sandbox.tasks and len(kie_sandbox.tasks) == 1
