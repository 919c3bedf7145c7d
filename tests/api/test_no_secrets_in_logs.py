"""Secrets never reach a log line, whatever the flow goes through (successes and failures)."""

from __future__ import annotations

import logging

import pytest
from django.core.management import call_command

from campaigns.models import VideoTask
from tests.api.sandbox_helpers import (
    create_ideas_from_upload,
    poll_until_done,
    read_stream,
    start_video,
)

pytestmark = pytest.mark.django_db

WEBHOOK_KEY = "whsec-do-not-log-me-7f3a"
CALLBACK_SECRET = "callback-secret-do-not-log-9b2c"


def test_a_full_flow_logs_neither_the_kie_key_nor_the_webhook_secrets(
    api, kie_sandbox, settings, caplog, django_capture_on_commit_callbacks
):
    settings.KIE_WEBHOOK_HMAC_KEY = WEBHOOK_KEY
    settings.KIE_CALLBACK_SECRET = CALLBACK_SECRET
    settings.KIE_CALLBACK_BASE_URL = "http://127.0.0.1:9"  # sent to Kie, never called here
    caplog.set_level(logging.DEBUG)

    ideas = create_ideas_from_upload(api)
    idea_id = ideas["ideas"][0]["id"]
    api.post("/api/prompts", {"ideaId": idea_id, "model": "veo3_fast"}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        task = start_video(api, kie_sandbox, idea_id, "veo3_fast")
        done, _ = poll_until_done(api, task)
        read_stream(api.get("/api/video/download", {"taskId": done["taskId"]}))
        _unsigned_callback(api, done["taskId"], done["kieTaskId"])
    kie_sandbox.set_faults(fail_tasks={"code": 500, "msg": "Internal error"})
    failed, _ = poll_until_done(
        api, start_video(api, kie_sandbox, idea_id, "kling-2.6/image-to-video")
    )
    api.post(f"/api/tasks/{failed['taskId']}/retry")
    settings.KIE_API_KEY = "wrong-" + kie_sandbox.api_key  # Kie refusing our key is logged too
    api.post("/api/video", {"ideaId": idea_id, "model": "veo3", "prompt": "p"}, format="json")
    call_command("db_worker", batch=True, verbosity=0)
    api.get("/api/credits")

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged  # the flow did log; the check below has something to look at
    assert VideoTask.objects.filter(state="success").exists()
    for secret in (kie_sandbox.api_key, WEBHOOK_KEY, CALLBACK_SECRET):
        assert secret not in logged
        assert secret not in caplog.text  # formatted records, exception text included


def _unsigned_callback(api, task_id: str, kie_task_id: str) -> None:
    """A forged callback (no signature): refused, and the refusal is logged without secrets."""
    body = {"code": 200, "data": {"taskId": kie_task_id}}
    api.post(f"/kie/callback/{task_id}?token=guess", body, format="json")
