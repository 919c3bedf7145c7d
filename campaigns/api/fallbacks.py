"""JSON for /api/ paths where DRF's exception handler can't help: plain Django views, rendering,
CSRF failures and Django's own error handlers. The portal keeps Django's pages."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure

from .errors import database_unavailable_response, error_body

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


class ApiErrorMiddleware:
    """Turns an exception escaping a view (or its rendering) under /api/ into a JSON answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not is_api(request):
            return None
        if not isinstance(exc, OperationalError | InterfaceError):
            logger.error("Unhandled error in %s", request.path, exc_info=exc)
        return json_for_exception(exc)


def json_for_exception(exc: BaseException | None) -> JsonResponse:
    if isinstance(exc, OperationalError | InterfaceError):
        return database_unavailable_response(exc)
    return _json(500, "server_error", "Something went wrong on our side; it is logged.")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: JSON under /api/, Django's page elsewhere."""
    if is_api(request):
        return _json(403, "csrf_failed", f"CSRF check failed: {reason}")
    return django_csrf_failure(request, reason=reason)


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return _json(400, "bad_request", "The request was malformed.")
    return defaults.bad_request(request, exception)


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return _json(403, "permission_denied", "You do not have permission to do this.")
    return defaults.permission_denied(request, exception)


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return _json(404, "not_found", f"No API endpoint at {request.path}.")
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its `except` block: the exception is still the current one.
    if is_api(request):
        return json_for_exception(sys.exc_info()[1])
    return defaults.server_error(request)


def _json(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status)
