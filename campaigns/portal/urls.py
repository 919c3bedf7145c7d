"""Staff portal routes (namespace `portal`), mounted at the site root."""

from __future__ import annotations

from django.urls import path

from . import auth, board, campaign_pages, make, products, views

app_name = "portal"

urlpatterns = [
    path("login", auth.LoginView.as_view(), name="login"),
    path("logout", auth.LogoutView.as_view(), name="logout"),
    path("", views.dashboard, name="dashboard"),
    path("dashboard/tasks", views.dashboard_tasks, name="dashboard-tasks"),
    path("dashboard/credits", views.dashboard_credits, name="dashboard-credits"),
    path("styleguide", views.styleguide, name="styleguide"),
    # Products, their ideas and making videos from them.
    path("products", products.product_list, name="products"),
    path("products/new", products.product_new, name="product-new"),
    path("products/<int:product_id>", products.product_detail, name="product"),
    path("products/<int:product_id>/ideas", products.request_ideas, name="product-ideas"),
    path(
        "products/<int:product_id>/ideas/<int:batch_id>",
        products.idea_batch,
        name="product-idea-batch",
    ),
    path("products/<int:product_id>/make", make.make_videos, name="make"),
    path("products/<int:product_id>/make/review", make.review_page, name="make-review"),
    path("products/<int:product_id>/make/start", make.start, name="make-start"),
    path("prompts/<int:prompt_id>", make.prompt_body, name="prompt"),
    # The task board.
    path("tasks", board.task_board, name="tasks"),
    path("tasks/summary", board.board_summary, name="tasks-summary"),
    path("tasks/<str:public_id>", board.task_tile, name="task-tile"),
    path("tasks/<str:public_id>/retry", board.retry, name="task-retry"),
    path("tasks/<str:public_id>/hd", board.hd_video, name="task-hd"),
    # Campaigns.
    path("campaigns", campaign_pages.campaign_list, name="campaigns"),
    path("campaigns/new", campaign_pages.campaign_new, name="campaign-new"),
    path("campaigns/<int:campaign_id>", campaign_pages.campaign_detail, name="campaign"),
]
