"""The review step of "make videos": one line per prompt with its price, and starting them all."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from campaigns import selectors
from campaigns.models import JobState, Product, VideoPrompt, VideoTask
from campaigns.services import prompts, spend, videos
from campaigns.services.errors import ServiceError
from kie.registry import VideoModel, all_models, get_model

from . import reads

_MODEL_ORDER = {model.id: n for n, model in enumerate(all_models())}


@dataclass
class Line:
    """One video to be made: an idea on a model, its prompt (None while Gemini writes it)."""

    prompt: VideoPrompt
    model: VideoModel
    credits: Decimal | None
    key: str
    text: str | None
    error: str = ""

    @property
    def title(self) -> str:
        return f"“{self.prompt.idea.title}” on {self.model.label}"

    @property
    def writing(self) -> bool:
        return self.prompt.state in (JobState.PENDING, JobState.RUNNING)

    @property
    def failed(self) -> bool:
        return self.prompt.state == JobState.FAILED

    @property
    def text_name(self) -> str:
        return f"text.{self.prompt.pk}"

    @property
    def key_name(self) -> str:
        return f"key.{self.prompt.pk}"

    @property
    def needs_video(self) -> bool:
        return bool(self.model.media.videos)

    @property
    def edited(self) -> bool:
        return bool(self.text) and self.text.strip() != (self.prompt.text or "").strip()


def build(
    product: Product,
    raw_ids: list[str],
    video_url: str,
    *,
    posted: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The review page: its lines (posted texts and keys kept), the total and the budget."""
    ids = [int(value) for value in raw_ids if str(value).isdigit()]
    rows = VideoPrompt.objects.filter(pk__in=ids, idea__product=product).select_related("idea")
    rows = sorted(rows, key=_line_order)
    lines = [_line(prompt, posted) for prompt in rows]
    total = sum((line.credits or Decimal(0) for line in lines), Decimal(0))
    budget = reads.budget_of(product.campaign, selectors.spend_by_campaign())
    remaining_after = budget.remaining - total if budget and budget.remaining is not None else None
    return {
        "product": product,
        "lines": lines,
        "total": total,
        "budget": budget,
        "remaining_after": remaining_after,
        "over_budget": remaining_after is not None and remaining_after < 0,
        "writing_count": sum(1 for line in lines if line.writing),
        "needs_video": any(line.needs_video for line in lines),
        "video_url": video_url,
        "has_errors": any(line.error for line in lines),
    }


def _line_order(prompt: VideoPrompt) -> tuple[int, int, int]:
    return (-prompt.idea.batch, prompt.idea.rank, _MODEL_ORDER.get(prompt.model_id, 99))


def line_for(prompt: VideoPrompt, *, key: str) -> Line:
    return _line(prompt, None, key=key)


def _line(prompt: VideoPrompt, posted: Mapping[str, Any] | None, *, key: str = "") -> Line:
    model = get_model(prompt.model_id)
    text_name = f"text.{prompt.pk}"
    if posted is not None and text_name in posted:
        text: str | None = posted[text_name]
    elif prompt.state == JobState.DONE:
        text = prompt.text
    else:
        text = "" if prompt.state == JobState.FAILED else None
    if posted is not None:
        key = posted.get(f"key.{prompt.pk}", "")
    line = Line(prompt, model, _credits(prompt), key or uuid.uuid4().hex, text)
    if posted is not None and text is not None:
        line.error = _text_error(model, text)
    return line


def _credits(prompt: VideoPrompt) -> Decimal | None:
    try:
        return spend.quote(prompt.model_id, prompt.options).credits_each
    except ServiceError:
        return None


def _text_error(model: VideoModel, text: str) -> str:
    if not text.strip():
        return f"Write a prompt for {model.label}." if model.prompt_required else ""
    try:
        prompts.check_length(model, text.strip())
    except ServiceError as exc:
        return exc.message
    return ""


@dataclass
class StartOutcome:
    created: list[VideoTask] = field(default_factory=list)
    replayed: list[VideoTask] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # task ids Kie refused (failed rows exist)
    problems: list[str] = field(default_factory=list)

    @property
    def started(self) -> bool:
        """Whether any line left a task behind, so the task board has something to show."""
        return bool(self.created or self.replayed or self.refused)


def start_all(lines: list[Line], *, user: Any, video_url: str) -> StartOutcome:
    """Start every line's job; one line's refusal (budget, Kie) never stops the others."""
    outcome = StartOutcome()
    for line in lines:
        try:
            task, created = videos.start_video(
                user=user,
                idea_id=line.prompt.idea_id,
                model_id=line.prompt.model_id,
                options=line.prompt.options,
                prompt=(line.text or "").strip() or None,
                video_url=video_url if line.needs_video else None,
                idempotency_key=line.key,
            )
        except ServiceError as exc:
            outcome.problems.append(f"{line.title}: {exc.message} {exc.hint or ''}".strip())
            if exc.extra.get("taskId"):
                outcome.refused.append(exc.extra["taskId"])
            continue
        (outcome.created if created else outcome.replayed).append(task)
        if created and line.edited:
            _keep_edit(line, user)
    return outcome


def _keep_edit(line: Line, user: Any) -> None:
    """A person's edit of Gemini's prompt is kept in the product's history."""
    try:
        prompts.save_user_prompt(
            idea=line.prompt.idea, model_id=line.model.id, text=line.text or "", user=user
        )
    except ServiceError:
        pass  # already checked above; the job itself has started either way
