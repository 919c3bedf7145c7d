"""Steps of the frontend's flow, driven over HTTP against the offline Kie sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rest_framework.test import APIClient

from tests.factories import image_bytes

SAMPLE_MP4 = (Path(__file__).resolve().parents[2] / "kie/sandbox/media/sample.mp4").read_bytes()
MOTION_MODEL = "kling-2.6/motion-control"
ALL_MODELS = [
    "veo3",
    "veo3_fast",
    "sora-2-pro-image-to-video",
    "sora-2-pro-text-to-video",
    "kling-2.6/image-to-video",
    MOTION_MODEL,
]
VEO_MODELS = {"veo3", "veo3_fast"}


def image_url(sandbox: Any) -> str:
    return f"{sandbox.base_url}/media/poster.jpg"


def reference_video_url(sandbox: Any) -> str:
    return f"{sandbox.base_url}/media/reference-dance.mp4"


def create_ideas_from_url(api: APIClient, sandbox: Any, **fields: Any) -> dict:
    response = api.post("/api/ideas", {"imageUrl": image_url(sandbox), **fields}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def create_ideas_from_upload(api: APIClient, **fields: Any) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    image = SimpleUploadedFile("bottle.png", image_bytes("PNG", (64, 64)), "image/png")
    response = api.post("/api/ideas", {"image": image, **fields}, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()


DEFAULT_PROMPT = "The bottle turns slowly on a mossy rock as morning light sweeps across it."


def start_body(sandbox: Any, idea_id: int, model: str, **fields: Any) -> dict:
    """A start with a prompt of ours: without one the answer is 202 and the worker writes it."""
    body: dict[str, Any] = {"ideaId": idea_id, "model": model, "prompt": DEFAULT_PROMPT, **fields}
    if model == MOTION_MODEL:
        body.setdefault("videoUrl", reference_video_url(sandbox))
    return body


def start_video(api: APIClient, sandbox: Any, idea_id: int, model: str, **fields: Any) -> dict:
    response = api.post("/api/video", start_body(sandbox, idea_id, model, **fields), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def poll_until_done(api: APIClient, task: dict, max_polls: int = 8) -> tuple[dict, list[str]]:
    """GET /api/video until the task is terminal; also returns every status seen."""
    seen: list[str] = []
    params = {"taskId": task["taskId"]}
    for _ in range(max_polls):
        response = api.get("/api/video", params)
        assert response.status_code == 200, response.content
        body = response.json()
        seen.append(body["status"])
        if body["status"] in ("success", "failed"):
            return body, seen
    raise AssertionError(f"task never finished; statuses seen: {seen}")


def read_stream(response: Any) -> bytes:
    """The whole streamed body. The test client closes the response once it is read (with the
    signal that would close the test's database connection switched off): don't close it again."""
    return b"".join(response.streaming_content)
