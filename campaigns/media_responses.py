"""HTTP answers for media: archived files with ranges and validators, or Kie's file streamed.

Used by the staff-only media views (campaigns/media_views.py) and GET /api/video/download.
How the bytes of a stored file leave the server is settings.MEDIA_DELIVERY (README "How downloads
are served"):
- `stream`: this process sends them from an open file (gunicorn with sendfile). Under gunicorn's
  threaded workers a download holds one thread, not a worker, and the worker keeps answering
  its heartbeat, so `--timeout` never cuts a long download. The database connection is given
  back before the first byte is sent.
- `x-accel-redirect` / `x-sendfile`: the web server in front sends the file (nginx / Apache,
  lighttpd); Django only checks the login and names the file.
- `redirect`: a short-lived signed URL of the object store (S3-compatible storage).
Every mode checks the staff login, answers 304 to a matching If-None-Match / If-Modified-Since,
and names the file in Content-Disposition (inline, or attachment with `?download=1`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe

from campaigns.models import VideoTask
from campaigns.services import downloads
from campaigns.services.downloads import StoredFile
from campaigns.services.media import RangeNotSatisfiable

FILE_CHUNK_BYTES = 256 * 1024
CACHE_CONTROL = "private, max-age=3600"
DELIVERY_MODES = ("stream", "x-accel-redirect", "x-sendfile", "redirect")
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def task_video_response(
    request: HttpRequest, task: VideoTask, *, quality: str, attachment: bool
) -> HttpResponseBase:
    """The archived copy when there is one, else Kie's file streamed through (the fallback)."""
    stored = downloads.archived_file(task, quality)
    if stored is not None:
        return stored_file_response(request, stored, attachment=attachment)
    download = downloads.open_download(
        task, quality=quality, range_header=request.headers.get("Range")
    )
    return streaming_response(download, attachment=attachment)


def stored_file_response(
    request: HttpRequest, stored: StoredFile, *, attachment: bool = False
) -> HttpResponseBase:
    """A file from media storage: 200, 206, 304 or 416 (raised), or handed to the delivery mode."""
    modified = int(stored.modified_at.timestamp())
    unchanged = get_conditional_response(request, etag=stored.etag, last_modified=modified)
    if unchanged is not None:
        return _with_validators(unchanged, stored)
    mode = delivery_mode()
    if mode == "redirect":
        return _redirect(stored, attachment)
    if mode != "stream":
        return _offloaded(stored, mode, attachment)
    byte_range = requested_range(request, stored)
    return _streamed(stored, byte_range, attachment)


def delivery_mode() -> str:
    """settings.MEDIA_DELIVERY, or by default a signed-URL redirect when the storage signs URLs."""
    mode = settings.MEDIA_DELIVERY
    if mode:
        if mode not in DELIVERY_MODES:
            raise ValueError(f"MEDIA_DELIVERY={mode!r}; choose one of {', '.join(DELIVERY_MODES)}")
        return mode
    return "redirect" if getattr(default_storage, "querystring_auth", False) else "stream"


# --- Ranges --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def requested_range(request: HttpRequest, stored: StoredFile) -> ByteRange | None:
    """The one byte range asked for, or None for the whole file.

    A Range we don't serve (several ranges, another unit, bad syntax) or one whose If-Range no
    longer matches is ignored, as RFC 9110 allows: the whole file follows. One that starts past
    the end raises RangeNotSatisfiable (416 with `Content-Range: bytes */size`).
    """
    header = request.headers.get("Range", "").strip()
    match = _RANGE.match(header)
    if not match or match.groups() == ("", "") or not _if_range_holds(request, stored):
        return None
    first, last = match.groups()
    size = stored.size
    if first:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    else:  # "bytes=-N": the last N bytes
        start, end = max(0, size - int(last)), size - 1
    if start >= size or start > end:
        raise RangeNotSatisfiable(
            f"The range {header!r} lies outside the file ({size:,} bytes).",
            extra={"contentRange": f"bytes */{size}"},
        )
    return ByteRange(start, end)


def _if_range_holds(request: HttpRequest, stored: StoredFile) -> bool:
    """If-Range: serve the range only if the file is still the one the client has part of."""
    value = request.headers.get("If-Range", "").strip()
    if not value:
        return True
    if value.startswith(('"', "W/")):
        return value == stored.etag  # the strong comparison; a weak tag never matches
    return parse_http_date_safe(value) == int(stored.modified_at.timestamp())


# --- The delivery modes --------------------------------------------------------------------


