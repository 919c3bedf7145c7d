"""Serving archived media: ranges, validators, disposition, delivery modes and the Kie fallback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.http import http_date

from campaigns.models import ArchiveState, VideoTask
from tests.api.sandbox_helpers import SAMPLE_MP4, read_stream
from tests.archive_helpers import archived_on_sandbox, stored_archive
from tests.factories import make_staff_user, make_video_task

pytestmark = pytest.mark.django_db

VIDEO = bytes(range(256)) * 400  # 102,400 bytes
KIE_URL = "http://media.kie.invalid/v/result.mp4"


@pytest.fixture
def staff(client):
    client.force_login(make_staff_user())
    return client


@pytest.fixture
def kie_media() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as mock:
        yield mock


def _video_url(task: VideoTask, **query: str) -> str:
    url = reverse("media-video", args=[task.public_id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def body(response) -> bytes:
    return read_stream(response) if response.streaming else response.content


# --- Ranges -------------------------------------------------------------------------------------


def test_archived_video_is_served_whole_with_length_type_and_validators(staff):
    task = stored_archive(VIDEO)

    response = staff.get(_video_url(task))

    assert response.status_code == 200 and body(response) == VIDEO
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Length"] == str(len(VIDEO))
    assert response["Accept-Ranges"] == "bytes"
    assert response["ETag"] == f'"{task.video_sha256}"'
    assert response["Last-Modified"] == http_date(task.archived_at.timestamp())


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [("bytes=0-99", 0, 99), ("bytes=100000-", 100000, 102399), ("bytes=-10", 102390, 102399)],
)
def test_archived_video_answers_a_range_with_206(staff, header, first, last):
    task = stored_archive(VIDEO)

    response = staff.get(_video_url(task), HTTP_RANGE=header)

    assert response.status_code == 206
    assert body(response) == VIDEO[first : last + 1]
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(VIDEO)}"
    assert response["Content-Length"] == str(last - first + 1)


def test_a_range_past_the_end_is_416_naming_the_size(staff):
    task = stored_archive(VIDEO)

    response = staff.get(_video_url(task), HTTP_RANGE=f"bytes={len(VIDEO)}-")

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(VIDEO)}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "items=0-5", "bytes=x-y"])
def test_a_range_we_do_not_serve_is_ignored_and_the_whole_file_sent(staff, header):
    task = stored_archive(VIDEO)

    response = staff.get(_video_url(task), HTTP_RANGE=header)

    assert response.status_code == 200 and body(response) == VIDEO


# --- Conditional requests -------------------------------------------------------------------


def test_a_matching_etag_or_date_is_answered_304(staff):
    task = stored_archive(VIDEO)
    etag, modified = f'"{task.video_sha256}"', http_date(task.archived_at.timestamp())

    by_tag = staff.get(_video_url(task), HTTP_IF_NONE_MATCH=etag)
    by_date = staff.get(_video_url(task), HTTP_IF_MODIFIED_SINCE=modified)

    assert (by_tag.status_code, by_date.status_code) == (304, 304)
    assert by_tag["ETag"] == etag and by_tag.content == b""


def test_if_range_keeps_the_range_only_while_the_file_is_the_same(staff):
    task = stored_archive(VIDEO)
    url, same = _video_url(task), f'"{task.video_sha256}"'
    date = http_date(task.archived_at.timestamp())

    by_tag = staff.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=same)
    by_date = staff.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=date)
    changed = staff.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"another-file"')
    weak = staff.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=f"W/{same}")

    assert (by_tag.status_code, by_date.status_code) == (206, 206)
    assert (changed.status_code, weak.status_code) == (200, 200)
    assert body(changed) == VIDEO


# --- Disposition and access -------------------------------------------------------------


def test_video_plays_inline_and_downloads_as_an_attachment(staff):
    task = stored_archive(VIDEO)

    inline = staff.get(_video_url(task))
    attached = staff.get(_video_url(task, download="1"))

    assert inline["Content-Disposition"].startswith('inline; filename="')
    assert attached["Content-Disposition"].startswith('attachment; filename="')
    assert task.public_id in attached["Content-Disposition"]


def test_media_views_only_answer_get_and_head(staff):
    task = stored_archive(VIDEO)

    assert staff.post(_video_url(task)).status_code == 405
    assert staff.head(_video_url(task)).status_code == 200


@pytest.mark.parametrize("debug", [True, False])
def test_there_is_no_public_media_url_even_in_debug(client, settings, debug):
    settings.DEBUG = debug
    task = stored_archive(VIDEO)

    response = client.get(f"/media/{task.video_file.name}")

    assert response.status_code == 404


# --- Posters and product photos ------------------------------------------------------------


def test_poster_is_a_404_until_the_video_is_archived_then_a_jpeg(staff, kie_sandbox):
    waiting = make_video_task(state=VideoTask.State.SUCCESS)
    archived = archived_on_sandbox(kie_sandbox)

    missing = staff.get(reverse("media-poster", args=[waiting.public_id]))
    poster = staff.get(reverse("media-poster", args=[archived.public_id]))

    assert missing.status_code == 404
    assert poster.status_code == 200 and poster["Content-Type"] == "image/jpeg"
    assert body(poster)[:3] == b"\xff\xd8\xff" and poster["ETag"]


def test_an_uploaded_product_photo_is_served_with_validators(staff):
    from tests.factories import make_product, make_uploaded_image

    product = make_product(image=make_uploaded_image())
    url = reverse("media-product-image", args=[product.pk])

    first = staff.get(url)
    again = staff.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200 and body(first)[:4] == b"\x89PNG"
    assert first["Content-Type"] == "image/png"
    assert again.status_code == 304


# --- Delivery modes ----------------------------------------------------------------------


def test_x_accel_redirect_hands_the_file_to_nginx(staff, settings):
    settings.MEDIA_DELIVERY = "x-accel-redirect"
    task = stored_archive(VIDEO)

    response = staff.get(_video_url(task), HTTP_RANGE="bytes=0-9")

    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{task.video_file.name}"
    assert response["Content-Type"] == "video/mp4" and response["ETag"]
    assert "Accept-Ranges" not in response  # nginx adds it, and serves the range itself


def test_x_sendfile_names_the_file_on_disk(staff, settings):
    settings.MEDIA_DELIVERY = "x-sendfile"
    task = stored_archive(VIDEO)

    response = staff.get(_video_url(task))

    assert response["X-Sendfile"] == default_storage.path(task.video_file.name)


def test_s3_storage_redirects_to_a_short_lived_signed_url(staff, settings, monkeypatch):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    }
    settings.AWS_STORAGE_BUCKET_NAME = "adstudio-test"
    settings.MEDIA_SIGNED_URL_SECONDS = 120
    task = make_video_task(
        state=VideoTask.State.SUCCESS,
        archive_state=ArchiveState.DONE,
        video_file="videos/vt_x/original.mp4",
        video_bytes=10,
        video_sha256="ab" * 32,
        archived_at="2026-01-01T00:00:00Z",
    )
    asked: list[dict] = []

    def signed_url(self, name, parameters=None, expire=None, http_method=None):
        asked.append({"name": name, "parameters": parameters, "expire": expire})
        return f"https://s3.example.com/adstudio-test/{name}?X-Amz-Signature=abc"

    monkeypatch.setattr("storages.backends.s3.S3Storage.url", signed_url)
    monkeypatch.setattr("storages.backends.s3.S3Storage.exists", lambda self, name: True)

    response = staff.get(_video_url(task, download="1"))

    assert response.status_code == 302
    assert response["Location"].startswith("https://s3.example.com/adstudio-test/videos/vt_x/")
    assert response["Cache-Control"] == "private, no-store"
    assert asked[0]["expire"] == 120 and asked[0]["name"] == "videos/vt_x/original.mp4"
    assert asked[0]["parameters"]["ResponseContentDisposition"].startswith("attachment;")


# --- Falling back to Kie ----------------------------------------------------------------


def test_kie_url_expired_but_archive_present_is_a_200(staff, kie_sandbox):
    task = archived_on_sandbox(kie_sandbox)
    kie_sandbox.expire_media(task.kie_task_id)

    response = staff.get(_video_url(task))

    assert response.status_code == 200 and body(response) == SAMPLE_MP4


def test_a_failed_archive_falls_back_to_kies_url(staff, kie_sandbox):
    task = archived_on_sandbox(kie_sandbox)
    VideoTask.objects.filter(pk=task.pk).update(
        archive_state=ArchiveState.FAILED, archive_error="Not archived: too big."
    )
    default_storage.delete(task.video_file.name)
    before = len(kie_sandbox.request_log)

    response = staff.get(_video_url(task), HTTP_RANGE="bytes=0-99")

    assert response.status_code == 206 and body(response) == SAMPLE_MP4[:100]
    assert kie_sandbox.request_log[before:] == [("GET", f"/media/{task.kie_task_id}.mp4")]


def test_an_expired_archive_falls_back_to_kie_then_410_once_kie_is_gone_too(
    staff, kie_sandbox, settings
):
    from campaigns.services import archive_retention

    task = archive_retention.delete_archive(
        archived_on_sandbox(kie_sandbox), state=ArchiveState.EXPIRED
    )

    from_kie = staff.get(_video_url(task))
    kie_sandbox.expire_media(task.kie_task_id)
    gone = staff.get(_video_url(task))

    assert from_kie.status_code == 200 and body(from_kie) == SAMPLE_MP4
    assert gone.status_code == 410


def test_an_archive_missing_from_storage_falls_back_to_kie(staff, kie_sandbox):
    task = archived_on_sandbox(kie_sandbox)
    default_storage.delete(task.video_file.name)

    response = staff.get(_video_url(task))

    assert response.status_code == 200 and body(response) == SAMPLE_MP4


def test_kie_fallback_does_not_advertise_ranges_its_host_ignored(staff, kie_media):
    kie_media.get(KIE_URL, body=VIDEO, content_type="video/mp4", headers={"Accept-Ranges": "bytes"})
    task = make_video_task(state=VideoTask.State.SUCCESS, result_urls=[KIE_URL])

    response = staff.get(_video_url(task), HTTP_RANGE="bytes=0-9")

    assert response.status_code == 200 and body(response) == VIDEO
    assert "Accept-Ranges" not in response


def test_kie_fallback_advertises_ranges_when_its_host_honours_them(staff, kie_media):
    kie_media.get(
        KIE_URL,
        status=206,
        body=VIDEO[:10],
        content_type="video/mp4",
        headers={"Content-Range": f"bytes 0-9/{len(VIDEO)}"},
    )
    task = make_video_task(state=VideoTask.State.SUCCESS, result_urls=[KIE_URL])

    response = staff.get(_video_url(task), HTTP_RANGE="bytes=0-9")

    assert response.status_code == 206 and response["Accept-Ranges"] == "bytes"
    assert response["Content-Range"] == f"bytes 0-9/{len(VIDEO)}"
