from __future__ import annotations

import inspect

import pytest
import requests

from campaigns.models import VideoTask
from campaigns.services.downloads import CHUNK_BYTES, open_download
from campaigns.services.errors import KieUnavailable, NotReady, ValidationFailed
from campaigns.services.media import MediaExpired, MediaHostNotAllowed, RangeNotSatisfiable
from tests.factories import make_product, make_video_task
from tests.services.kie_stubs import kie_fixture
from tests.services.video_stubs import (
    MEDIA,
    VEO_1080P_URL,
    envelope,
)

pytestmark = pytest.mark.django_db

State = VideoTask.State
VIDEO_URL = f"{MEDIA}/v/result.mp4"
HD_URL = f"{MEDIA}/v/result-1080p.mp4"
VIDEO = bytes(range(256)) * 1024  # 256 KiB


def _done_task(**overrides) -> VideoTask:
    fields = {"state": State.SUCCESS, "result_urls": [VIDEO_URL], "kie_task_id": "veo_1"}
    fields.update(overrides)
    return make_video_task(**fields)


@pytest.mark.parametrize(
    "state", [State.SUBMITTING, State.QUEUED, State.GENERATING, State.FAILED, State.UNKNOWN]
)
def test_download_before_success_is_not_ready(kie, state):
    task = _done_task(state=state)

    with pytest.raises(NotReady, match=str(state)):
        open_download(task)

    assert len(kie.calls) == 0


def test_download_streams_the_video_in_chunks(kie):
    kie.get(
        VIDEO_URL, body=VIDEO, content_type="video/mp4", headers={"Content-Length": str(len(VIDEO))}
    )
    task = _done_task()

    download = open_download(task)
    chunks = list(download.chunks)

    assert download.status == 200
    assert b"".join(chunks) == VIDEO
    assert len(chunks) > 1 and max(len(chunk) for chunk in chunks) <= CHUNK_BYTES
    assert (download.content_type, download.content_length) == ("video/mp4", len(VIDEO))
    assert kie.calls[0].request.url == VIDEO_URL  # the URL Kie returned for this task


def test_range_header_is_passed_upstream_and_206_returned(kie):
    kie.get(
        VIDEO_URL,
        status=206,
        body=VIDEO[100:200],
        headers={"Content-Range": f"bytes 100-199/{len(VIDEO)}"},
        content_type="video/mp4",
    )
    task = _done_task()

    download = open_download(task, range_header="bytes=100-199")

    assert kie.calls[0].request.headers["Range"] == "bytes=100-199"
    assert (download.status, download.content_range) == (206, f"bytes 100-199/{len(VIDEO)}")
    assert b"".join(download.chunks) == VIDEO[100:200]


def test_generic_content_type_is_served_as_mp4(kie):
    kie.get(VIDEO_URL, body=VIDEO, content_type="application/octet-stream")

    assert open_download(_done_task()).content_type == "video/mp4"


def test_filename_names_product_model_and_task(kie):
    kie.get(VIDEO_URL, body=VIDEO)
    task = _done_task(
        product=make_product(name="Trail Bottle 750"), model_id="kling-2.6/motion-control"
    )

    download = open_download(task)

    assert download.filename == f"trail-bottle-750-kling-2-6-motion-control-{task.public_id}.mp4"


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com/v.mp4",
        "http://media.kie.invalid@evil.example.com/v.mp4",
        "http://media.kie.invalid.evil.example.com/v.mp4",
        "ftp://media.kie.invalid/v.mp4",
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_url_outside_kie_media_hosts_is_refused_without_a_request(kie, url):
    task = _done_task(result_urls=[url])

    with pytest.raises(MediaHostNotAllowed) as caught:
        open_download(task)

    assert (caught.value.http_status, caught.value.code) == (502, "media_host_not_allowed")
    assert len(kie.calls) == 0


def test_download_takes_no_url_from_the_caller():
    # The only inputs are the task (whose URLs came from Kie), the quality, the Range header and
    # the Kie client to ask for the 1080p URL with: none of them is a URL.
    assert list(inspect.signature(open_download).parameters) == [
        "task",
        "quality",
        "range_header",
        "client",
    ]


