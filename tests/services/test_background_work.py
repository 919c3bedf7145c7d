"""Ideas and prompts as background jobs, the worker command, kie_sync, attaching a Kie id."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from campaigns.models import IdeaBatch, JobState, VideoPrompt, VideoTask
from campaigns.services import ideas, prompts, videos
from campaigns.services.errors import ValidationFailed
from campaigns.services.videos import TaskNotRetryable
from tests.factories import make_idea, make_product, make_video_task
from tests.services.kie_stubs import CHAT_URL, chat_answer, ideas_json
from tests.services.video_stubs import VEO_RECORD_URL, veo_status

pytestmark = pytest.mark.django_db

State = VideoTask.State


def _run_worker() -> None:
    """What `manage.py db_worker` does with everything due now (jobs, then one sweep)."""
    call_command("db_worker", batch=True, verbosity=0)


def test_requested_ideas_are_written_by_the_worker(kie, django_capture_on_commit_callbacks):
    kie.post(CHAT_URL, json=chat_answer(ideas_json()))
    product = make_product()

    with django_capture_on_commit_callbacks(execute=True):
        batch = ideas.request_ideas(product)
    assert (batch.state, batch.number, product.ideas.count()) == (JobState.PENDING, 1, 0)
    _run_worker()

    batch.refresh_from_db()
    assert batch.state == JobState.DONE and batch.finished_at is not None
    assert list(product.ideas.filter(batch=1).values_list("rank", flat=True)) == list(range(1, 11))


def test_a_second_request_while_ideas_are_being_written_answers_the_same_batch(kie):
    product = make_product()

    first = ideas.request_ideas(product)
    second = ideas.request_ideas(product)

    assert second.pk == first.pk
    assert IdeaBatch.objects.filter(product=product).count() == 1


def test_a_failed_ideas_batch_keeps_kies_message_for_the_user(
    kie, django_capture_on_commit_callbacks
):
    kie.post(CHAT_URL, json={"code": 402, "msg": "The current credits are insufficient."})
    product = make_product()

    with django_capture_on_commit_callbacks(execute=True):
        batch = ideas.request_ideas(product)
    _run_worker()

    batch.refresh_from_db()
    assert (batch.state, batch.error_code) == (JobState.FAILED, "insufficient_credits")
    assert "insufficient" in batch.error_message
    assert product.ideas.count() == 0
    assert ideas.request_ideas(product).number == 2  # asking again is a new batch


def test_ideas_batch_stuck_without_a_worker_ends_failed_so_the_user_can_ask_again(kie):
    batch = ideas.request_ideas(make_product())
    IdeaBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(minutes=20))

    _run_worker()  # the job is there, but a sweep first marks the stale batch

    batch.refresh_from_db()
    assert (batch.state, batch.error_code) == (JobState.FAILED, "interrupted")


def test_synchronous_ideas_are_recorded_as_a_done_batch(kie):
    kie.post(CHAT_URL, json=chat_answer(ideas_json()))
    product = make_product()

    ideas.generate_ideas(product)

    batch = IdeaBatch.objects.get(product=product)
    assert (batch.number, batch.state) == (1, JobState.DONE)


def test_requested_prompt_is_written_by_the_worker(kie, django_capture_on_commit_callbacks):
    kie.post(CHAT_URL, json=chat_answer("A slow orbit around the bottle at dawn."))
    idea = make_idea()

    with django_capture_on_commit_callbacks(execute=True):
        prompt = prompts.request_prompt(idea=idea, model_id="kling-2.6/image-to-video")
    assert (prompt.state, prompt.text) == (JobState.PENDING, "")
    _run_worker()

    prompt.refresh_from_db()
    assert (prompt.state, prompt.text) == (JobState.DONE, "A slow orbit around the bottle at dawn.")
    assert prompt.options == {"duration": "5", "sound": False}


def test_a_prompt_gemini_refuses_is_failed_with_the_reason(kie, django_capture_on_commit_callbacks):
    kie.post(CHAT_URL, json={"code": 500, "msg": "Gemini is overloaded"})

    with django_capture_on_commit_callbacks(execute=True):
        prompt = prompts.request_prompt(idea=make_idea(), model_id="veo3_fast")
    _run_worker()

    prompt.refresh_from_db()
    assert (prompt.state, prompt.error_message) == (JobState.FAILED, "Gemini is overloaded")


def test_kie_sync_runs_one_sweep_and_prints_what_changed(kie):
    kie.get(VEO_RECORD_URL, json=veo_status("veo_task_1", 0))
    task = make_video_task(kie_task_id="veo_task_1", next_check_at=timezone.now())
    out = io.StringIO()

    call_command("kie_sync", threads=1, stdout=out)

    task.refresh_from_db()
    assert task.state == State.GENERATING
    assert f"{task.public_id}: queued -> generating" in out.getvalue()
    assert "1 refreshed, 1 changed state" in out.getvalue()


def test_support_attaches_the_kie_id_of_a_lost_create_and_it_is_followed(kie):
    kie.get(VEO_RECORD_URL, json=veo_status("veo_task_found", 0))
    task = make_video_task(state=State.UNKNOWN, kie_task_id="", error_message="could not tell")

    videos.attach_kie_task_id(task, " veo_task_found ")

    task.refresh_from_db()
    assert (task.kie_task_id, task.state, task.error_message) == (
        "veo_task_found",
        State.GENERATING,
        "",
    )
    assert task.next_check_at is not None  # the sweeper follows it from now on


def test_attaching_an_id_kie_does_not_know_is_refused(kie):
    kie.get(VEO_RECORD_URL, json={"code": 422, "msg": "record is null", "data": None})
    task = make_video_task(state=State.UNKNOWN, kie_task_id="")

    with pytest.raises(ValidationFailed, match="Kie has no veo task"):
        videos.attach_kie_task_id(task, "veo_task_typo")

    task.refresh_from_db()
    assert (task.state, task.kie_task_id) == (State.UNKNOWN, "")


@pytest.mark.parametrize("kie_id", ["", "two words", "x" * 129, "<script>"])
def test_attaching_a_malformed_id_is_refused_before_asking_kie(kie, kie_id):
    task = make_video_task(state=State.UNKNOWN, kie_task_id="")

    with pytest.raises(ValidationFailed):
        videos.attach_kie_task_id(task, kie_id)


def test_an_id_can_only_be_attached_to_an_unknown_task(kie):
    task = make_video_task(state=State.QUEUED)

    with pytest.raises(TaskNotRetryable):
        videos.attach_kie_task_id(task, "veo_task_other")


def test_an_id_already_followed_by_another_task_is_refused(kie):
    make_video_task(kie_task_id="veo_task_taken")
    task = make_video_task(state=State.UNKNOWN, kie_task_id="")

    with pytest.raises(ValidationFailed, match="already belongs"):
        videos.attach_kie_task_id(task, "veo_task_taken")


def test_worker_processes_a_prompt_job_enqueued_in_the_database(
    kie, django_capture_on_commit_callbacks
):
    kie.post(CHAT_URL, json=chat_answer("Close-up of condensation on steel."))
    with django_capture_on_commit_callbacks(execute=True):
        prompts.request_prompt(idea=make_idea(), model_id="veo3_fast")

    call_command("db_worker", batch=True, sweep=False, verbosity=0)

    assert VideoPrompt.objects.get().state == JobState.DONE
