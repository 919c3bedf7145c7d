"""Creating products (an uploaded photo or an image URL) and giving Kie a URL it can read."""

from __future__ import annotations

import struct
import uuid
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from campaigns.models import Campaign, Product
from kie.errors import KieError

from . import outbound
from .errors import ValidationFailed
from .kie_errors import translate_kie_error
from .media import MediaHostNotAllowed

if TYPE_CHECKING:
    from kie.client import KieClient

MAX_IMAGE_BYTES = 10 * 1024 * 1024
# Video models work at up to 4K; a larger photo only costs memory when it is decoded (a 40 MP RGB
# image is ~120 MB unpacked). Checked from the file header, before anything is decoded.
MAX_IMAGE_SIDE_PIXELS = 8192
MAX_IMAGE_MEGAPIXELS = 40
MAX_IMAGE_PIXELS = MAX_IMAGE_MEGAPIXELS * 1_000_000
MAX_URL_CHARS = 2000
# Kie recommends the base64 route for small files; above this the stream route avoids a 4/3
# blow-up of the file in memory and in the request body.
BASE64_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
KIE_UPLOAD_PATH = "adstudio/products"

# Pillow format name -> (file extension, MIME type). Kie's video models take JPG, PNG and WebP.
ALLOWED_FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
_MIME_BY_EXTENSION = {ext: mime for ext, mime in ALLOWED_FORMATS.values()} | {"jpeg": "image/jpeg"}
_NAME_MAX_CHARS = Product._meta.get_field("name").max_length


