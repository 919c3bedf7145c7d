"""Per-user rate limits on the endpoints that spend Kie credits.

One throttle class for the whole API (DEFAULT_THROTTLE_CLASSES): a request is limited only when
its route is in COSTLY_ROUTES (or its view sets `throttle_scope`), against the rate of that scope
in settings.API_THROTTLE_RATES ("30/hour"; env API_THROTTLE_RATES). Routes are matched by name so
the views themselves need no change. Counts live in the default cache: with several processes
(gunicorn workers) it must be a shared cache (CACHE_URL), or each process counts on its own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

# (method, URL name) -> scope. Both ideas routes cost a Gemini call and share one budget.
COSTLY_ROUTES: dict[tuple[str, str], str] = {
    ("POST", "api:ideas"): "ideas",
    ("POST", "api:product-ideas"): "ideas",
    ("POST", "api:prompts"): "prompts",
    ("POST", "api:video"): "video",
    # A quote spends nothing, but each one reads the user's tasks of the day: keep it bounded.
    ("POST", "api:quote"): "quote",
}


class CostlyEndpointThrottle(SimpleRateThrottle):
    scope: str | None = None

    def __init__(self) -> None:
        # The scope depends on the request; SimpleRateThrottle would read the rate here.
        pass

    def allow_request(self, request: Request, view: Any) -> bool:
        self.scope = getattr(view, "throttle_scope", None) or route_scope(request)
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self) -> str | None:
        # Read per request, not at import, so a settings change (or a test) takes effect.
        return settings.API_THROTTLE_RATES.get(self.scope) if self.scope else None

    def get_cache_key(self, request: Request, view: Any) -> str:
        user = request.user
        ident = f"user-{user.pk}" if user and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def route_scope(request: Request) -> str | None:
    match = request.resolver_match
    if match is None:
        return None
    return COSTLY_ROUTES.get((request.method, match.view_name))
