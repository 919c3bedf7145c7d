"""Read-only lists: products (with their ideas and tasks) and video tasks."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns import selectors
from campaigns.api.serializers import (
    ProductDetailSerializer,
    ProductSerializer,
    TaskFilterQuery,
    TaskSerializer,
)
from campaigns.models import Product, VideoTask

from .common import error_responses, query


class ProductListView(generics.ListAPIView):
    serializer_class = ProductSerializer

    @extend_schema(
        operation_id="products_list",
        summary="Products, newest first (paginated)",
        responses={200: ProductSerializer(many=True), **error_responses(400, 404)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Product]:
        return selectors.list_products()


class ProductDetailView(APIView):
    @extend_schema(
        operation_id="products_retrieve",
        summary="One product with all its ideas and video tasks",
        responses={200: ProductDetailSerializer, **error_responses(404)},
    )
    def get(self, request: Request, product_id: int) -> Response:
        product = selectors.get_product_detail(product_id)
        return Response(ProductDetailSerializer(product, context={"request": request}).data)


class TaskListView(generics.ListAPIView):
    serializer_class = TaskSerializer

    @extend_schema(
        operation_id="tasks_list",
        summary="Video tasks, newest first, filtered by state, model and campaign (paginated)",
        parameters=[TaskFilterQuery],
        responses={200: TaskSerializer(many=True), **error_responses(400, 404)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[VideoTask]:
        return selectors.list_tasks(**query(TaskFilterQuery, self.request.query_params))