def create_product(
    *,
    user,
    image: UploadedFile | None = None,
    image_url: str = "",
    name: str = "",
    notes: str = "",
    campaign_id: int | None = None,
) -> Product:
    """Validate everything first, then save one row: either the upload or the image URL."""
    image_url = (image_url or "").strip()
    _require_exactly_one_source(image, image_url)
    campaign = _get_campaign(campaign_id)
    product = Product(
        campaign=campaign,
        notes=(notes or "").strip(),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    if image is not None:
        extension = _validate_image(image)
        product.name = _default_name(name, image.name or "")
        with transaction.atomic():
            product.image.save(f"{uuid.uuid4().hex}.{extension}", image, save=False)
            try:
                product.save()
            except Exception:
                # The file storage is not transactional: don't leave an orphan file behind.
                product.image.delete(save=False)
                raise
        return product
    image_url = _validate_image_url(image_url)
    product.name = _default_name(name, unquote(urlsplit(image_url).path))
    product.source_image_url = image_url
    with transaction.atomic():
        product.save()
    return product


def ensure_kie_image_url(
    product: Product, *, client: KieClient, now: datetime | None = None
) -> str:
    """The product image as a URL Kie can fetch, uploading (again) when Kie has dropped its copy."""
    if not product.image:
        return product.source_image_url
    now = now or timezone.now()
    if _kie_copy_is_fresh(product, now):
        return product.kie_image_url
    # No transaction here: the upload is an HTTP call, and the row is written only afterwards.
    try:
        uploaded = _upload_to_kie(product, client)
    except KieError as exc:
        raise translate_kie_error(exc, extra={"productId": product.pk}) from exc
    Product.objects.filter(pk=product.pk).update(
        kie_image_url=uploaded, kie_image_uploaded_at=now, updated_at=timezone.now()
    )
    product.kie_image_url = uploaded
    product.kie_image_uploaded_at = now
    return uploaded


def _kie_copy_is_fresh(product: Product, now: datetime) -> bool:
    if not product.kie_image_url or product.kie_image_uploaded_at is None:
        return False
    retention = timedelta(seconds=settings.KIE_UPLOAD_RETENTION_SECONDS)
    return now - product.kie_image_uploaded_at < retention


def _upload_to_kie(product: Product, client: KieClient) -> str:
    extension = PurePosixPath(product.image.name).suffix.lstrip(".").lower()
    mime_type = _MIME_BY_EXTENSION.get(extension, "application/octet-stream")
    # A stable name per product: a re-upload replaces Kie's copy instead of piling up files.
    file_name = f"product-{product.pk}.{extension}"
    with product.image.open("rb") as fileobj:
        if product.image.size <= BASE64_UPLOAD_MAX_BYTES:
            uploaded = client.upload_file_base64(
                fileobj.read(),
                file_name=file_name,
                mime_type=mime_type,
                upload_path=KIE_UPLOAD_PATH,
            )
        else:
            uploaded = client.upload_file_stream(
                fileobj, file_name=file_name, mime_type=mime_type, upload_path=KIE_UPLOAD_PATH
            )
    return uploaded.download_url


def _require_exactly_one_source(image: UploadedFile | None, image_url: str) -> None:
    if image is not None and image_url:
        message = "Send either an image file or an image URL, not both."
        raise ValidationFailed(message, fields={"image": message, "imageUrl": message})
    if image is None and not image_url:
        message = "Upload a JPEG, PNG or WebP image, or give an http(s) image URL."
        raise ValidationFailed(message, fields={"image": message, "imageUrl": message})


def _get_campaign(campaign_id: int | None) -> Campaign | None:
    if campaign_id is None:
        return None
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        message = (
            f"Campaign {campaign_id} does not exist. Pick an existing campaign or leave it out."
        )
        raise ValidationFailed(message, fields={"campaignId": message})
    return campaign


def _validate_image(image: UploadedFile) -> str:
    """The true file extension, judged by the bytes (never the file name or client content type)."""
    size = image.size or 0
    if size > MAX_IMAGE_BYTES:
        _reject_image(
            f"The image is {_megabytes(size)}; the limit is {_megabytes(MAX_IMAGE_BYTES)}. "
            "Upload a smaller or more compressed image."
        )
    if size == 0:
        _reject_image("The uploaded file is empty. Upload a JPEG, PNG or WebP image.")
    header = _read_header(image)
    if header is None:
        image_format = _detect_format(image)
        # An allowed format whose header did not parse is damaged, not "a PNG image".
        known = image_format and image_format not in ALLOWED_FORMATS
        found = f"a {image_format} image" if known else "not an image"
        _reject_image(f"The file is {found}. Upload a JPEG, PNG or WebP image.")
    image_format, (width, height) = header
    _check_dimensions(width, height)
    if not _verifies(image):
        _reject_image("The file is not an image. Upload a JPEG, PNG or WebP image.")
    return ALLOWED_FORMATS[image_format][0]


def _read_header(image: UploadedFile) -> tuple[str, tuple[int, int]] | None:
    """(format, (width, height)) of a JPEG/PNG/WebP from its header alone, or None.

    Opens with the format's own plugin rather than Image.open, whose decompression-bomb check
    would refuse a huge image before we could say how big it is.
    """
    Image.init()
    image.seek(0)
    prefix = image.read(16)
    for image_format in ALLOWED_FORMATS:
        factory, accept = Image.OPEN[image_format]
        if not accept(prefix):
            continue
        image.seek(0)
        try:
            with factory(image, "") as opened:
                return image_format, opened.size
        except (OSError, SyntaxError, ValueError, IndexError, struct.error):
            return None
        finally:
            image.seek(0)
    image.seek(0)
    return None


def _check_dimensions(width: int, height: int) -> None:
    if max(width, height) > MAX_IMAGE_SIDE_PIXELS:
        _reject_image(
            f"The image is {width} × {height} pixels; each side may be at most "
            f"{MAX_IMAGE_SIDE_PIXELS} pixels. Scale it down and upload it again."
        )
    if width * height > MAX_IMAGE_PIXELS:
        _reject_image(
            f"The image has {width * height / 1_000_000:.1f} megapixels ({width} × {height}); "
            f"the limit is {MAX_IMAGE_MEGAPIXELS} megapixels. Scale it down and upload it again."
        )


def _verifies(image: UploadedFile) -> bool:
    """Whether the whole file is structurally sound (Pillow's verify: no pixel decoding)."""
    try:
        with Image.open(image, formats=list(ALLOWED_FORMATS)) as opened:
            opened.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        return False
    finally:
        image.seek(0)
    return True


def _detect_format(image: UploadedFile) -> str | None:
    """The format Pillow sees, only to name it in the refusal."""
    try:
        image.seek(0)
        with Image.open(image) as opened:
            return opened.format
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        # Pillow raises any of these for truncated or non-image content.
        return None
    finally:
        image.seek(0)


def _reject_image(message: str) -> None:
    raise ValidationFailed(message, fields={"image": message})


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _validate_image_url(image_url: str) -> str:
    """The URL as Kie will be given it (plain ASCII), or ValidationFailed on `imageUrl`."""
    if len(image_url) > MAX_URL_CHARS:
        _reject_url(f"The image URL is {len(image_url)} characters; the limit is {MAX_URL_CHARS}.")
    parts = urlsplit(image_url)
    if parts.scheme.lower() not in ("http", "https"):
        _reject_url("The image URL must start with http:// or https://.")
    if not parts.hostname or any(ch.isspace() for ch in image_url):
        _reject_url("The image URL needs a host, e.g. https://example.com/photo.jpg.")
    return public_url(image_url, field="imageUrl")


def public_url(url: str, *, field: str) -> str:
    """A URL we hand to Kie, in the one form every client reads alike; ValidationFailed if none."""
    try:
        return outbound.canonical_url(url)
    except MediaHostNotAllowed as exc:
        reason = exc.message.rsplit(": ", 1)[-1]
        message = f"The URL is refused: {reason} Give a plain public http(s) URL."
        raise ValidationFailed(message, fields={field: message}) from exc


def _reject_url(message: str) -> None:
    raise ValidationFailed(message, fields={"imageUrl": message})


def _default_name(name: str, source_path: str) -> str:
    """The given name, else one made from the file name ("red-bottle.png" -> "Red bottle")."""
    name = (name or "").strip()
    if not name:
        stem = PurePosixPath(source_path).stem
        name = stem.replace("_", " ").replace("-", " ").strip().capitalize()
    return (name or "Untitled product")[:_NAME_MAX_CHARS]
