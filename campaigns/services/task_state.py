"""The one way a VideoTask's state changes: a conditional UPDATE that only one writer can win.

Two pollers (or a poller and a callback) may read the same row and both decide to move it; the
`WHERE state = <seen>` clause makes the second update match no row, so it reports that it lost.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from campaigns.models import VideoTask

from . import spend


def transition(task: VideoTask, new_state: str, **fields: Any) -> bool:
    """Move `task` from the state it was read in to `new_state`; True if this call won.

    Raises ValueError for a change the model's TRANSITIONS table forbids (a programming error).
    A same-state call on a non-terminal task is a conditional field update (see `update_fields`).
    The instance is refreshed from the database either way.
    """
    old_state = task.state
    if new_state == old_state and not task.is_terminal:
        return update_fields(task, **fields)
    if not VideoTask.can_transition(old_state, new_state):
        raise ValueError(
            f"VideoTask {task.pk}: {str(old_state)!r} -> {str(new_state)!r} is not an allowed "
            "transition."
        )
    now = timezone.now()
    if new_state in VideoTask.TERMINAL_STATES:
        fields.setdefault("finished_at", now)
        # Every way a task ends (Kie's answer, a timeout, a refused create) settles its cost here.
        reported = fields.pop("actual_credits", None)
        fields.update(spend.final_cost(task, new_state, reported=reported))
    won = _conditional_update(task, old_state, state=new_state, updated_at=now, **fields)
    task.refresh_from_db()
    return won


def update_fields(task: VideoTask, **fields: Any) -> bool:
    """Write `fields` only if the row is still in the state `task` was read in; True if it was."""
    won = _conditional_update(task, task.state, updated_at=timezone.now(), **fields)
    task.refresh_from_db()
    return won


def _conditional_update(task: VideoTask, seen_state: str, **values: Any) -> bool:
    return VideoTask.objects.filter(pk=task.pk, state=seen_state).update(**values) == 1
