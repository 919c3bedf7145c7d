"""Start → poll → download against the offline Kie sandbox over real loopback HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import VideoTask
from campaigns.services.downloads import open_download
from campaigns.services.errors import (
    InsufficientCredits,
    KieUnavailable,
    ModelUnavailable,
    NotReady,
)
from campaigns.services.videos import refresh_status, start_video
from kie.sandbox.state import FLAG_3_MESSAGE
from tests.api.sandbox_helpers import SAMPLE_MP4
from tests.factories import make_idea, make_staff_user
from tests.services.video_stubs import use_client_without_sleeps

pytestmark = pytest.mark.django_db

State = VideoTask.State
PROMPT = "A steel bottle on a mossy rock by a waterfall, slow orbit, morning mist."


def _start(model_id: str = "veo3_fast", **overrides) -> VideoTask:
    fields = {"user": make_staff_user(), "idea_id": make_idea().pk, "prompt": PROMPT}
    fields.update(overrides)
    task, _ = start_video(model_id=model_id, **fields)
    return task


def _poll_until_terminal(task: VideoTask, max_polls: int = 6) -> VideoTask:
    now = timezone.now()
    for n in range(max_polls):
        refresh_status(task, now=now + timedelta(minutes=n))
        if task.is_terminal:
            break
    return task


def _status_reads(sandbox) -> int:
    return sum(1 for _, path in sandbox.request_log if "ecord" in path)


@pytest.mark.parametrize(
    "model_id, extra",
    [
        ("veo3_fast", {}),
        ("sora-2-pro-image-to-video", {}),
        ("sora-2-pro-text-to-video", {}),
        ("kling-2.6/image-to-video", {}),
        ("kling-2.6/motion-control", {"video_url": "{sandbox}/media/reference-dance.mp4"}),
    ],
)
def test_video_runs_from_start_to_downloaded_range(kie_sandbox, model_id, extra):
    extra = {key: value.format(sandbox=kie_sandbox.base_url) for key, value in extra.items()}
    task = _start(model_id, **extra)
    assert kie_sandbox.tasks[task.kie_task_id].request == task.request_payload

    _poll_until_terminal(task)
    download = open_download(task, range_header="bytes=0-99")

    assert task.state == State.SUCCESS and task.result_urls
    assert task.finished_at is not None
    assert (download.status, len(b"".join(download.chunks))) == (206, 100)
    download.close()


def test_finished_task_is_never_polled_again(kie_sandbox):
    task = _poll_until_terminal(_start())
    reads = _status_reads(kie_sandbox)

    refresh_status(task, now=timezone.now() + timedelta(hours=1))

    assert _status_reads(kie_sandbox) == reads


def test_sandbox_failure_is_recorded_with_kies_message(kie_sandbox):
    kie_sandbox.set_faults(fail_tasks={"code": "422", "msg": "Invalid prompt: restricted"})
    task = _poll_until_terminal(_start("sora-2-pro-text-to-video"))

    assert task.state == State.FAILED
    assert "restricted" in task.error_message


def test_veo_generation_failed_flag_3_fails_the_task(kie_sandbox):
    kie_sandbox.set_faults(veo_success_flag_3=True)
    task = _poll_until_terminal(_start("veo3"))

    assert task.state == State.FAILED
    assert task.error_message == FLAG_3_MESSAGE


def test_sandbox_rate_limit_leaves_the_task_pending(kie_sandbox):
    kie_sandbox.set_faults(create_429=10)

    task = _start()

    task.refresh_from_db()
    assert (task.state, task.submit_attempts) == (State.PENDING, 1)
    assert kie_sandbox.tasks == {}


def test_sandbox_out_of_credits_is_insufficient_credits(kie_sandbox):
    kie_sandbox.set_faults(
        create_error={"code": 402, "msg": "The current credits are insufficient."}
    )

    with pytest.raises(InsufficientCredits):
        _start()

    assert VideoTask.objects.get().state == State.FAILED


def test_model_disabled_upstream_is_model_unavailable(kie_sandbox):
    kie_sandbox.set_faults(models_unavailable=["veo3"])

    with pytest.raises(ModelUnavailable) as caught:
        _start("veo3")

    assert "veo3_fast" in caught.value.extra["alternatives"]


def test_slow_create_is_unknown_and_sent_once(kie_sandbox, monkeypatch):
    use_client_without_sleeps(monkeypatch, read_timeout_seconds=0.2)
    kie_sandbox.set_faults(slow_seconds=0.6)

    with pytest.raises(KieUnavailable):
        _start()

    assert VideoTask.objects.get().state == State.UNKNOWN
    creates = [path for method, path in kie_sandbox.request_log if method == "POST"]
    assert len(creates) == 1


def test_1080p_is_not_ready_while_processing_then_downloads(kie_sandbox):
    kie_sandbox.set_faults(hd_processing_polls=1)
    task = _poll_until_terminal(_start("veo3_fast"))

    with pytest.raises(NotReady):
        open_download(task, quality="1080p")
    download = open_download(task, quality="1080p")

    assert download.status == 200
    assert b"".join(download.chunks) == SAMPLE_MP4
    assert VideoTask.objects.get(pk=task.pk).hd_video_url