def test_redirect_to_another_host_is_not_followed(kie):
    kie.get(VIDEO_URL, status=302, headers={"Location": "https://evil.example.com/v.mp4"})

    with pytest.raises(MediaHostNotAllowed):
        open_download(_done_task())

    assert len(kie.calls) == 1


def test_redirect_within_media_hosts_is_followed(kie):
    kie.get(VIDEO_URL, status=302, headers={"Location": "/v/moved.mp4"})
    kie.get(f"{MEDIA}/v/moved.mp4", body=VIDEO)

    assert b"".join(open_download(_done_task()).chunks) == VIDEO


def test_unsatisfiable_range_is_416(kie):
    kie.get(VIDEO_URL, status=416, headers={"Content-Range": f"bytes */{len(VIDEO)}"})

    with pytest.raises(RangeNotSatisfiable) as caught:
        open_download(_done_task(), range_header="bytes=999999999-")

    assert (caught.value.http_status, caught.value.code) == (416, "range_not_satisfiable")


@pytest.mark.parametrize("status", [403, 404])
def test_expired_kie_link_is_410_media_expired(kie, status):
    kie.get(VIDEO_URL, status=status)

    with pytest.raises(MediaExpired, match="expired at Kie") as caught:
        open_download(_done_task())

    assert caught.value.http_status == 410


def test_media_host_down_is_kie_unavailable(kie):
    kie.get(VIDEO_URL, status=503)

    with pytest.raises(KieUnavailable):
        open_download(_done_task())


def test_media_host_unreachable_is_kie_unavailable(kie):
    kie.get(VIDEO_URL, body=requests.ConnectTimeout("no route"))

    with pytest.raises(KieUnavailable):
        open_download(_done_task())


def test_close_releases_the_upstream_connection(kie):
    kie.get(VIDEO_URL, body=VIDEO)
    download = open_download(_done_task())

    download.close()

    assert download._response.raw.closed


# --- 1080p (Veo only) ---------------------------------------------------------------------------


def test_1080p_is_only_for_veo_tasks(kie):
    task = _done_task(provider="jobs", model_id="kling-2.6/image-to-video")

    with pytest.raises(ValidationFailed) as caught:
        open_download(task, quality="1080p")

    assert "quality" in caught.value.fields
    assert len(kie.calls) == 0


def test_unknown_quality_names_the_field(kie):
    with pytest.raises(ValidationFailed) as caught:
        open_download(_done_task(), quality="4k")

    assert "quality" in caught.value.fields


def test_1080p_processing_is_not_ready_then_ready_and_stored(kie):
    kie.get(VEO_1080P_URL, json=kie_fixture("veo_1080p_processing"))
    kie.get(VEO_1080P_URL, json=envelope({"resultUrl": HD_URL}))
    kie.get(HD_URL, body=VIDEO)
    task = _done_task()

    with pytest.raises(NotReady, match="still processing") as caught:
        open_download(task, quality="1080p")
    assert caught.value.retry_after_seconds == 30
    download = open_download(task, quality="1080p")

    assert b"".join(download.chunks) == VIDEO
    assert download.filename.endswith(f"-{task.public_id}-1080p.mp4")
    assert VideoTask.objects.get(pk=task.pk).hd_video_url == HD_URL


def test_stored_1080p_url_is_used_without_asking_kie(kie):
    kie.get(HD_URL, body=VIDEO)
    task = _done_task(hd_video_url=HD_URL)

    open_download(task, quality="1080p")

    assert [call.request.url for call in kie.calls] == [HD_URL]


def test_1080p_url_outside_media_hosts_is_refused(kie):
    kie.get(VEO_1080P_URL, json=envelope({"resultUrl": "https://evil.example.com/hd.mp4"}))

    with pytest.raises(MediaHostNotAllowed):
        open_download(_done_task(), quality="1080p")

    assert len(kie.calls) == 1  # only the Kie look-up, never the foreign URL
