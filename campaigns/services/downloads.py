"""Finding what to send for a download: our archived copy, or else Kie's file, streamed.

`archived_file` finds the task's copy in our media storage (archive.py) — the normal case, served
by campaigns/media_responses.py with ranges and validators. Until a copy is done, or after it
failed or expired, `open_download` streams Kie's file instead, never buffering it whole. Only URLs
Kie returned for the task are fetched (task.result_urls / task.hd_video_url), and only through the
outbound gate (outbound.open_url): hosts and ports in settings.KIE_MEDIA_HOSTS, public addresses,
every redirect re-checked.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import requests
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.utils.text import slugify

from campaigns.models import ArchiveState, Product, VideoTask
from kie.errors import KieError, KieNotReadyError
from kie.types import Provider

from . import archive, kie_client
from .errors import KieFailed, KieUnavailable, NotReady, ValidationFailed
from .kie_errors import translate_kie_error
from .media import MediaExpired, RangeNotSatisfiable
from .outbound import open_url
from .task_state import update_fields

if TYPE_CHECKING:
    from kie.client import KieClient

logger = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
QUALITIES = ("original", "1080p")
HD_RETRY_AFTER_SECONDS = 30


@dataclass
class Download:
    """An open upstream response; the caller streams `chunks` and must call `close()`."""

    status: int
    chunks: Iterator[bytes]
    content_type: str
    content_length: int | None
    content_range: str | None
    filename: str
    # Only when the upstream really honours Range: a 206, or `Accept-Ranges: bytes` on a 200 to a
    # request without Range. A 200 to a ranged request means it ignored the Range.
    accept_ranges: bool = False
    _response: requests.Response | None = field(default=None, repr=False)

    def close(self) -> None:
        if self._response is not None:
            self._response.close()


def open_download(
    task: VideoTask,
    *,
    quality: str = "original",
    range_header: str | None = None,
    client: KieClient | None = None,
) -> Download:
    """Open Kie's copy of the task's video (or of its Veo 1080p version) for streaming, passing
    `Range` upstream."""
    check_downloadable(task, quality)
    if quality == "1080p":
        url = _hd_url(task, client or kie_client.for_request())
    else:
        url = _original_url(task)
    response = _fetch(url, range_header)
    return Download(
        status=response.status_code,
        chunks=_stream(response),
        content_type=_content_type(response),
        content_length=_content_length(response),
        content_range=response.headers.get("Content-Range"),
        filename=download_filename(task, quality),
        accept_ranges=_honours_ranges(response, range_header),
        _response=response,
    )


def check_downloadable(task: VideoTask, quality: str) -> None:
    if quality not in QUALITIES:
        raise ValidationFailed(fields={"quality": "Choose 'original' or '1080p'."})
    if task.state != VideoTask.State.SUCCESS:
        raise NotReady(
            f"Task {task.public_id} is {task.state}; its video can be downloaded once it succeeds."
        )


@dataclass(frozen=True)
class StoredFile:
    """A file in our media storage, with what a response needs to serve it properly."""

    name: str  # in default storage
    size: int
    content_type: str
    etag: str  # quoted, strong
    modified_at: datetime
    filename: str  # offered to the browser


def archived_file(task: VideoTask, quality: str = "original") -> StoredFile | None:
    """Our copy of the task's video, or None when there is none to serve (not archived yet,
    failed, expired, deleted, or missing from storage): then Kie's URL is the fallback."""
    check_downloadable(task, quality)
    slot = archive.slot_for(quality)
    name = slot.get(task, "video_file").name
    if slot.get(task, "archive_state") != ArchiveState.DONE or not name:
        return None
    if not default_storage.exists(name):
        logger.warning("Archived %s of %s is missing from storage: %s", quality, task, name)
        return None
    return StoredFile(
        name=name,
        size=slot.get(task, "video_bytes"),
        content_type=slot.get(task, "video_content_type") or "video/mp4",
        etag=f'"{slot.get(task, "video_sha256")}"',
        modified_at=slot.get(task, "archived_at"),
        filename=download_filename(task, quality),
    )


def poster_file(task: VideoTask) -> StoredFile | None:
    """The task's poster frame (JPEG), once its video is archived."""
    return _stored(task.poster_file, f"{_base_filename(task)}-poster.jpg", task.archived_at)


