"""The API's side of archiving: task fields, downloads from the archive, reference checks."""

from __future__ import annotations

import pytest

from campaigns.services import sweeper
from tests.api.sandbox_helpers import (
    MOTION_MODEL,
    SAMPLE_MP4,
    create_ideas_from_upload,
    poll_until_done,
    read_stream,
    start_body,
    start_video,
)
from tests.archive_helpers import stored_archive
from tests.media_clips import mp4_bytes

VIDEO = bytes(range(256)) * 400


def _body(response) -> bytes:
    return read_stream(response) if response.streaming else response.content


def test_api_download_serves_the_archive_with_range_206_and_416(api):
    task = stored_archive(VIDEO)
    query = {"taskId": task.public_id}

    partial = api.get("/api/video/download", query, HTTP_RANGE="bytes=10-19")
    refused = api.get("/api/video/download", query, HTTP_RANGE="bytes=999999-")

    assert partial.status_code == 206 and _body(partial) == VIDEO[10:20]
    assert partial["Content-Disposition"].startswith("attachment;")
    assert refused.status_code == 416 and refused["Content-Range"] == f"bytes */{len(VIDEO)}"
    assert refused.json()["error"]["code"] == "range_not_satisfiable"


def test_api_download_answers_304_to_a_matching_etag(api):
    task = stored_archive(VIDEO)

    response = api.get(
        "/api/video/download",
        {"taskId": task.public_id},
        HTTP_IF_NONE_MATCH=f'"{task.video_sha256}"',
    )

    assert response.status_code == 304


@pytest.mark.parametrize("model", ["kling-2.6/image-to-video", "veo3_fast"])
def test_a_finished_task_shows_its_archive_poster_and_facts(api, kie_sandbox, idea_id, model):
    started = start_video(api, kie_sandbox, idea_id, model)
    before, _ = poll_until_done(api, started)
    sweeper.sweep_once()  # the worker's pass

    after = api.get("/api/video", {"taskId": started["taskId"]}).json()

    assert before["archive"]["status"] == "pending" and before["posterUrl"] is None
    assert after["archive"]["status"] == "done" and after["archive"]["error"] is None
    assert after["archive"]["bytes"] == len(SAMPLE_MP4) and len(after["archive"]["sha256"]) == 64
    assert (after["durationSeconds"], after["width"], after["height"]) == (3.0, 480, 270)
    assert after["posterUrl"].endswith(f"/media/tasks/{started['taskId']}/poster")
    if model == "veo3_fast":  # Kie is still making the 1080p file (the sandbox's first answers)
        assert after["hdArchive"]["status"] == "pending"
    else:
        assert after["hdArchive"] is None


def test_an_uploaded_product_photo_is_offered_at_the_staff_only_url(api, kie_sandbox):
    product = create_ideas_from_upload(api)["product"]

    assert product["imageUrl"] == f"http://testserver/media/products/{product['id']}/image"


# --- Motion-control reference videos, checked before anything reaches Kie -------------------


@pytest.mark.parametrize(
    ("seconds", "options", "message"),
    [
        (31, {}, "31 s long; with character_orientation 'video'"),
        (11, {"character_orientation": "image"}, "11 s long; with character_orientation 'image'"),
        (2, {}, "2 s long; Kling 2.6 Motion Control needs at least 3 s"),
    ],
)
def test_a_reference_video_of_the_wrong_length_is_refused_before_any_kie_call(
    api, kie_sandbox, clip_server, seconds, options, message
):
    idea_id = create_ideas_from_upload(api)["ideas"][0]["id"]
    url = clip_server.add("/dance.mp4", mp4_bytes(seconds))
    calls_before = len(kie_sandbox.request_log)

    response = api.post(
        "/api/video",
        start_body(kie_sandbox, idea_id, MOTION_MODEL, videoUrl=url, options=options),
        format="json",
    )

    assert response.status_code == 400
    assert message in response.json()["error"]["fields"]["videoUrl"]
    assert kie_sandbox.request_log[calls_before:] == []


@pytest.mark.parametrize("with_length", [True, False])
def test_a_reference_video_over_100_mb_is_refused_before_any_kie_call(
    api, kie_sandbox, clip_server, monkeypatch, with_length
):
    monkeypatch.setattr("campaigns.services.reference_videos.MAX_BYTES", 2000)
    idea_id = create_ideas_from_upload(api)["ideas"][0]["id"]
    clip_server.with_length = with_length
    url = clip_server.add("/big.mp4", mp4_bytes(5))
    calls_before = len(kie_sandbox.request_log)

    response = api.post(
        "/api/video", start_body(kie_sandbox, idea_id, MOTION_MODEL, videoUrl=url), format="json"
    )

    assert response.status_code == 400
    problem = response.json()["error"]["fields"]["videoUrl"]
    assert problem.startswith("The reference video is too big for Kling 2.6 Motion Control")
    assert "2,000 bytes" in problem
    assert kie_sandbox.request_log[calls_before:] == []


def test_a_reference_that_is_not_a_video_is_refused(api, kie_sandbox, clip_server, idea_id):
    url = clip_server.add("/page.mp4", b"<html>Sign in to view this video</html>", "text/html")

    response = api.post(
        "/api/video", start_body(kie_sandbox, idea_id, MOTION_MODEL, videoUrl=url), format="json"
    )

    assert response.status_code == 400
    assert "not a video" in response.json()["error"]["fields"]["videoUrl"]


def test_a_reference_video_that_fits_starts_the_job(api, kie_sandbox, clip_server, idea_id):
    url = clip_server.add("/dance.mp4", mp4_bytes(9))

    task = start_video(
        api,
        kie_sandbox,
        idea_id,
        MOTION_MODEL,
        videoUrl=url,
        options={"character_orientation": "image"},
    )

    assert task["status"] == "queued" and clip_server.requests == ["/dance.mp4"]


def test_the_sandbox_reference_video_is_a_reference_kie_takes(kie_sandbox):
    from campaigns.services.reference_videos import check_reference_video
    from kie.registry import get_model
    from tests.api.sandbox_helpers import reference_video_url

    facts = check_reference_video(
        reference_video_url(kie_sandbox), model=get_model(MOTION_MODEL), orientation="image"
    )

    assert facts.duration_seconds == 3.0  # the shortest Kie accepts: tests rely on it fitting
