"""Account and catalogue reads: Kie credits, the video models, and the public health checks."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.api.serializers import (
    CreditsSerializer,
    HealthSerializer,
    LivenessSerializer,
    ModelDescriptionSerializer,
    QuoteInput,
    QuoteSerializer,
)
from campaigns.services import catalog, credits, health, spend

from .common import error_responses, validated


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
        summary="The video models, their options and price tables, and whether each can be used",
        responses={200: ModelDescriptionSerializer(many=True), **error_responses()},
    )
    def get(self, request: Request) -> Response:
        return Response(ModelDescriptionSerializer(catalog.list_models(), many=True).data)


class QuoteView(APIView):
    @extend_schema(
        operation_id="quote_create",
        summary="The price of exactly these options, before starting anything",
        description="The same price a start with this model and options records as its "
        "estimate (unset options take their defaults). Starts nothing and calls no one. "
        "`dailyLimit` shows what is left of your daily credit limit, when one applies.",
        request=QuoteInput,
        responses={200: QuoteSerializer, **error_responses(400, 429)},
    )
    def post(self, request: Request) -> Response:
        data = validated(QuoteInput, request.data)
        quote = spend.quote(
            data["model_id"], data.get("options"), count=data["count"], user=request.user
        )
        return Response(QuoteSerializer(quote).data)


class HealthView(APIView):
    """Liveness, public: load balancers and uptime checks call it without credentials, as often
    as they like; it asks only the database, never Kie."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="healthz",
        summary="Liveness: the database answers (public, never calls Kie.ai)",
        responses={
            200: LivenessSerializer,
            503: OpenApiResponse(LivenessSerializer, description="degraded"),
        },
    )
    def get(self, request: Request) -> Response:
        return _report(health.check_liveness())


class ReadinessView(APIView):
    """Readiness, public: the database and Kie.ai, Kie's answer cached (KIE_HEALTH_CACHE_SECONDS)
    so frequent probes cost one Kie call per interval."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="readyz",
        summary="Readiness: the database and Kie.ai (public, Kie's answer cached ≥ 30 s)",
        responses={
            200: HealthSerializer,
            503: OpenApiResponse(HealthSerializer, description="degraded"),
        },
    )
    def get(self, request: Request) -> Response:
        return _report(health.check_health())


def _report(report: dict) -> Response:
    return Response(report, status=200 if report.get("status") == "ok" else 503)
