"""Kie's callback endpoint: verify, queue a re-fetch, answer 200 at once."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.services import callbacks


class KieCallbackView(APIView):
    """Public: Kie calls it without our credentials; the token in the URL stands in for them."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def post(self, request: Request, public_id: str) -> Response:
        outcome = callbacks.receive_callback(
            public_id=public_id,
            token=request.query_params.get("token", ""),
            body=request.data,
            signature=request.headers.get("X-Webhook-Signature", ""),
            timestamp=request.headers.get("X-Webhook-Timestamp", ""),
        )
        # Kie retries a callback that is not answered 200; an ignored one must not come back.
        return Response({"received": True, "accepted": outcome.accepted})
