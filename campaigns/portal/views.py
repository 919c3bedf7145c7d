"""Staff portal pages: the dashboard and the design system. Every view needs `staff_required`.

Products, making videos, the task board and campaigns have their own modules (products.py,
make.py, board.py, campaign_pages.py).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from campaigns.services import credits
from campaigns.services.errors import ServiceError

from . import dashboard as dashboard_reads
from . import reads
from .access import staff_required
from .htmx import render_poll


@staff_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    context = {
        "summary": dashboard_reads.summary(),
        "spend_rows": reads.spend_this_week(),
        "videos": reads.recent_videos(),
        **dashboard_reads.recent_tasks(),
    }
    return render(request, "portal/dashboard.html", context)


@staff_required
@require_GET
def dashboard_tasks(request: HttpRequest) -> HttpResponse:
    """The dashboard's task list alone, for htmx polling."""
    context = dashboard_reads.recent_tasks()
    return render_poll(
        request,
        "portal/dashboard.html#recent-tasks",
        context,
        keep_polling=context["in_flight"],
    )


@staff_required
@require_GET
def dashboard_credits(request: HttpRequest) -> HttpResponse:
    """The Kie credit balance, loaded after the page so a slow or absent Kie never delays it."""
    context: dict = {"balance": None, "error": None}
    try:
        context["balance"] = credits.get_credit_balance(force=request.GET.get("fresh") == "1")
    except ServiceError as exc:
        context["error"] = exc
    return render(request, "portal/dashboard.html#credits", context)


@staff_required
@require_GET
def styleguide(request: HttpRequest) -> HttpResponse:
    """Every component of the portal's design system on one page, for people building pages."""
    return render(request, "portal/styleguide.html")
