"""The one exception handler: every error leaves the API as `{"error": {...}}` JSON.

Service errors carry their own status and code; DRF and Django errors are mapped here; anything
unexpected is logged with its traceback and answered as a JSON 500, never an HTML page.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
)
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from campaigns.services.errors import RateLimited, ServiceError, ValidationFailed
from kie.registry import RegistryValidationError

logger = logging.getLogger(__name__)

# Kie allows 20 creates per 10 s; without an upstream hint, that window is the honest wait.
DEFAULT_RETRY_AFTER_SECONDS = 10

# The database is down or restarting: a short wait, not an error in the request.
DATABASE_RETRY_AFTER_SECONDS = 5

# DRF's own codes renamed to the API's vocabulary.
_DRF_CODES = {"throttled": "rate_limited", "authentication_failed": "not_authenticated"}


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | JsonResponse:
    """DRF's EXCEPTION_HANDLER: always answers (DRF re-raises only when a handler returns None)."""
    set_rollback()
    if isinstance(exc, ServiceError):
        return _service_error_response(exc)
    if isinstance(exc, RegistryValidationError):
        # Defensive: a registry check that escaped its service still names the field.
        return _service_error_response(ValidationFailed.for_fields(exc.fields))
    if isinstance(exc, OperationalError | InterfaceError):
        return database_unavailable_response(exc)
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
        return error_response(413, "request_too_large", f"The request is too large: {exc}")
    if isinstance(exc, SuspiciousOperation):
        return error_response(400, "bad_request", "The request was malformed.")
    if isinstance(exc, Http404):
        exc = drf.NotFound(str(exc) or None)
    elif isinstance(exc, PermissionDenied):
        exc = drf.PermissionDenied()
    if isinstance(exc, drf.APIException):
        return _drf_error_response(exc)
    logger.error("Unhandled error in %s", _view_name(context), exc_info=exc)
    return error_response(500, "server_error", "Something went wrong on our side; it is logged.")


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    fields: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> Response:
    return Response(error_body(code, message, fields=fields, **extra), status, headers=headers)


def error_body(
    code: str, message: str, *, fields: Mapping[str, str] | None = None, **extra: Any
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": encodable(message)}
    if fields:
        error["fields"] = {encodable(key): encodable(value) for key, value in fields.items()}
    error.update({key: encodable(value) for key, value in extra.items() if value is not None})
    return {"error": error}


def encodable(value: Any) -> Any:
    """`value` with lone surrogates escaped: messages echo input; the renderer must encode it."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


def database_unavailable_response(exc: Exception) -> JsonResponse:
    """503 for OperationalError/InterfaceError: the next request reconnects, so it may succeed."""
    logger.error("Database unavailable: %r", exc)
    body = error_body(
        "database_unavailable", "The database is unavailable right now; try again shortly."
    )
    headers = {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)}
    return JsonResponse(body, status=503, headers=headers)


@csrf_exempt  # a POST to an unknown path is a 404, not Django's HTML CSRF 403
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown paths under /api/ answer JSON, not Django's HTML 404 page."""
    message = f"No API endpoint at {request.path}. See /api/docs/ for the list."
    return JsonResponse(error_body("not_found", message), status=404)


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, str]:
    """DRF's nested error detail as {"dotted.path": "first message"}."""
    if isinstance(detail, Mapping):
        flat: dict[str, str] = {}
        for key, value in detail.items():
            name = "nonFieldErrors" if key == api_settings.NON_FIELD_ERRORS_KEY else str(key)
            flat.update(flatten_errors(value, f"{prefix}.{name}" if prefix else name))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, Mapping | list) for item in detail):
            return {prefix or "nonFieldErrors": " ".join(str(item) for item in detail)}
        flat = {}
        for index, item in enumerate(detail):
            flat.update(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or "nonFieldErrors": str(detail)}


def _service_error_response(exc: ServiceError) -> Response:
    headers = exc.response_headers()
    retry_after = exc.retry_after_seconds
    if retry_after is None and isinstance(exc, RateLimited):
        retry_after = DEFAULT_RETRY_AFTER_SECONDS
    if retry_after is not None:
        headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
    return error_response(
        exc.http_status,
        exc.code,
        exc.message,
        fields=exc.fields,
        headers=headers,
        hint=exc.hint,
        kieCode=exc.kie_code,
        **exc.extra,
    )


def _drf_error_response(exc: drf.APIException) -> Response:
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))
    code = _DRF_CODES.get(exc.default_code, exc.default_code)
    if isinstance(exc, drf.ValidationError):
        return _service_error_response(ValidationFailed.for_fields(flatten_errors(exc.detail)))
    return error_response(exc.status_code, code, _detail_message(exc.detail), headers=headers)


def _detail_message(detail: Any) -> str:
    if isinstance(detail, list | tuple):
        return " ".join(str(item) for item in detail)
    if isinstance(detail, Mapping):
        return " ".join(f"{key}: {value}" for key, value in detail.items())
    return str(detail)


def _view_name(context: Mapping[str, Any]) -> str:
    view = context.get("view")
    return type(view).__name__ if view is not None else "an API view"
