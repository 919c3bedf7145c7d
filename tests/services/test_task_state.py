from __future__ import annotations

import itertools

import pytest

from campaigns.models import VideoTask
from campaigns.services.task_state import transition, update_fields
from tests.factories import make_video_task

pytestmark = pytest.mark.django_db

State = VideoTask.State
ALL_PAIRS = [(old, new) for old, new in itertools.product(State.values, repeat=2) if old != new]
ALLOWED = [(old, new) for old, new in ALL_PAIRS if VideoTask.can_transition(old, new)]
FORBIDDEN = [(old, new) for old, new in ALL_PAIRS if not VideoTask.can_transition(old, new)]


@pytest.mark.parametrize("old, new", ALLOWED)
def test_allowed_transition_wins_and_is_stored(old, new):
    task = make_video_task(state=old)

    assert transition(task, new, error_message="note") is True

    stored = VideoTask.objects.get(pk=task.pk)
    assert (stored.state, stored.error_message) == (new, "note")
    assert task.state == new  # the caller's instance is refreshed


@pytest.mark.parametrize("old, new", FORBIDDEN)
def test_forbidden_transition_raises_and_leaves_row_alone(old, new):
    task = make_video_task(state=old)

    with pytest.raises(ValueError, match=f"'{old}' -> '{new}'"):
        transition(task, new)

    assert VideoTask.objects.get(pk=task.pk).state == old


@pytest.mark.parametrize("terminal", [State.SUCCESS, State.FAILED])
@pytest.mark.parametrize("new", State.values)
def test_terminal_task_never_changes_state(terminal, new):
    task = make_video_task(state=terminal)

    with pytest.raises(ValueError):
        transition(task, new)

    assert VideoTask.objects.get(pk=task.pk).state == terminal


@pytest.mark.parametrize("terminal", [State.SUCCESS, State.FAILED])
def test_entering_terminal_state_sets_finished_at(terminal):
    task = make_video_task(state=State.GENERATING)

    transition(task, terminal)

    assert task.finished_at is not None


def test_non_terminal_transition_leaves_finished_at_empty():
    task = make_video_task(state=State.QUEUED)

    transition(task, State.GENERATING)

    assert task.finished_at is None


def test_only_one_of_two_racing_transitions_wins():
    task = make_video_task(state=State.GENERATING)
    # Two workers read the same row, then each tries to apply what it saw.
    first = VideoTask.objects.get(pk=task.pk)
    second = VideoTask.objects.get(pk=task.pk)

    won_first = transition(first, State.SUCCESS, result_urls=["https://media.kie.invalid/a.mp4"])
    won_second = transition(second, State.FAILED, error_message="late")

    assert (won_first, won_second) == (True, False)
    stored = VideoTask.objects.get(pk=task.pk)
    assert stored.state == State.SUCCESS
    assert stored.error_message == ""
    assert second.state == State.SUCCESS  # the loser sees the winner's row


def test_same_state_is_a_conditional_field_update():
    task = make_video_task(state=State.GENERATING)

    assert transition(task, State.GENERATING, last_status_payload={"progress": 50}) is True

    assert VideoTask.objects.get(pk=task.pk).last_status_payload == {"progress": 50}


def test_field_update_loses_once_another_writer_changed_the_state():
    task = make_video_task(state=State.GENERATING)
    stale = VideoTask.objects.get(pk=task.pk)
    transition(task, State.FAILED, error_message="Generation failed")

    assert update_fields(stale, result_urls=["https://media.kie.invalid/late.mp4"]) is False

    assert VideoTask.objects.get(pk=task.pk).result_urls == []
