"""Ideas for a product photo, and the video prompt for one idea."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns import selectors
from campaigns.api.parsers import StrictJSONParser
from campaigns.api.serializers import (
    IdeasCreateInput,
    IdeasFromUploadRequest,
    IdeasFromUrlRequest,
    IdeasResultSerializer,
    PromptCreateInput,
    PromptSerializer,
)
from campaigns.models import Idea, Product
from campaigns.services import ideas as idea_service
from campaigns.services import products as product_service
from campaigns.services import prompts as prompt_service

from .common import error_responses, validated


def _ideas_response(request: Request, product: Product, ideas: list[Idea]) -> Response:
    body = IdeasResultSerializer({"product": product, "ideas": ideas}, context={"request": request})
    return Response(body.data, status=status.HTTP_201_CREATED)


class IdeasCreateView(APIView):
    parser_classes = [StrictJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="ideas_create",
        summary="Save a product photo and get 10 video-ad ideas for it",
        description="JSON with `imageUrl`, or multipart with an `image` file. On a Kie error the "
        "saved product's id comes back as `error.productId`: retry with "
        "POST /api/products/{id}/ideas instead of uploading again.",
        request={
            "application/json": IdeasFromUrlRequest,
            "multipart/form-data": IdeasFromUploadRequest,
        },
        responses={201: IdeasResultSerializer, **error_responses(400, 402, 413, 429, 502, 503)},
    )
    def post(self, request: Request) -> Response:
        data = validated(IdeasCreateInput, request.data)
        product = product_service.create_product(user=request.user, **data)
        ideas = idea_service.generate_ideas(product, user=request.user, new_product=True)
        return _ideas_response(request, product, ideas)


class ProductIdeasView(APIView):
    @extend_schema(
        operation_id="product_ideas_create",
        summary="Ask again for 10 ideas for a saved product (a new batch)",
        request=None,
        responses={201: IdeasResultSerializer, **error_responses(402, 404, 429, 502, 503)},
    )
    def post(self, request: Request, product_id: int) -> Response:
        product = selectors.get_product(product_id)
        ideas = idea_service.generate_ideas(product, user=request.user)
        return _ideas_response(request, product, ideas)


class PromptCreateView(APIView):
    @extend_schema(
        operation_id="prompts_create",
        summary="Write a video prompt for an idea and a model (shown for editing before a job)",
        request=PromptCreateInput,
        responses={201: PromptSerializer, **error_responses(400, 402, 404, 429, 502, 503)},
    )
    def post(self, request: Request) -> Response:
        data = validated(PromptCreateInput, request.data)
        idea = selectors.get_idea(data["idea_id"])
        prompt = prompt_service.write_video_prompt(
            idea=idea, model_id=data["model_id"], user=request.user, options=data.get("options")
        )
        return Response(PromptSerializer(prompt).data, status=status.HTTP_201_CREATED)
