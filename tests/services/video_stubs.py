"""Kie answers and helpers for the video-task service tests (`responses` on the test hosts)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from campaigns.models import VideoTask
from campaigns.services.videos import start_video
from tests.factories import make_idea, make_staff_user
from tests.services.kie_stubs import KIE

VEO_GENERATE_URL = f"{KIE}/api/v1/veo/generate"
VEO_RECORD_URL = f"{KIE}/api/v1/veo/record-info"
VEO_1080P_URL = f"{KIE}/api/v1/veo/get-1080p-video"
JOBS_CREATE_URL = f"{KIE}/api/v1/jobs/createTask"
JOBS_RECORD_URL = f"{KIE}/api/v1/jobs/recordInfo"
MEDIA = "http://media.kie.invalid"
PROMPT = "A hiker refills a steel bottle at a mountain stream, slow push-in, morning light."


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
    monkeypatch: pytest.MonkeyPatch, *, read_timeout_seconds: float | None = None
) -> None:
    """Services get their usual clients (web or worker), but the worker's never really sleep.

    With no sleeping, the worker's limiter must not wait either (it would spin): it gives up at
    once, as a web request does.
    """
    monkeypatch.setattr("campaigns.services.kie_client.sleep", lambda seconds: None)
    monkeypatch.setattr(settings, "KIE_WORKER_MAX_WAIT_SECONDS", 0)
    if read_timeout_seconds is not None:
        monkeypatch.setattr(settings, "KIE_READ_TIMEOUT_SECONDS", read_timeout_seconds)
        monkeypatch.setattr(settings, "KIE_WEB_TIME_BUDGET_SECONDS", read_timeout_seconds)


def veo_created(kie: Any, task_id: str = "veo_task_abcdef123456") -> None:
    """Register Kie accepting one Veo create with `task_id` (on a `responses` mock)."""
    kie.post(VEO_GENERATE_URL, json=envelope({"taskId": task_id}))


def start(**overrides: Any) -> tuple[VideoTask, bool]:
    """start_video for a new staff user and idea on veo3_fast with PROMPT, unless overridden."""
    fields = {"user": make_staff_user(), "idea_id": make_idea().pk, "model_id": "veo3_fast"}
    fields["prompt"] = PROMPT
    fields.update(overrides)
    return start_video(**fields)
