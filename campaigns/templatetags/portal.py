"""Template helpers for the staff portal: navigation links, task state badges, model names."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from django import template
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince

from campaigns.models import VideoTask
from campaigns.portal import navigation
from kie.registry import all_models

register = template.Library()

# Badge text for states that are not VideoTask states (e.g. an idea batch still being written).
EXTRA_STATE_LABELS = {"pending": "Pending"}


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
