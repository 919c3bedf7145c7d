from __future__ import annotations

import base64
from datetime import timedelta
from pathlib import PurePosixPath

import pytest
import responses
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaigns.models import Product
from campaigns.services import kie_client
from campaigns.services.errors import InsufficientCredits, ValidationFailed
from campaigns.services.products import (
    MAX_IMAGE_BYTES,
    create_product,
    ensure_kie_image_url,
)
from tests.factories import image_bytes, make_campaign, make_staff_user, make_uploaded_image
from tests.services.kie_stubs import (
    KIE_COPY_URL,
    UPLOAD_BASE64_URL,
    UPLOAD_STREAM_URL,
    kie_fixture,
    sent_json,
    upload_answer,
)

pytestmark = pytest.mark.django_db

DAY = timedelta(hours=24)


def _uploaded_product(**overrides) -> Product:
    return create_product(user=make_staff_user(), image=make_uploaded_image(), **overrides)


# --- create_product: uploads ---------------------------------------------------------------


def test_create_product_stores_upload_under_generated_name_with_true_extension():
    user = make_staff_user()
    # A JPEG wearing a .png name and content type: the bytes decide the extension.
    upload = make_uploaded_image("My_red-bottle.png", fmt="JPEG", content_type="image/png")

    product = create_product(user=user, image=upload, notes="  Steel, 750 ml ")

    stored = PurePosixPath(product.image.name)
    assert stored.suffix == ".jpg"
    assert "bottle" not in stored.name  # the client's file name never reaches the storage path
    assert product.name == "My red bottle"
    assert product.notes == "Steel, 750 ml"
    assert product.created_by == user
    upload.seek(0)
    with product.image.open("rb") as stored_file:
        assert stored_file.read() == upload.read()


@pytest.mark.parametrize("fmt, extension", [("PNG", ".png"), ("JPEG", ".jpg"), ("WEBP", ".webp")])
def test_create_product_accepts_png_jpeg_and_webp(fmt, extension):
    product = create_product(
        user=make_staff_user(), image=make_uploaded_image("photo.bin", fmt=fmt), name="Mug"
    )

    assert Product.objects.get(pk=product.pk).image.name.endswith(extension)
    assert product.name == "Mug"


def test_create_product_rejects_text_file_named_png():
    fake = SimpleUploadedFile("bottle.png", b"definitely not a picture", content_type="image/png")

    with pytest.raises(ValidationFailed) as caught:
        create_product(user=make_staff_user(), image=fake)

    assert "JPEG, PNG or WebP" in caught.value.fields["image"]
    assert not Product.objects.exists()


def test_create_product_rejects_gif_naming_its_format():
    gif = make_uploaded_image("anim.gif", fmt="GIF", content_type="image/gif")

    with pytest.raises(ValidationFailed) as caught:
        create_product(user=make_staff_user(), image=gif)

    assert "GIF" in caught.value.fields["image"]
    assert not Product.objects.exists()


def test_create_product_rejects_image_over_10_mb_stating_limit_and_size():
    # A real PNG padded past the limit; the size is checked before Pillow decodes anything.
    data = image_bytes("PNG") + b"\0" * MAX_IMAGE_BYTES
    big = SimpleUploadedFile("big.png", data, content_type="image/png")

    with pytest.raises(ValidationFailed) as caught:
        create_product(user=make_staff_user(), image=big)

    message = caught.value.fields["image"]
    assert "10.0 MB" in message
    assert f"{len(data) / 1024 / 1024:.1f} MB" in message
    assert not Product.objects.exists()


# --- create_product: URLs and the other fields ----------------------------------------------


def test_create_product_from_url_keeps_url_and_names_it_after_the_file():
    product = create_product(
        user=make_staff_user(), image_url=" https://cdn.example.com/img/blue-mug.webp "
    )

    assert product.source_image_url == "https://cdn.example.com/img/blue-mug.webp"
    assert product.name == "Blue mug"
    assert not product.image


@pytest.mark.parametrize(
    "url, expected",
    [
        ("ftp://files.example.com/mug.png", "http:// or https://"),
        ("https:///mug.png", "needs a host"),
        ("mug.png", "http:// or https://"),
        ("https://example.com/" + "a" * 2000, "limit is 2000"),
    ],
)
def test_create_product_rejects_bad_image_url(url, expected):
    with pytest.raises(ValidationFailed) as caught:
        create_product(user=make_staff_user(), image_url=url)

    assert expected in caught.value.fields["imageUrl"]
    assert not Product.objects.exists()


