"""Helpers shared by the API views: input validation and the documented error responses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation

from campaigns.api.serializers import ErrorSerializer
from campaigns.services.errors import ValidationFailed

_ERROR_DESCRIPTIONS = {
    400: "validation_error / parse_error: `fields` names each invalid field.",
    401: "not_authenticated: send `Authorization: Token <key>` or log in.",
    402: "insufficient_credits / budget_exceeded.",
    403: "permission_denied: staff only.",
    404: "not_found.",
    409: "not_ready (with `Retry-After` while Veo's 1080p is processing) / "
    "idempotency_conflict (with `taskId`) / not_retryable.",
    410: "media_expired: Kie no longer holds the video; start it again.",
    413: "request_too_large: the upload is over the size limit.",
    416: "range_not_satisfiable: the Range lies outside the video.",
    429: "rate_limited: wait `Retry-After` seconds.",
    502: "kie_error / model_unavailable / media_host_not_allowed: Kie.ai refused; `kieCode` "
    "and `alternatives` may help.",
    503: "kie_unavailable / database_unavailable: try again shortly (`Retry-After`).",
}
# Any endpoint may meet a missing login, a non-staff user or a database that is down.
_ALWAYS = (401, 403, 503)


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """The error responses of one endpoint, for @extend_schema(responses=...)."""
    return {
        status: OpenApiResponse(ErrorSerializer, description=_ERROR_DESCRIPTIONS[status])
        for status in sorted(set(_ALWAYS + statuses))
    }


def validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """Validated input, or a 400 naming every invalid field (raised for the exception handler)."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def query(serializer_class: type[serializers.Serializer], params: Mapping[str, Any]) -> dict:
    """Validated query-string parameters; `?state=` is refused, not read as "any state"."""
    known = serializer_class().fields
    empty = [key for key in params if key in known and params.get(key) == ""]
    if empty:
        hint = "Leave the parameter out instead of sending it empty."
        raise ValidationFailed.for_fields(dict.fromkeys(empty, hint))
    return validated(serializer_class, {key: params.get(key) for key in params})


class IgnoreAcceptNegotiation(BaseContentNegotiation):
    """File downloads answer bytes whatever `Accept` says; errors still render as JSON."""

    def select_parser(self, request: Any, parsers: list) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Any, renderers: list, format_suffix: str | None = None):
        return renderers[0], renderers[0].media_type
