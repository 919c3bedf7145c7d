"""Small htmx conventions shared by portal views."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# htmx stops an `hx-trigger="every …"` poll when a response has this status (and still swaps it).
STOP_POLLING = 286


def render_poll(
    request: HttpRequest, template_name: str, context: dict[str, Any], *, keep_polling: bool
) -> HttpResponse:
    """A polled fragment: 200 while something shown is still changing, else 286 to stop polling."""
    response = render(request, template_name, context)
    if not keep_polling:
        response.status_code = STOP_POLLING
    return response
