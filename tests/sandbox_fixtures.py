"""Fixtures for the offline Kie sandbox: one server per test session, fresh state per test."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from kie.sandbox import SandboxServer


class ManualClock:
    """A clock that only moves when told: `SandboxServer(clock=...)`, or a client's `sleep`."""

    def __init__(self, now: float = 1_767_225_600.0) -> None:  # 2026-01-01 00:00:00 UTC
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="session")
def kie_sandbox_server() -> Iterator[SandboxServer]:
    """The sandbox on an ephemeral loopback port, moving tasks one state per status read.

    Kie's rate limits are on, as in production: a test that truly needs more than 20 creates in
    10 s or 10 status reads in a second says so with `kie_sandbox.set_limits(enabled=False)`.
    """
    server = SandboxServer(port=0, advance_on_poll=True).start()
    yield server
    server.stop()


@pytest.fixture
def kie_sandbox(kie_sandbox_server: SandboxServer, settings) -> SandboxServer:
    """A reset sandbox (empty rate windows and counters, limits back on) with Django's Kie
    settings pointed at it."""
    kie_sandbox_server.reset()
    settings.KIE_BASE_URL = kie_sandbox_server.base_url
    settings.KIE_UPLOAD_BASE_URL = kie_sandbox_server.base_url
    settings.KIE_API_KEY = kie_sandbox_server.api_key
    # The sandbox serves result videos itself: its exact host:port, nothing else on 127.0.0.1.
    settings.KIE_MEDIA_HOSTS = [f"127.0.0.1:{kie_sandbox_server.port}"]
    return kie_sandbox_server


@pytest.fixture(scope="session")
def clocked_sandbox_server() -> Iterator[tuple[SandboxServer, ManualClock]]:
    clock = ManualClock()
    server = SandboxServer(port=0, advance_on_poll=True, clock=clock).start()
    yield server, clock
    server.stop()


@pytest.fixture
def clocked_sandbox(
    clocked_sandbox_server: tuple[SandboxServer, ManualClock],
) -> tuple[SandboxServer, ManualClock]:
    """(server, clock): a reset sandbox whose clock — rate windows, statistics, task times —
    moves only by `clock.advance(seconds)`, so window tests never sleep."""
    server, clock = clocked_sandbox_server
    clock.now = ManualClock().now
    server.reset()
    return server, clock


def call_sandbox(
    server: SandboxServer, method: str, path: str, *, api_key: str | None = None, **kwargs: Any
) -> requests.Response:
    """One real HTTP request to the sandbox, authorised with its key unless told otherwise."""
    headers = {"Authorization": f"Bearer {api_key or server.api_key}", **kwargs.pop("headers", {})}
    return requests.request(
        method, f"{server.base_url}{path}", headers=headers, timeout=10, **kwargs
    )


class CallbackReceiver:
    """A tiny local HTTP endpoint that records every POST it gets (Kie callbacks)."""

    def __init__(self) -> None:
        self.received: queue.Queue[tuple[dict[str, str], dict[str, Any]]] = queue.Queue()
        receiver = self

        class _Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.put((dict(self.headers.items()), json.loads(body)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/kie/callback"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def next(self, timeout_seconds: float = 5.0) -> tuple[dict[str, str], dict[str, Any]]:
        """The next (headers, JSON body) received; queue.Empty if none arrives in time."""
        return self.received.get(timeout=timeout_seconds)

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


# A schema shaped like the one ideas generation sends: ten ranked ideas with assorted field types.
IDEA_SCHEMA = {
    "type": "object",
    "required": ["ideas"],
    "properties": {
        "ideas": {
            "type": "array",
            "minItems": 10,
            "maxItems": 10,
            "items": {
                "type": "object",
                "required": ["rank", "title", "hook"],
                "properties": {
                    "rank": {"type": "integer", "minimum": 1, "maximum": 10},
                    "title": {"type": "string", "maxLength": 40},
                    "hook": {"type": "string"},
                    "mood": {"type": "string", "enum": ["calm", "bold", "funny"]},
                    "seconds": {"type": "integer", "minimum": 5, "maximum": 15},
                    "score": {"type": "number", "minimum": 0, "maximum": 1},
                    "fits_kids": {"type": "boolean"},
                },
            },
        }
    },
}


def json_schema_format(schema: dict[str, Any]) -> dict[str, Any]:
    """A chat `response_format` in the nested form Kie documents."""
    return {
        "type": "json_schema",
        "json_schema": {"name": "structured_output", "strict": True, "schema": schema},
    }


VEO_BODY = {"prompt": "A kettle on a sunny counter", "model": "veo3_fast", "aspect_ratio": "16:9"}
KLING_BODY = {
    "model": "kling-2.6/image-to-video",
    "input": {
        "prompt": "The kettle steams",
        "image_urls": ["http://127.0.0.1/p.png"],
        "sound": False,
        "duration": "5",
    },
}


def create_veo(server: SandboxServer, **overrides: Any) -> str:
    answer = call_sandbox(server, "POST", "/api/v1/veo/generate", json=VEO_BODY | overrides).json()
    assert answer["code"] == 200, answer
    return answer["data"]["taskId"]


def create_job(server: SandboxServer, body: dict[str, Any] = KLING_BODY) -> str:
    answer = call_sandbox(server, "POST", "/api/v1/jobs/createTask", json=body).json()
    assert answer["code"] == 200, answer
    return answer["data"]["taskId"]


def veo_status(server: SandboxServer, task_id: str) -> dict[str, Any]:
    path = f"/api/v1/veo/record-info?taskId={task_id}"
    return call_sandbox(server, "GET", path).json()


def job_status(server: SandboxServer, task_id: str) -> dict[str, Any]:
    return call_sandbox(server, "GET", f"/api/v1/jobs/recordInfo?taskId={task_id}").json()


def credits_of(server: SandboxServer) -> float:
    return call_sandbox(server, "GET", "/api/v1/chat/credit").json()["data"]
