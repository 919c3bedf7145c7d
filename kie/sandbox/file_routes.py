"""The File Upload API, and the sandbox's own file serving with Range support.

See docs/kie.md#file-uploads.
"""

from __future__ import annotations

import binascii
import mimetypes
import re
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from kie.sandbox import uploads
from kie.sandbox.replies import Reply, Request, envelope, json_reply, upload_error
from kie.sandbox.state import StoredFile

if TYPE_CHECKING:
    from kie.sandbox.server import SandboxServer

MEDIA_DIR = Path(__file__).resolve().parent / "media"
_MEDIA_NAME = re.compile(r"^([\w.-]+?)(-1080p|-origin|-poster)?\.(mp4|jpg)$")
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _missing(name: str) -> Reply:
    return upload_error(400, f"Missing required parameter: {name}")


def _json_with(request: Request, *required: str) -> dict[str, Any] | Reply:
    """The JSON body when it is an object holding every `required` field, else Kie's 400."""
    body = request.json_object()
    if body is None:
        return upload_error(400, "The request body must be a JSON object")
    for name in required:
        if not body.get(name):
            return _missing(name)
    return body


def _store(app: SandboxServer, data: bytes, upload_path: str, file_name: str, mime: str) -> Reply:
    """Keep the bytes, answer exactly like Kie's upload success."""
    upload_path = upload_path.strip("/")
    mime = mime or uploads.sniff_mime(data, file_name)
    file_name = file_name or f"{secrets.token_hex(8)}{mimetypes.guess_extension(mime) or ''}"
    path = f"{upload_path}/{file_name}"
    now = time.time()
    app.state.store_upload(path, StoredFile(data, file_name, mime, now))
    uploaded_at = datetime.fromtimestamp(now, UTC).isoformat(timespec="milliseconds")
    data_out = {
        "fileName": file_name,
        "filePath": path,
        "downloadUrl": f"{app.base_url}/files/{quote(path)}",
        "fileSize": len(data),
        "mimeType": mime,
        "uploadedAt": uploaded_at.replace("+00:00", "Z"),
    }
    payload = {"success": True, "code": 200, "msg": "File uploaded successfully", "data": data_out}
    return json_reply(payload)


def upload_base64(app: SandboxServer, request: Request) -> Reply:
    body = _json_with(request, "base64Data", "uploadPath")
    if isinstance(body, Reply):
        return body
    try:
        data, mime = uploads.decode_base64(str(body["base64Data"]))
    except (binascii.Error, ValueError):
        return upload_error(400, "base64Data is not valid base64 (raw or a data: URL)")
    return _store(app, data, str(body["uploadPath"]), str(body.get("fileName") or ""), mime)


def upload_stream(app: SandboxServer, request: Request) -> Reply:
    form = uploads.parse_multipart(request.headers.get("Content-Type", ""), request.body)
    if form is None:
        return upload_error(400, "The body must be multipart/form-data with a file part")
    if form.file is None:
        return _missing("file")
    if not form.fields.get("uploadPath"):
        return _missing("uploadPath")
    file_name = form.fields.get("fileName") or form.file_name
    return _store(app, form.file, form.fields["uploadPath"], file_name, form.file_type)


def upload_url(app: SandboxServer, request: Request) -> Reply:
    body = _json_with(request, "fileUrl", "uploadPath")
    if isinstance(body, Reply):
        return body
    url = str(body["fileUrl"])
    if not uploads.is_loopback_url(url):
        return upload_error(
            400, "The sandbox only fetches http(s) URLs on 127.0.0.1/localhost; fileUrl was not"
        )
    try:
        data, mime = uploads.fetch(url)
    except OSError as exc:
        return upload_error(500, f"Failed to download fileUrl: {exc}")
    file_name = str(body.get("fileName") or unquote(url.rsplit("/", 1)[-1].split("?")[0]))
    return _store(app, data, str(body["uploadPath"]), file_name, mime)


def serve_upload(app: SandboxServer, request: Request) -> Reply:
    path = unquote(request.path.removeprefix("/files/"))
    with app.state.lock:
        stored = app.state.uploads.get(path)
    if stored is None:
        return envelope(404, f"No uploaded file at {path}", status=404)
    return ranged(stored.data, stored.mime_type, request.headers.get("Range"))


def serve_media(app: SandboxServer, request: Request) -> Reply:
    """Every task's video (and poster) is the same shipped sample, under the task's own name."""
    name = request.path.removeprefix("/media/")
    match = _MEDIA_NAME.match(name)
    if not match:
        return envelope(404, f"No media named {name}", status=404)
    task_id, _variant, extension = match.groups()
    if app.state.media_expired(task_id):
        # Kie deletes results after its retention (14 days) and the old links answer 404.
        return envelope(404, f"{name} has expired: results are kept for 14 days", status=404)
    is_video = extension == "mp4"
    source = MEDIA_DIR / ("sample.mp4" if is_video else "poster.jpg")
    content_type = "video/mp4" if is_video else "image/jpeg"
    return ranged(source.read_bytes(), content_type, request.headers.get("Range"))


def ranged(data: bytes, content_type: str, range_header: str | None) -> Reply:
    """200 with the whole file, 206 for one satisfiable `bytes=` range, 416 otherwise."""
    size = len(data)
    headers = {"Accept-Ranges": "bytes"}
    match = _RANGE.match((range_header or "").strip())
    if not match or match.groups() == ("", ""):
        # No header, or one we do not understand: RFC 9110 says ignore it and send everything.
        return Reply(200, data, content_type, headers)
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    else:  # "bytes=-N": the last N bytes
        start, end = max(0, size - int(last)), size - 1
    if start >= size or start > end:
        return Reply(416, b"", content_type, headers | {"Content-Range": f"bytes */{size}"})
    headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return Reply(206, data[start : end + 1], content_type, headers)
