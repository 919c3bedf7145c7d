"""Product photos are refused past a size per side and a pixel count, read from the header alone."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ImageFile

from campaigns.models import Product
from campaigns.services import products
from campaigns.services.errors import ValidationFailed
from campaigns.services.products import (
    MAX_IMAGE_MEGAPIXELS,
    MAX_IMAGE_SIDE_PIXELS,
    create_product,
)
from tests.factories import image_bytes, make_staff_user

pytestmark = pytest.mark.django_db


def png_header_only(width: int, height: int) -> bytes:
    """A PNG claiming `width` × `height` with almost no data: huge to decode, tiny to send."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def _refusal(data: bytes, name: str = "photo.png") -> str:
    upload = SimpleUploadedFile(name, data, content_type="image/png")
    with pytest.raises(ValidationFailed) as caught:
        create_product(user=make_staff_user(), image=upload)
    assert not Product.objects.exists()
    return caught.value.fields["image"]


def test_144_megapixel_png_is_refused_naming_its_size_and_the_limit():
    message = _refusal(png_header_only(12000, 12000))

    assert "12000 × 12000" in message
    assert f"at most {MAX_IMAGE_SIDE_PIXELS} pixels" in message


def test_400_megapixel_png_gets_our_message_not_pillows_bomb_error():
    message = _refusal(png_header_only(20000, 20000))

    assert "20000 × 20000" in message


def test_too_many_pixels_within_the_side_limit_is_refused_naming_both():
    message = _refusal(png_header_only(8000, 6000))  # 48 MP, each side ≤ 8192

    assert "48.0 megapixels (8000 × 6000)" in message
    assert f"the limit is {MAX_IMAGE_MEGAPIXELS} megapixels" in message


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_side_over_the_limit_is_refused_in_every_format(fmt):
    message = _refusal(image_bytes(fmt, size=(MAX_IMAGE_SIDE_PIXELS + 1, 4)), f"wide.{fmt}")

    assert f"{MAX_IMAGE_SIDE_PIXELS + 1} × 4" in message


def test_a_side_exactly_at_the_limit_is_accepted():
    upload = SimpleUploadedFile("wide.png", image_bytes("PNG", size=(MAX_IMAGE_SIDE_PIXELS, 4)))

    assert create_product(user=make_staff_user(), image=upload).pk


def test_pixel_count_limit_is_inclusive(monkeypatch):
    monkeypatch.setattr(products, "MAX_IMAGE_PIXELS", 100)

    create_product(
        user=make_staff_user(), image=SimpleUploadedFile("a.png", image_bytes("PNG", (10, 10)))
    )
    with pytest.raises(ValidationFailed, match="megapixels"):
        create_product(
            user=make_staff_user(), image=SimpleUploadedFile("b.png", image_bytes("PNG", (10, 11)))
        )


def test_dimensions_are_read_without_decoding_the_image(monkeypatch):
    def no_decoding(*args, **kwargs):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)

    _refusal(png_header_only(12000, 12000))


def test_a_damaged_png_is_not_an_image_rather_than_a_png():
    message = _refusal(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)

    assert message.startswith("The file is not an image")
