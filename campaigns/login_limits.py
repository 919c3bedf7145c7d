"""Login attempt limits (django-axes): who the client is, and what a locked-out client sees.

Failures count per username and client address together (AXES_LOCKOUT_PARAMETERS), so an
attacker guessing one account from one address is stopped without locking its owner out
everywhere. Every login that goes through `authenticate(request, ...)` is covered: the admin
login today, the portal's LoginView later.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from campaigns.api.errors import error_body


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the socket's, or behind TRUSTED_PROXY_COUNT proxies, the address the
    outermost trusted proxy saw (each proxy appends one entry to X-Forwarded-For)."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-count] if len(hops) >= count else remote


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After; JSON for API clients, a page otherwise."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    minutes = max(1, math.ceil(seconds / 60))
    message = (
        f"Sign-in is locked for this account from your address after "
        f"{settings.AXES_FAILURE_LIMIT} failed attempts. Try again in {minutes} minutes."
    )
    headers = {"Retry-After": str(seconds)}
    if _wants_json(request):
        return JsonResponse(error_body("locked_out", message), status=429, headers=headers)
    page = render_to_string("security/lockout.html", {"message": message}, request=request)
    return HttpResponse(page, status=429, headers=headers)


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith("/api/") or (
        "application/json" in accept and "text/html" not in accept
    )
