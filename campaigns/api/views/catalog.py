"""Account and catalogue reads: Kie credits, the video models, and the public health check."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.api.serializers import (
    CreditsSerializer,
    HealthSerializer,
    ModelDescriptionSerializer,
)
from campaigns.services import catalog, credits, health

from .common import error_responses


class CreditsView(APIView):
    @extend_schema(
        operation_id="credits_retrieve",
        summary="The Kie.ai credit balance (cached briefly)",
        responses={200: CreditsSerializer, **error_responses(429, 502, 503)},
    )
    def get(self, request: Request) -> Response:
        return Response(CreditsSerializer(credits.get_credit_balance()).data)


class ModelsView(APIView):
    @extend_schema(
        operation_id="models_list",
        summary="The video models, their options, and whether each can be used now",
        responses={200: ModelDescriptionSerializer(many=True), **error_responses()},
    )
    def get(self, request: Request) -> Response:
        return Response(catalog.list_models())


class HealthView(APIView):
    """Public: load balancers and uptime checks call it without credentials."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="healthz",
        summary="Liveness of the database and Kie.ai (public)",
        responses={
            200: HealthSerializer,
            503: OpenApiResponse(HealthSerializer, description="degraded"),
        },
    )
    def get(self, request: Request) -> Response:
        report = health.check_health()
        return Response(report, status=200 if report.get("status") == "ok" else 503)