def product_image_file(product: Product) -> StoredFile | None:
    """An uploaded product photo (None for a product that only has an image URL)."""
    return _stored(product.image, product.image.name.rsplit("/", 1)[-1], product.updated_at)


def _stored(file: FieldFile, filename: str, modified_at: datetime | None) -> StoredFile | None:
    if not file or modified_at is None or not default_storage.exists(file.name):
        return None
    size = default_storage.size(file.name)
    tag = hashlib.sha256(f"{file.name}:{size}:{modified_at.isoformat()}".encode()).hexdigest()
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return StoredFile(file.name, size, content_type, f'"{tag[:32]}"', modified_at, filename)


def ensure_hd_url(task: VideoTask, *, client: KieClient | None = None) -> str:
    """The URL of a finished Veo task's 1080p version (asked of Kie once, then kept).

    NotReady while the task is unfinished or Kie is still making the 1080p file.
    """
    if task.state != VideoTask.State.SUCCESS:
        raise NotReady(f"Task {task.public_id} is {task.state}; 1080p comes after success.")
    return _hd_url(task, client or kie_client.for_request())


def download_filename(task: VideoTask, quality: str = "original") -> str:
    suffix = "-1080p" if quality == "1080p" else ""
    return f"{_base_filename(task)}{suffix}.mp4"


def _base_filename(task: VideoTask) -> str:
    product = slugify(task.product.name) or f"product-{task.product_id}"
    model = slugify(task.model_id.replace("/", "-").replace(".", "-"))
    return f"{product}-{model}-{task.public_id}"


def _original_url(task: VideoTask) -> str:
    if not task.result_urls:
        raise KieFailed(
            f"Kie.ai reported task {task.public_id} finished but returned no video URL."
        )
    return task.result_urls[0]


def _hd_url(task: VideoTask, client: KieClient) -> str:
    if task.provider != Provider.VEO:
        raise ValidationFailed(
            fields={
                "quality": f"1080p is only offered for Veo tasks; task {task.public_id} used "
                f"{task.model_id}. Use quality=original."
            }
        )
    if task.hd_video_url:
        return task.hd_video_url
    try:
        url = client.get_veo_1080p_video(task.kie_task_id)
    except KieNotReadyError as exc:
        raise NotReady(
            "The 1080p version is still processing; try again in a minute.",
            retry_after_seconds=HD_RETRY_AFTER_SECONDS,
        ) from exc
    except KieError as exc:
        raise translate_kie_error(exc, extra={"taskId": task.public_id}) from exc
    update_fields(task, hd_video_url=url)
    return url


def _fetch(url: str, range_header: str | None) -> requests.Response:
    """GET `url` streamed through the outbound gate (hosts, ports, addresses, every redirect)."""
    headers = {"Range": range_header} if range_header else {}
    return _checked(open_url(url, headers=headers))


def _checked(response: requests.Response) -> requests.Response:
    status = response.status_code
    if status in (200, 206):
        return response
    response.close()
    if status == 416:
        raise RangeNotSatisfiable(extra={"contentRange": response.headers.get("Content-Range")})
    if status in (403, 404, 410):
        raise MediaExpired()
    if status >= 500 or status == 429:
        raise KieUnavailable(f"Kie's media host answered HTTP {status}; try again shortly.")
    raise KieFailed(f"Kie's media host answered HTTP {status}.")


def _stream(response: requests.Response) -> Iterator[bytes]:
    try:
        yield from response.iter_content(CHUNK_BYTES)
    finally:
        response.close()


def _honours_ranges(response: requests.Response, range_header: str | None) -> bool:
    if response.status_code == 206:
        return True
    advertised = response.headers.get("Accept-Ranges", "").strip().lower() == "bytes"
    return advertised and not range_header


def _content_type(response: requests.Response) -> str:
    content_type = response.headers.get("Content-Type", "")
    # Object stores often label videos as generic bytes; browsers play them only as video/mp4.
    if not content_type or content_type.startswith(("application/octet-stream", "binary/")):
        return "video/mp4"
    return content_type


def _content_length(response: requests.Response) -> int | None:
    value = response.headers.get("Content-Length", "")
    return int(value) if value.isdigit() else None
