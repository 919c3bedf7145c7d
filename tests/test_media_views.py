"""Staff-only media URLs for the portal and the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.models import VideoTask
from tests.api.sandbox_helpers import SAMPLE_MP4
from tests.factories import make_product, make_staff_user, make_uploaded_image, make_video_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(make_staff_user())
    return client


def test_media_needs_a_staff_login(client):
    task = make_video_task(state=VideoTask.State.SUCCESS)

    response = client.get(reverse("media-video", args=[task.public_id]))

    assert response.status_code == 302 and "/login" in response["Location"]


def test_video_plays_inline_and_downloads_as_attachment(staff, kie_sandbox):
    from tests.sandbox_fixtures import create_job

    kie_id = create_job(kie_sandbox)
    task = make_video_task(
        state=VideoTask.State.SUCCESS,
        provider="jobs",
        model_id="kling-2.6/image-to-video",
        kie_task_id=kie_id,
        result_urls=[f"{kie_sandbox.base_url}/media/{kie_id}.mp4"],
    )
    url = reverse("media-video", args=[task.public_id])

    inline = staff.get(url)
    attached = staff.get(url, {"download": "1"})

    assert b"".join(inline.streaming_content) == SAMPLE_MP4
    assert inline["Content-Disposition"].startswith("inline;")
    assert attached["Content-Disposition"].startswith("attachment;")


def test_product_photo_is_served_from_storage_or_redirected_to_its_url(staff):
    uploaded = make_product(image=make_uploaded_image())
    linked = make_product()

    served = staff.get(reverse("media-product-image", args=[uploaded.pk]))
    redirected = staff.get(reverse("media-product-image", args=[linked.pk]))

    assert served.status_code == 200 and b"".join(served.streaming_content)[:4] == b"\x89PNG"
    assert redirected.status_code == 302 and redirected["Location"] == linked.source_image_url


def test_unknown_task_is_a_404(staff):
    assert staff.get(reverse("media-video", args=["vt_nope"])).status_code == 404
