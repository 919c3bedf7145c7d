"""Who may see portal pages: signed-in staff only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from campaigns.services.errors import NotFound

View = Callable[..., HttpResponse]
T = TypeVar("T")


def staff_required(view: View) -> View:
    """Anonymous → the login page (back here afterwards); signed in but not staff → a 403 page."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return _to_login(request)
        if not (user.is_active and user.is_staff):
            return render(request, "portal/refused.html", status=403)
        return view(request, *args, **kwargs)

    return guarded


def _to_login(request: HttpRequest) -> HttpResponse:
    if not request.headers.get("HX-Request"):
        return redirect_to_login(request.get_full_path())
    # A fragment poll whose session ran out: send the whole page to the login, not the fragment
    # slot (htmx follows HX-Redirect before it would swap anything).
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    page = current.path + (f"?{current.query}" if current.query else "")
    response = HttpResponse(status=204)
    response["HX-Redirect"] = redirect_to_login(page or "/")["Location"]
    return response


def found_or_404(read: Callable[..., T], *args: Any) -> T:
    """`read(*args)` (a selector), with its NotFound shown as the site's 404 page."""
    try:
        return read(*args)
    except NotFound as exc:
        raise Http404(exc.message) from exc
