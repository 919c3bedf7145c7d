"""Shared helpers for the KieClient unit tests: a client with a recording sleep, and fixtures."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kie.client import KieClient

BASE_URL = "http://kie.invalid"
UPLOAD_BASE_URL = "http://upload.kie.invalid"
API_KEY = "test-key-do-not-log"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "kie"


def load_fixture(name: str) -> dict[str, Any]:
    """A recorded Kie answer from tests/fixtures/kie/<name>.json."""
    return json.loads((FIXTURES / f"{name}.json").read_text())


def make_client(**overrides: Any) -> tuple[KieClient, list[float]]:
    """A client on the test hosts whose sleeps are recorded instead of waited."""
    sleeps: list[float] = []
    options: dict[str, Any] = {
        "api_key": API_KEY,
        "base_url": BASE_URL,
        "upload_base_url": UPLOAD_BASE_URL,
        "timeout": (3.0, 30.0),
        "chat_timeout": (3.0, 120.0),
        "sleep": sleeps.append,
        **overrides,
    }
    return KieClient(**options), sleeps


MESSAGES = [{"role": "user", "content": "hi"}]

# One entry per endpoint: name -> (method, url, endpoint path as errors report it, the call).
CALLS: dict[str, tuple[str, str, str, Callable[[KieClient], Any]]] = {
    "chat": (
        "POST",
        f"{BASE_URL}/gemini-2.5-flash/v1/chat/completions",
        "/gemini-2.5-flash/v1/chat/completions",
        lambda c: c.chat(MESSAGES),
    ),
    "veo_generate": (
        "POST",
        f"{BASE_URL}/api/v1/veo/generate",
        "/api/v1/veo/generate",
        lambda c: c.generate_veo_video({"prompt": "A mug"}),
    ),
    "create_task": (
        "POST",
        f"{BASE_URL}/api/v1/jobs/createTask",
        "/api/v1/jobs/createTask",
        lambda c: c.create_task({"model": "kling-2.6/image-to-video", "input": {}}),
    ),
    "veo_status": (
        "GET",
        f"{BASE_URL}/api/v1/veo/record-info",
        "/api/v1/veo/record-info",
        lambda c: c.get_veo_task("veo_task_1"),
    ),
    "jobs_status": (
        "GET",
        f"{BASE_URL}/api/v1/jobs/recordInfo",
        "/api/v1/jobs/recordInfo",
        lambda c: c.get_task("task_1"),
    ),
    "veo_1080p": (
        "GET",
        f"{BASE_URL}/api/v1/veo/get-1080p-video",
        "/api/v1/veo/get-1080p-video",
        lambda c: c.get_veo_1080p_video("veo_task_1"),
    ),
    "credits": (
        "GET",
        f"{BASE_URL}/api/v1/chat/credit",
        "/api/v1/chat/credit",
        lambda c: c.get_credits(),
    ),
    "upload": (
        "POST",
        f"{UPLOAD_BASE_URL}/api/file-base64-upload",
        "/api/file-base64-upload",
        lambda c: c.upload_file_base64(b"png", file_name="a.png", mime_type="image/png"),
    ),
}
