"""Creating products (an uploaded photo or an image URL) and giving Kie a URL it can read."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from campaigns.models import Campaign, Product
from kie.errors import KieError

from . import kie_client
from .errors import ValidationFailed
from .kie_errors import translate_kie_error

MAX_IMAGE_BYTES = 10 * 1024 * 1024
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
    _validate_image_url(image_url)
    product.name = _default_name(name, urlsplit(image_url).path)
    product.source_image_url = image_url
    with transaction.atomic():
        product.save()
    return product


def ensure_kie_image_url(product: Product, *, now: datetime | None = None) -> str:
    """The product image as a URL Kie can fetch, uploading (again) when Kie has dropped its copy."""
    if not product.image:
        return product.source_image_url
    now = now or timezone.now()
    if _kie_copy_is_fresh(product, now):
        return product.kie_image_url
    # No transaction here: the upload is an HTTP call, and the row is written only afterwards.
    try:
        uploaded = _upload_to_kie(product)
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


def _upload_to_kie(product: Product) -> str:
    extension = PurePosixPath(product.image.name).suffix.lstrip(".").lower()
    mime_type = _MIME_BY_EXTENSION.get(extension, "application/octet-stream")
    # A stable name per product: a re-upload replaces Kie's copy instead of piling up files.
    file_name = f"product-{product.pk}.{extension}"
    client = kie_client.get_kie_client()
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
    image_format = _detect_format(image)
    if image_format not in ALLOWED_FORMATS:
        found = f"a {image_format} image" if image_format else "not an image"
        _reject_image(f"The file is {found}. Upload a JPEG, PNG or WebP image.")
    return ALLOWED_FORMATS[image_format][0]


def _detect_format(image: UploadedFile) -> str | None:
    try:
        image.seek(0)
        with Image.open(image) as opened:
            image_format = opened.format
            opened.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        # Pillow raises any of these for truncated or non-image content.
        return None
    finally:
        image.seek(0)
    return image_format


def _reject_image(message: str) -> None:
    raise ValidationFailed(message, fields={"image": message})


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _validate_image_url(image_url: str) -> None:
    if len(image_url) > MAX_URL_CHARS:
        _reject_url(f"The image URL is {len(image_url)} characters; the limit is {MAX_URL_CHARS}.")
    parts = urlsplit(image_url)
    if parts.scheme.lower() not in ("http", "https"):
        _reject_url("The image URL must start with http:// or https://.")
    if not parts.hostname or any(ch.isspace() for ch in image_url):
        _reject_url("The image URL needs a host, e.g. https://example.com/photo.jpg.")


def _reject_url(message: str) -> None:
    raise ValidationFailed(message, fields={"imageUrl": message})


def _default_name(name: str, source_path: str) -> str:
    """The given name, else one made from the file name ("red-bottle.png" -> "Red bottle")."""
    name = (name or "").strip()
    if not name:
        stem = PurePosixPath(source_path).stem
        name = stem.replace("_", " ").replace("-", " ").strip().capitalize()
    return (name or "Untitled product")[:_NAME_MAX_CHARS]
