"""Template helpers for the staff portal: navigation links, task state badges, model names."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from django import template
from django.http import HttpRequest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince

from campaigns.models import IdeaBatch, JobState, Product, VideoTask
from campaigns.portal import model_choices, navigation, reads, wording
from kie.registry import all_models

register = template.Library()

# Badge text for states that are not VideoTask states (e.g. an idea batch still being written).
EXTRA_STATE_LABELS = {"pending": "Pending"}
# Background Gemini work (ideas, prompts) borrows the task badges' colours.
JOB_BADGES = {
    JobState.PENDING: "pending",
    JobState.RUNNING: "generating",
    JobState.DONE: "success",
    JobState.FAILED: "failed",
}


@register.inclusion_tag("portal/_nav.html", takes_context=True)
def main_nav(context: template.Context) -> dict[str, object]:
    """The main navigation, its current section marked for `aria-current="page"`."""
    request: HttpRequest | None = context.get("request")
    return {"items": navigation.nav_items(request.path if request is not None else "")}


@register.simple_tag
def state_badge(state: str) -> str:
    """A coloured badge with the state's name in words (colour is never the only signal)."""
    labels = dict(VideoTask.State.choices) | EXTRA_STATE_LABELS
    label = labels.get(state, str(state).capitalize() or "Unknown")
    css_state = state if state in labels else "unknown"
    return format_html('<span class="badge badge--{}">{}</span>', css_state, label)


@register.simple_tag
def job_badge(state: str) -> str:
    """The badge of an idea batch or prompt (waiting, working, done, failed)."""
    label = dict(JobState.choices).get(state, str(state).capitalize())
    css_state = JOB_BADGES.get(state, "unknown")
    return format_html('<span class="badge badge--{}">{}</span>', css_state, label)


@register.filter
def credits(amount: Decimal | int | float | None) -> str:
    """1234.5 -> "1,234.5"; whole numbers without decimals."""
    if amount is None:
        return ""
    return floatformat(amount, "-2g")


@register.filter
def task_note(task: VideoTask) -> str:
    return wording.task_note(task)


@register.filter
def task_failure(task: VideoTask) -> wording.Failure:
    return wording.task_failure(task)


@register.filter
def idea_failure(batch: IdeaBatch) -> wording.Failure:
    return wording.idea_failure(batch)


@register.filter
def options_summary(options: dict[str, Any], model_id: str) -> str:
    """ "16:9 · 8 s", "10 s · Sound on": the options a person chose, in words."""
    return model_choices.options_summary(model_id, options or {})


@register.filter
def is_live(task: VideoTask) -> bool:
    """Still moving on its own (the worker sends or follows it): its tile keeps polling."""
    return reads.is_live(task)


@register.filter
def clip_length(task: VideoTask) -> str:
    """ "0:08" for an 8-second clip; "" when the length is not known in advance."""
    model = _models().get(task.model_id)
    # parse_options keeps the valid values only: a stored oddity never breaks a page.
    seconds = model.clip_seconds(model.parse_options(task.options)[0]) if model else None
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds else ""


@register.filter
def is_veo(task: VideoTask) -> bool:
    return task.provider == "veo"


@register.simple_tag
def poster_src(task: VideoTask) -> str:
    """The picture shown for a task: its video's poster once archived, else the product photo.

    CSS draws a placeholder under any picture that fails to load.
    """
    if task.poster_file:
        return reverse("media-poster", args=[task.public_id])
    return product_image_src(task.product)


@register.simple_tag
def product_image_src(product: Product) -> str:
    return reverse("media-product-image", args=[product.pk])


@cache
def _models() -> dict[str, Any]:
    return {model.id: model for model in all_models()}


@cache
def _model_labels() -> dict[str, str]:
    return {model.id: model.label for model in all_models()}


@register.filter
def model_label(model_id: str) -> str:
    """The registry's human name for a video model id, or the id itself when it is not known."""
    return _model_labels().get(model_id, model_id)


@register.filter
def ago(moment: datetime | None) -> str:
    """ "just now", "5 minutes ago", "2 days, 3 hours ago"."""
    if moment is None:
        return ""
    if timezone.now() - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment)} ago"


@register.filter
def initials(user: object) -> str:
    """One or two letters for the user menu's avatar."""
    full_name = getattr(user, "get_full_name", lambda: "")() or ""
    words = full_name.split() or [getattr(user, "get_username", lambda: "")() or "?"]
    return "".join(word[0] for word in words[:2]).upper()
