"""Kie File Upload API (separate host): request bodies and the `UploadedFile` answer."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from .errors import KieBadResponseError
from .types import UploadedFile


def base64_body(data: bytes, *, file_name: str, mime_type: str, upload_path: str) -> dict:
    encoded = base64.b64encode(data).decode("ascii")
    return {
        "base64Data": f"data:{mime_type};base64,{encoded}",
        "uploadPath": clean_upload_path(upload_path),
        "fileName": file_name,
    }


def clean_upload_path(upload_path: str) -> str:
    # Kie wants no leading or trailing slash on uploadPath.
    return upload_path.strip().strip("/")


def parse_uploaded_file(data: Any, *, endpoint: str = "") -> UploadedFile:
    """`data` of an upload answer. `downloadUrl` is current; older answers had `fileUrl`."""
    url = _first_text(data, "downloadUrl", "fileUrl") if isinstance(data, dict) else None
    if url is None:
        raise KieBadResponseError(
            "Kie.ai's upload answer has no data.downloadUrl (nor the older data.fileUrl).",
            endpoint=endpoint,
            payload=data,
            outcome_unknown=True,
        )
    size = data.get("fileSize")
    return UploadedFile(
        download_url=url,
        file_path=_first_text(data, "filePath", "uploadPath") or "",
        file_size=size if isinstance(size, int) and not isinstance(size, bool) else None,
        mime_type=_first_text(data, "mimeType") or "",
        uploaded_at=_datetime(data.get("uploadedAt")),
        raw=data,
    )


def _first_text(data: dict, *keys: str) -> str | None:
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)  # "2025-01-01T12:00:00.000Z" parses on 3.11+
    except ValueError:
        return None
