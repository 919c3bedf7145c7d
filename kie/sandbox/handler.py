"""The HTTP layer: read a request, dispatch it, apply answer-level faults, write the reply."""

from __future__ import annotations

import logging
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from kie.sandbox import routes
from kie.sandbox.replies import Reply, Request, envelope

if TYPE_CHECKING:
    from kie.sandbox.server import SandboxServer

logger = logging.getLogger("kie.sandbox")

MAX_BODY_BYTES = 200 * 1024 * 1024


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    sandbox: SandboxServer

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that gave up (read-timeout tests, a closed browser tab) is normal here.
        if isinstance(sys.exc_info()[1], ConnectionError):
            logger.debug("Client %s went away before the answer was sent", client_address)
            return
        super().handle_error(request, client_address)


class SandboxHandler(BaseHTTPRequestHandler):
    server: SandboxHTTPServer
    protocol_version = "HTTP/1.1"  # keep-alive, so a requests.Session reuses its connection
    server_version = "KieSandbox/1.0"

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _read_request(self) -> Request:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise ValueError(f"body over {MAX_BODY_BYTES} bytes")
        body = self.rfile.read(length) if length > 0 else b""
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        return Request(self.command, parts.path, query, self.headers, body)

    def _handle(self) -> None:
        app = self.server.sandbox
        try:
            request = self._read_request()
        except ValueError as exc:
            self._write(Reply(413, str(exc).encode(), "text/plain"))
            return
        app.state.log_request(request.method, request.path)
        try:
            reply = routes.dispatch(app, request)
        except Exception:  # the server boundary: one bad request must not kill the thread
            logger.exception("Sandbox error on %s %s", request.method, request.path)
            reply = envelope(500, "Internal server error", status=500)
        if not routes.is_control_path(request.path):
            reply = self._apply_faults(app, request, reply)
        self._write(reply, head_only=request.method == "HEAD")

    def _apply_faults(self, app: SandboxServer, request: Request, reply: Reply) -> Reply:
        faults = app.state.faults
        if faults.slow_seconds > 0:
            time.sleep(faults.slow_seconds)
        if faults.html_error and routes.is_api_path(request.path):
            page = f"<html><body><h1>{faults.html_error} Bad Gateway</h1></body></html>"
            return Reply(faults.html_error, page.encode(), "text/html")
        if reply.is_json and routes.is_api_path(request.path) and faults.take("malformed"):
            # HTTP 200 with half a JSON document, as a dropped proxy connection would leave it.
            return Reply(200, reply.body[: max(1, len(reply.body) // 2)], reply.content_type)
        return reply

    def _write(self, reply: Reply, *, head_only: bool = False) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not head_only:
            self.wfile.write(reply.body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # One line per request only at debug level (`kie_sandbox -v 2`); the command's
        # once-a-second traffic line is the readable summary.
        logger.debug('%s "%s" %s %s', self.address_string(), self.requestline, code, size)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        logger.info("%s %s", self.address_string(), format % args)