def test_create_product_refuses_both_image_and_url():
    with pytest.raises(ValidationFailed) as caught:
        create_product(
            user=make_staff_user(),
            image=make_uploaded_image(),
            image_url="https://example.com/mug.png",
        )

    assert "not both" in caught.value.fields["image"]
    assert "not both" in caught.value.fields["imageUrl"]


def test_create_product_refuses_neither_image_nor_url():
    with pytest.raises(ValidationFailed) as caught:
        create_product(user=make_staff_user(), name="Mug")

    assert set(caught.value.fields) == {"image", "imageUrl"}
    assert not Product.objects.exists()


def test_create_product_rejects_unknown_campaign_before_saving_anything():
    with pytest.raises(ValidationFailed) as caught:
        create_product(user=make_staff_user(), image=make_uploaded_image(), campaign_id=987654)

    assert "987654" in caught.value.fields["campaignId"]
    assert not Product.objects.exists()


def test_create_product_links_existing_campaign():
    campaign = make_campaign()

    product = _uploaded_product(campaign_id=campaign.pk)

    assert product.campaign == campaign


# --- ensure_kie_image_url -------------------------------------------------------------------


@responses.activate
def test_kie_url_of_url_product_is_the_source_url_without_upload():
    product = create_product(user=make_staff_user(), image_url="https://example.com/mug.png")

    assert (
        ensure_kie_image_url(product, client=kie_client.for_request())
        == "https://example.com/mug.png"
    )
    assert len(responses.calls) == 0


@responses.activate
def test_upload_is_sent_once_then_reused():
    responses.post(UPLOAD_BASE64_URL, json=upload_answer())
    product = _uploaded_product()
    now = timezone.now()

    first = ensure_kie_image_url(product, client=kie_client.for_request(), now=now)
    second = ensure_kie_image_url(
        Product.objects.get(pk=product.pk),
        client=kie_client.for_request(),
        now=now + DAY - timedelta(minutes=1),
    )

    assert first == second == KIE_COPY_URL
    assert len(responses.calls) == 1
    body = sent_json(responses.calls[0])
    assert body["uploadPath"] == "adstudio/products"
    assert body["fileName"] == f"product-{product.pk}.png"
    encoded = body["base64Data"].removeprefix("data:image/png;base64,")
    assert base64.b64decode(encoded) == Product.objects.get(pk=product.pk).image.read()
    stored = Product.objects.get(pk=product.pk)
    assert (stored.kie_image_url, stored.kie_image_uploaded_at) == (KIE_COPY_URL, now)


@responses.activate
def test_upload_is_sent_again_once_kie_copy_is_24_hours_old():
    responses.post(UPLOAD_BASE64_URL, json=upload_answer("https://tempfile.redpandaai.co/a.png"))
    responses.post(UPLOAD_BASE64_URL, json=upload_answer("https://tempfile.redpandaai.co/b.png"))
    product = _uploaded_product()
    now = timezone.now()
    ensure_kie_image_url(product, client=kie_client.for_request(), now=now)

    url = ensure_kie_image_url(product, client=kie_client.for_request(), now=now + DAY)

    assert url == "https://tempfile.redpandaai.co/b.png"
    assert len(responses.calls) == 2
    assert Product.objects.get(pk=product.pk).kie_image_uploaded_at == now + DAY


@responses.activate
def test_large_upload_goes_through_stream_upload():
    responses.post(UPLOAD_STREAM_URL, json=upload_answer())
    data = image_bytes("PNG") + b"\0" * (6 * 1024 * 1024)
    product = create_product(
        user=make_staff_user(), image=SimpleUploadedFile("big.png", data, "image/png")
    )

    assert ensure_kie_image_url(product, client=kie_client.for_request()) == KIE_COPY_URL
    assert len(responses.calls) == 1
    assert b"adstudio/products" in responses.calls[0].request.body


@responses.activate
def test_failed_upload_is_translated_and_leaves_product_unchanged():
    responses.post(UPLOAD_BASE64_URL, json=kie_fixture("insufficient_credits"))
    product = _uploaded_product()

    with pytest.raises(InsufficientCredits) as caught:
        ensure_kie_image_url(product, client=kie_client.for_request())

    assert "insufficient" in caught.value.message
    assert caught.value.extra == {"productId": product.pk}
    assert Product.objects.get(pk=product.pk).kie_image_url == ""
