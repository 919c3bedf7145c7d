"""Routes under /api/ (namespace `api`); anything else under /api/ answers a JSON 404."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.urls import path, re_path

from . import views
from .errors import api_not_found

app_name = "api"

urlpatterns = [
    path("ideas", views.IdeasCreateView.as_view(), name="ideas"),
    path("products", views.ProductListView.as_view(), name="products"),
    path("products/<int:product_id>", views.ProductDetailView.as_view(), name="product"),
    path("products/<int:product_id>/ideas", views.ProductIdeasView.as_view(), name="product-ideas"),
    path("prompts", views.PromptCreateView.as_view(), name="prompts"),
    path("video", views.VideoView.as_view(), name="video"),
    path("video/download", views.VideoDownloadView.as_view(), name="video-download"),
    path("tasks", views.TaskListView.as_view(), name="tasks"),
    path("tasks/<str:task_id>/retry", views.TaskRetryView.as_view(), name="task-retry"),
    path("credits", views.CreditsView.as_view(), name="credits"),
    path("models", views.ModelsView.as_view(), name="models"),
    path("quote", views.QuoteView.as_view(), name="quote"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    # A browser without a staff session is sent to the admin login rather than a bare 401.
    path("docs/", staff_member_required(views.DocsView.as_view()), name="docs"),
    path("redoc/", staff_member_required(views.RedocView.as_view()), name="redoc"),
    re_path(r"^.*$", api_not_found, name="not-found"),
]
