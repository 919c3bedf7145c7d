"""Tiny real videos made at test time with PyAV, and a local server that hands them out.

No big media files are committed: a test asks for the length it needs.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import av
import pytest
from PIL import Image


def mp4_bytes(seconds: float, *, size: tuple[int, int] = (64, 48), fps: int = 5) -> bytes:
    """An H.264 MP4 of `seconds` (at `fps` frames a second), its colour changing every frame."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for index in range(max(1, round(seconds * fps))):
            picture = Image.new("RGB", size, ((index * 40) % 256, 80, 160))
            frame = av.VideoFrame.from_image(picture).reformat(format="yuv420p")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


class ClipServer:
    """Serves `files` (path -> (bytes, content type)) on 127.0.0.1; `with_length=False` sends no
    Content-Length (the body ends when the connection closes)."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {}
        self.with_length = True
        self.requests: list[str] = []
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:
                server.requests.append(self.path)
                body, content_type = server.files.get(self.path, (b"", ""))
                self.send_response(200 if content_type else 404)
                self.send_header("Content-Type", content_type or "text/plain")
                if server.with_length:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.port = self._httpd.server_address[1]
        self.host = f"127.0.0.1:{self.port}"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def add(self, path: str, body: bytes, content_type: str = "video/mp4") -> str:
        self.files[path] = (body, content_type)
        return f"http://{self.host}{path}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def clip_server(settings) -> Iterator[ClipServer]:
    """A ClipServer whose host:port the outbound gate allows (like the sandbox's own).

    Ask for it after `kie_sandbox` when a test uses both: that fixture sets the media hosts anew.
    """
    server = ClipServer()
    settings.KIE_MEDIA_HOSTS = [*settings.KIE_MEDIA_HOSTS, server.host]
    yield server
    server.close()
