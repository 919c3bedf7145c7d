"""What the portal says about a task or a batch of ideas, in words a marketer can act on.

Kie's own message is always shown too (quoted); these lines only frame it: what happened, and
what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass

from campaigns.models import IdeaBatch, VideoTask
from campaigns.services.errors import hint_for_code

State = VideoTask.State


@dataclass(frozen=True)
class Failure:
    headline: str
    detail: str  # Kie's (or our) message, as recorded on the row
    hint: str


# Kie's failure codes (HTTP-like, as strings) and our own codes -> (headline, what to do).
_TASK_FAILURES: dict[str, tuple[str, str]] = {
    "400": (
        "Kie refused the prompt or the photo",
        "A retry sends the same prompt again; use Change the prompt to write a new one.",
    ),
    "422": (
        "Kie refused the prompt or the photo",
        "A retry sends the same prompt again; use Change the prompt to write a new one.",
    ),
    "402": ("The Kie.ai account ran out of credits", "Top up Kie credits at kie.ai, then retry."),
    "500": ("Kie had a problem on its side", "Retrying usually works."),
    "501": ("Kie couldn't generate this video", "Retry; if it fails again, change the prompt."),
    "timeout": ("Kie took too long", "Retry it; it no longer counts against the budget."),
    "prompt_failed": (
        "Gemini couldn't write the video prompt",
        "Retry, or start the idea again with a prompt you write yourself.",
    ),
    "not_found": ("Kie no longer has this job", "Start the video again."),
}
_DEFAULT_FAILURE = (
    "Kie couldn't make this video",
    "Retry it; if it fails again, change the prompt or the photo.",
)

_IDEA_HINTS = {
    "insufficient_credits": "Top up Kie credits at kie.ai, then try again.",
    "rate_limited": "Kie.ai is busy: wait a minute, then try again.",
    "kie_unavailable": "Kie.ai isn't answering right now: try again in a few minutes.",
    "interrupted": "The worker stopped while writing; try again.",
    "kie_error": "Try again; Gemini answers differently each time. If it keeps failing, "
    "try another photo.",
}


def task_failure(task: VideoTask) -> Failure:
    headline, hint = _TASK_FAILURES.get(task.error_code, _DEFAULT_FAILURE)
    detail = task.error_message or "Kie.ai gave no reason."
    return Failure(headline=headline, detail=detail, hint=hint)


def idea_failure(batch: IdeaBatch) -> Failure:
    hint = _IDEA_HINTS.get(batch.error_code) or hint_for_code(batch.error_code) or ""
    return Failure(
        headline="Gemini couldn't write the ideas",
        detail=batch.error_message or "Kie.ai gave no reason.",
        hint=hint or _IDEA_HINTS["kie_error"],
    )


def task_note(task: VideoTask) -> str:
    """One line under the state badge saying what the task is waiting for."""
    if task.state == State.PENDING:
        if task.needs_prompt:
            return "Waiting for Gemini to write its prompt"
        if task.submit_attempts:
            return "Waiting for a free slot under Kie's rate limit"
        return "Waiting to be sent to Kie"
    return {
        State.SUBMITTING: "Being sent to Kie",
        State.QUEUED: "In Kie's queue",
        State.GENERATING: "Kie is making the video",
        State.SUCCESS: "Ready to watch",
        State.UNKNOWN: "May already be running at Kie",
        State.FAILED: "Stopped",
    }.get(task.state, "")
