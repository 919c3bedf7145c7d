"""Kie answers and helpers for the video-task service tests (`responses` on the test hosts)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from kie.client import KieClient

KIE = "http://kie.invalid"
VEO_GENERATE_URL = f"{KIE}/api/v1/veo/generate"
VEO_RECORD_URL = f"{KIE}/api/v1/veo/record-info"
VEO_1080P_URL = f"{KIE}/api/v1/veo/get-1080p-video"
JOBS_CREATE_URL = f"{KIE}/api/v1/jobs/createTask"
JOBS_RECORD_URL = f"{KIE}/api/v1/jobs/recordInfo"
MEDIA = "http://media.kie.invalid"

_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "kie"


def kie_fixture(name: str) -> dict[str, Any]:
    """A recorded Kie answer from tests/fixtures/kie/<name>.json."""
    return json.loads((_FIXTURES / f"{name}.json").read_text())


def envelope(data: Any, code: int = 200, msg: str = "success") -> dict[str, Any]:
    return {"code": code, "msg": msg, "data": data}


def veo_status(task_id: str, flag: int, **fields: Any) -> dict[str, Any]:
    """A Veo record-info answer with successFlag `flag` (0 generating, 1 success, 2/3 failed)."""
    data: dict[str, Any] = {"taskId": task_id, "successFlag": flag, "errorMessage": ""}
    data.update(fields)
    return envelope(data)


def jobs_status(task_id: str, state: str, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"taskId": task_id, "state": state, "failCode": "", "failMsg": ""}
    data.update(fields)
    return envelope(data)


def use_client_without_sleeps(
    monkeypatch: pytest.MonkeyPatch, *, read_timeout_seconds: float = 5.0
) -> None:
    """Services get a client (on whatever hosts settings name) whose retry backoff never waits."""

    def client() -> KieClient:
        return KieClient(
            api_key=settings.KIE_API_KEY,
            base_url=settings.KIE_BASE_URL,
            upload_base_url=settings.KIE_UPLOAD_BASE_URL,
            timeout=(2.0, read_timeout_seconds),
            sleep=lambda seconds: None,
        )

    monkeypatch.setattr("campaigns.services.kie_client.get_kie_client", client)


def sent_json(call: Any) -> dict[str, Any]:
    return json.loads(call.request.body)
