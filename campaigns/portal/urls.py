"""Staff portal routes (namespace `portal`), mounted at the site root."""

from __future__ import annotations

from django.urls import path

from . import auth, views

app_name = "portal"

urlpatterns = [
    path("login", auth.LoginView.as_view(), name="login"),
    path("logout", auth.LogoutView.as_view(), name="logout"),
    path("", views.dashboard, name="dashboard"),
    path("dashboard/tasks", views.dashboard_tasks, name="dashboard-tasks"),
    path("styleguide", views.styleguide, name="styleguide"),
    # Placeholders until the real pages land; the URL names are the ones to keep.
    path(
        "products/new",
        views.coming_soon(
            "New product",
            "Upload a product photo or paste its URL, and AdStudio writes ten video-ad ideas.",
        ),
        name="product-new",
    ),
    path(
        "products",
        views.coming_soon("Products", "Every product with its ideas, prompts and videos."),
        name="products",
    ),
    path(
        "campaigns",
        views.coming_soon("Campaigns", "Campaigns with their products, videos and budget."),
        name="campaigns",
    ),
    path(
        "tasks",
        views.coming_soon("Tasks", "Every video task with its live state, cost and result."),
        name="tasks",
    ),
]
