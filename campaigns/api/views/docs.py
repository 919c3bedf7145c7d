"""The OpenAPI schema, Swagger UI and ReDoc, for staff only.

Both documentation pages load their JavaScript and CSS from this server (the pinned
drf-spectacular-sidecar package), never from a CDN, so they work offline and cannot change under
us. Swagger UI's start-up script is served as a file too (the "split" view), not inline.
"""

from __future__ import annotations

from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.permissions import IsAdminUser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    permission_classes = [IsAdminUser]

    def handle_exception(self, exc: Exception) -> Response:
        # The schema renderers speak YAML/OpenAPI; an error body is our plain JSON error.
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response


class DocsView(SpectacularSwaggerSplitView):
    permission_classes = [IsAdminUser]
    url_name = "api:schema"


class RedocView(SpectacularRedocView):
    permission_classes = [IsAdminUser]
    url_name = "api:schema"
    # drf-spectacular's page also loads Google Fonts; ours does not (ReDoc falls back to the
    # system fonts).
    template_name = "api/redoc.html"
