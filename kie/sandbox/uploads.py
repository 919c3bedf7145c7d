"""Reading upload bodies: base64 / data: URLs, multipart forms, and (loopback-only) URL fetches."""

from __future__ import annotations

import base64
import ipaddress
import mimetypes
import re
import urllib.request
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import urlsplit

_DATA_URL = re.compile(r"^data:([\w.+-]+/[\w.+-]+)?(?:;[^,]*)?;base64,", re.IGNORECASE)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"%PDF", "application/pdf"),
)
FETCH_TIMEOUT_SECONDS = 30  # Kie's own limit for file-url-upload
_LOCAL_NAMES = {"localhost"}


@dataclass
class MultipartForm:
    fields: dict[str, str] = field(default_factory=dict)
    file: bytes | None = None
    file_name: str = ""
    file_type: str = ""


def decode_base64(value: str) -> tuple[bytes, str]:
    """(bytes, mime type or "") from raw base64 or a `data:<mime>;base64,...` URL."""
    mime = ""
    match = _DATA_URL.match(value)
    if match:
        mime = (match.group(1) or "").lower()
        value = value[match.end() :]
    data = base64.b64decode("".join(value.split()), validate=True)
    if not data:
        raise ValueError("base64Data decodes to nothing")
    return data, mime


def sniff_mime(data: bytes, file_name: str = "") -> str:
    guessed = mimetypes.guess_type(file_name)[0] if file_name else None
    if guessed:
        return guessed
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp":
        return "video/mp4"
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    return "application/octet-stream"


def parse_multipart(content_type: str, body: bytes) -> MultipartForm | None:
    """Parse multipart/form-data with the stdlib email parser (`cgi` is gone from Python 3.13)."""
    if not content_type.lower().startswith("multipart/form-data"):
        return None
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        return None
    form = MultipartForm()
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if name == "file":
            form.file = payload
            form.file_name = part.get_filename() or ""
            form.file_type = _declared_type(part.get("Content-Type"))
        elif isinstance(name, str) and part.get_filename() is None:
            form.fields[name] = payload.decode("utf-8", errors="replace")
    return form


def _declared_type(header: str | None) -> str:
    # A missing or generic part type says nothing; let sniffing decide instead.
    mime = (header or "").split(";")[0].strip().lower()
    return "" if mime in ("", "application/octet-stream") else mime


def is_loopback_url(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return False
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def no_proxy_opener() -> urllib.request.OpenerDirector:
    # Loopback traffic must never be sent through an HTTP(S)_PROXY from the environment.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url: str) -> tuple[bytes, str]:
    """GET a loopback URL: (bytes, content type or ""). Raises OSError on any failure."""
    with no_proxy_opener().open(url, timeout=FETCH_TIMEOUT_SECONDS) as response:
        data = response.read()
        return data, _declared_type(response.headers.get("Content-Type"))
