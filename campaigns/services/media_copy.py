"""Copying a video from a URL into a local temporary file: streamed, capped, timed, hashed.

The fetch goes through the outbound gate (outbound.open_url): Kie's media hosts for archives, any
public host for a user's reference video. The size cap holds whether or not the server sends a
Content-Length, and the time budget holds even against a server that drips one byte at a time: a
timer closes the connection when the budget is spent.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import IO

import requests
from django.conf import settings

from .errors import ServiceError
from .outbound import open_url

CHUNK_BYTES = 256 * 1024
# What a video may be labelled as. Object stores often send generic bytes; the file itself is
# checked with PyAV afterwards either way.
VIDEO_CONTENT_TYPES = ("video/",)
GENERIC_CONTENT_TYPES = ("application/octet-stream", "binary/octet-stream", "")


class CopyFailed(Exception):
    """The copy did not happen. `permanent`: trying again cannot help (too big, not a video)."""

    def __init__(self, message: str, *, permanent: bool = False, size: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.size = size  # bytes, when the failure is about the size


@dataclass(frozen=True)
class Copied:
    file: IO[bytes]  # positioned at the start; the caller closes it (it deletes itself)
    size: int
    sha256: str
    content_type: str


def copy_to_tempfile(
    url: str, *, max_bytes: int, budget_seconds: float, any_public_host: bool = False
) -> Copied:
    """Download `url` into a self-deleting temporary file; CopyFailed saying why not."""
    deadline = time.monotonic() + budget_seconds
    response = _open(url, budget_seconds, any_public_host)
    timer = threading.Timer(budget_seconds, response.close)
    timer.start()
    try:
        content_type = _checked_headers(response, max_bytes)
        target = tempfile.NamedTemporaryFile(prefix="adstudio-copy-", suffix=".video")
        try:
            size, digest = _stream_into(response, target, max_bytes, deadline)
            _check_complete(response, size)
        except BaseException:
            target.close()
            raise
    finally:
        timer.cancel()
        response.close()
    target.seek(0)
    return Copied(target, size, digest, content_type)


def _open(url: str, budget_seconds: float, any_public_host: bool) -> requests.Response:
    connect = min(settings.KIE_CONNECT_TIMEOUT_SECONDS, budget_seconds)
    read = min(settings.KIE_READ_TIMEOUT_SECONDS, budget_seconds)
    try:
        response = open_url(url, timeout=(connect, read), any_public_host=any_public_host)
    except ServiceError as exc:
        permanent = exc.code == "media_host_not_allowed"
        raise CopyFailed(exc.message, permanent=permanent) from exc
    if response.status_code != 200:
        response.close()
        raise CopyFailed(f"the server answered HTTP {response.status_code}")
    return response


def _checked_headers(response: requests.Response, max_bytes: int) -> str:
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if not content_type.startswith(VIDEO_CONTENT_TYPES) and content_type not in (
        GENERIC_CONTENT_TYPES
    ):
        raise CopyFailed(f"the server sent {content_type!r}, not a video", permanent=True)
    declared = _declared_length(response)
    if declared is not None and declared > max_bytes:
        raise CopyFailed(_too_big(declared, max_bytes), permanent=True, size=declared)
    return content_type if content_type.startswith("video/") else "video/mp4"


def _stream_into(
    response: requests.Response, target: IO[bytes], max_bytes: int, deadline: float
) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    try:
        for chunk in response.iter_content(CHUNK_BYTES):
            size += len(chunk)
            if size > max_bytes:
                raise CopyFailed(_too_big(size, max_bytes, more=True), permanent=True, size=size)
            digest.update(chunk)
            target.write(chunk)
    except (requests.RequestException, OSError, AttributeError, ValueError) as exc:
        # A closed connection (the timer's doing) surfaces as any of these, depending on timing.
        if time.monotonic() >= deadline:
            raise CopyFailed("the download took longer than its time budget") from exc
        raise CopyFailed(f"the download broke off after {size:,} bytes ({exc})") from exc
    if time.monotonic() >= deadline:
        raise CopyFailed("the download took longer than its time budget")
    target.flush()
    return size, digest.hexdigest()


def _check_complete(response: requests.Response, size: int) -> None:
    declared = _declared_length(response)
    if declared is not None and size != declared:
        raise CopyFailed(f"the download ended after {size:,} of {declared:,} bytes")


def _declared_length(response: requests.Response) -> int | None:
    if response.headers.get("Content-Encoding", "identity") != "identity":
        return None  # the length of the compressed body, not of the file
    value = response.headers.get("Content-Length", "")
    return int(value) if value.isdigit() else None


def _too_big(size: int, max_bytes: int, *, more: bool = False) -> str:
    if more:  # no Content-Length: we stopped reading at the limit
        return f"the file is larger than the limit of {mb(max_bytes)}"
    return f"the file is {mb(size)}; the limit is {mb(max_bytes)}"


def mb(size: int) -> str:
    """`size` for messages: bytes below 1 MB, else MB (1 MB = 1,048,576 bytes)."""
    if size < 1024 * 1024:
        return f"{size:,} bytes"
    return f"{size / (1024 * 1024):,.1f} MB"
