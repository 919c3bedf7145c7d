"""The whole frontend flow for every model, over HTTP, against the offline Kie sandbox."""

from __future__ import annotations

import json

import pytest

from campaigns.api.serializers import ModelDescriptionSerializer
from campaigns.models import Idea, IdeaBatch
from tests.api.sandbox_helpers import (
    ALL_MODELS,
    SAMPLE_MP4,
    VEO_MODELS,
    create_ideas_from_upload,
    create_ideas_from_url,
    poll_until_done,
    read_stream,
    start_video,
)

pytestmark = pytest.mark.django_db

TEXT_ONLY_MODEL = "sora-2-pro-text-to-video"

IDEA_KEYS = {
    "id",
    "rank",
    "title",
    "hook",
    "concept",
    "scenes",
    "onScreenText",
    "voiceOver",
    "callToAction",
    "targetAudience",
    "suggestedModel",
    "aspectRatio",
}


def _ideas(api, sandbox, source: str) -> dict:
    if source == "upload":
        return create_ideas_from_upload(api, productName="Trail Bottle", notes="Keeps cold 24 h")
    return create_ideas_from_url(api, sandbox, productName="Trail Bottle", notes="Keeps cold 24 h")


def _assert_photo_reached_kie(sandbox, product: dict, task: dict, source: str) -> None:
    """An upload goes through Kie's file upload once; the video job gets the copy Kie can read."""
    uploads = [path for _, path in sandbox.request_log if path.startswith("/api/file-")]
    if source == "upload":
        assert uploads == ["/api/file-base64-upload"]
        photo = product["kieImageUrl"]
        assert photo.startswith(sandbox.base_url)
    else:
        assert uploads == []
        photo = product["imageUrl"]
    sent = json.dumps(sandbox.tasks[task["kieTaskId"]].request)
    assert (photo in sent) == (task["model"] != TEXT_ONLY_MODEL)


def _download(api, url: str, **headers):
    response = api.get(url, **headers)
    assert response.status_code in (200, 206), response.content
    return response, read_stream(response)


@pytest.mark.parametrize("source", ["url", "upload"])
@pytest.mark.parametrize("model", ALL_MODELS)
def test_photo_to_downloaded_video_for_every_model(api, kie_sandbox, model, source):
    result = _ideas(api, kie_sandbox, source)
    assert result["product"]["name"] == "Trail Bottle"
    assert [idea["rank"] for idea in result["ideas"]] == list(range(1, 11))
    assert IDEA_KEYS <= set(result["ideas"][0])
    idea_id = result["ideas"][0]["id"]

    prompt = api.post("/api/prompts", {"ideaId": idea_id, "model": model}, format="json")
    assert prompt.status_code == 201, prompt.content
    written = prompt.json()
    assert (written["ideaId"], written["model"], written["source"]) == (idea_id, model, "generated")
    assert 0 < len(written["prompt"]) <= written["maxChars"]

    edited = written["prompt"] + " End on the logo."
    task = start_video(api, kie_sandbox, idea_id, model, prompt=edited)
    _assert_photo_reached_kie(kie_sandbox, result["product"], task, source)
    assert task["provider"] == ("veo" if model in VEO_MODELS else "jobs")
    assert (task["model"], task["prompt"], task["videoUrl"]) == (model, edited, None)
    assert task["status"] == "queued" and task["estimatedCredits"] > 0
    assert task["taskId"].startswith("vt_") and task["kieTaskId"] in kie_sandbox.tasks

    done, seen = poll_until_done(api, task)
    assert done["status"] == "success", done
    assert "generating" in seen and done["error"] is None
    assert done["videoUrl"].startswith("http://testserver/api/video/download?taskId=")

    response, body = _download(api, done["videoUrl"])
    assert response.status_code == 200 and body == SAMPLE_MP4
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(SAMPLE_MP4))
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["Content-Disposition"].endswith('.mp4"')


@pytest.mark.parametrize("model", ["veo3_fast", "kling-2.6/image-to-video"])
def test_range_request_answers_206_with_the_exact_slice(api, kie_sandbox, model):
    idea_id = create_ideas_from_url(api, kie_sandbox)["ideas"][0]["id"]
    done, _ = poll_until_done(api, start_video(api, kie_sandbox, idea_id, model))

    response, body = _download(api, done["videoUrl"], HTTP_RANGE="bytes=100-1123")

    assert response.status_code == 206
    assert body == SAMPLE_MP4[100:1124]
    assert response["Content-Range"] == f"bytes 100-1123/{len(SAMPLE_MP4)}"
    assert response["Content-Length"] == "1024"


@pytest.mark.parametrize("model", sorted(VEO_MODELS))
def test_veo_1080p_is_not_ready_while_processing_then_downloads(api, kie_sandbox, model):
    kie_sandbox.set_faults(hd_processing_polls=2)
    idea_id = create_ideas_from_url(api, kie_sandbox)["ideas"][0]["id"]
    done, _ = poll_until_done(api, start_video(api, kie_sandbox, idea_id, model))
    assert "quality=1080p" in done["hdVideoUrl"]

    for _ in range(2):
        response = api.get(done["hdVideoUrl"])
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "not_ready"
        assert int(response["Retry-After"]) > 0

    response, body = _download(api, done["hdVideoUrl"])
    assert response.status_code == 200 and body == SAMPLE_MP4
    assert "1080p" in response["Content-Disposition"]


def test_jobs_models_have_no_1080p_url(api, kie_sandbox):
    idea_id = create_ideas_from_url(api, kie_sandbox)["ideas"][0]["id"]
    task = start_video(api, kie_sandbox, idea_id, "kling-2.6/image-to-video")

    done, _ = poll_until_done(api, task)

    assert done["videoUrl"] and done["hdVideoUrl"] is None


def test_ideas_again_for_a_saved_product_adds_a_new_batch(api, kie_sandbox):
    first = create_ideas_from_url(api, kie_sandbox)
    product_id = first["product"]["id"]

    again = api.post(f"/api/products/{product_id}/ideas")

    assert again.status_code == 201
    assert again.json()["product"]["id"] == product_id
    assert {i["id"] for i in again.json()["ideas"]}.isdisjoint({i["id"] for i in first["ideas"]})
    detail = api.get(f"/api/products/{product_id}").json()
    assert len(detail["ideas"]) == 20


def test_each_batch_of_ideas_is_numbered_and_says_who_asked(api, kie_sandbox, staff_user):
    product_id = create_ideas_from_url(api, kie_sandbox)["product"]["id"]
    api.post(f"/api/products/{product_id}/ideas")

    batches = IdeaBatch.objects.filter(product_id=product_id).order_by("number")
    assert [(b.number, b.created_by) for b in batches] == [(1, staff_user), (2, staff_user)]
    assert sorted({i.batch for i in Idea.objects.filter(product_id=product_id)}) == [1, 2]


def test_credits_and_models_come_from_kie_and_the_registry(api, kie_sandbox):
    credits = api.get("/api/credits").json()
    models = api.get("/api/models").json()

    assert credits["credits"] == kie_sandbox.credits
    assert credits["fetchedAt"]
    assert [m["id"] for m in models] == ALL_MODELS
    assert all(m["available"] for m in models)
    # The schema documents exactly the keys the endpoint answers.
    assert all(set(m) == set(ModelDescriptionSerializer().fields) for m in models)