def _streamed(stored: StoredFile, byte_range: ByteRange | None, attachment: bool) -> HttpResponse:
    start, length = (byte_range.start, byte_range.length) if byte_range else (0, stored.size)
    # A FileResponse reaches the WSGI server as its file wrapper: gunicorn then hands the file to
    # the kernel (sendfile) for exactly Content-Length bytes from the file's position instead of
    # copying it through Python; other servers read it block by block, still bounded.
    response = FileResponse(
        _FileRange(stored.name, start, length),
        status=206 if byte_range else 200,
        content_type=stored.content_type,
    )
    response.block_size = FILE_CHUNK_BYTES
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if byte_range:
        response["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{stored.size}"
    _describe(response, stored, attachment)
    return response


class _FileRange:
    """`length` bytes of a stored file from `start`, as a file: read() never passes the range's
    end, and fileno() lets the server send it with sendfile. Django closes it when the response
    ends, also when the client went away mid-download. No name, tell or seek on purpose: the
    response's headers come from the stored file's record, not from sniffing this object."""

    def __init__(self, name: str, start: int, length: int) -> None:
        self._file: IO[bytes] = default_storage.open(name, "rb")
        self._file.seek(start)
        self._remaining = length
        self._sending = False

    def read(self, size: int = -1) -> bytes:
        self._start_sending()
        wanted = self._remaining if size < 0 else min(size, self._remaining)
        chunk = self._file.read(wanted) if wanted > 0 else b""
        self._remaining -= len(chunk)
        return chunk

    def fileno(self) -> int:
        self._start_sending()
        return self._file.fileno()

    def _start_sending(self) -> None:
        # The view is done with the database: a long download must not hold a connection.
        if not self._sending:
            self._sending = True
            if not connection.in_atomic_block:
                connection.close()

    def close(self) -> None:
        self._file.close()


def _offloaded(stored: StoredFile, mode: str, attachment: bool) -> HttpResponse:
    """The web server in front sends the file (and handles Range itself)."""
    response = HttpResponse(content_type=stored.content_type)
    if mode == "x-accel-redirect":
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT_PREFIX + stored.name
    else:
        response["X-Sendfile"] = default_storage.path(stored.name)
    _describe(response, stored, attachment)
    return response


def _redirect(stored: StoredFile, attachment: bool) -> HttpResponseRedirect:
    """A signed URL that works for MEDIA_SIGNED_URL_SECONDS; the store serves ranges itself."""
    parameters = {
        "ResponseContentDisposition": disposition(attachment, stored.filename),
        "ResponseContentType": stored.content_type,
    }
    try:
        url = default_storage.url(
            stored.name, parameters=parameters, expire=settings.MEDIA_SIGNED_URL_SECONDS
        )
    except TypeError:  # a storage whose url() takes no signing parameters
        url = default_storage.url(stored.name)
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"  # the URL stops working soon
    return response


def _describe(response: HttpResponseBase, stored: StoredFile, attachment: bool) -> None:
    response["Content-Disposition"] = disposition(attachment, stored.filename)
    response["Cache-Control"] = CACHE_CONTROL
    _with_validators(response, stored)


def _with_validators(response: HttpResponseBase, stored: StoredFile) -> HttpResponseBase:
    response["ETag"] = stored.etag
    response["Last-Modified"] = http_date(stored.modified_at.timestamp())
    return response


def disposition(attachment: bool, filename: str) -> str:
    """Content-Disposition naming `filename`, minus anything that could break the header."""
    name = "".join(ch for ch in filename if ch.isprintable() and ch not in '"\\')
    return content_disposition_header(attachment, name or "video.mp4")


# --- Kie's file, streamed through (the fallback) -----------------------------------------------


class _ClosingChunks:
    """Django calls `close()` on streamed content once sent, even if iteration never began."""

    def __init__(self, download: downloads.Download) -> None:
        self._download = download

    def __iter__(self) -> Iterator[bytes]:
        if not connection.in_atomic_block:
            connection.close()
        return iter(self._download.chunks)

    def close(self) -> None:
        self._download.close()


def streaming_response(
    download: downloads.Download, *, attachment: bool = True
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _ClosingChunks(download), status=download.status, content_type=download.content_type
    )
    response["Content-Disposition"] = disposition(attachment, download.filename)
    if download.accept_ranges:
        response["Accept-Ranges"] = "bytes"
    if download.content_length is not None:
        response["Content-Length"] = str(download.content_length)
    if download.content_range:
        response["Content-Range"] = download.content_range
    return response
