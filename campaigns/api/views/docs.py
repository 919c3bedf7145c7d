"""The OpenAPI schema and Swagger UI, for staff only."""

from __future__ import annotations

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
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


class DocsView(SpectacularSwaggerView):
    permission_classes = [IsAdminUser]
    url_name = "api:schema"
