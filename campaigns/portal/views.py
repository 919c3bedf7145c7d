"""Staff portal pages. Every view is wrapped in `staff_required`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import dashboard as dashboard_reads
from .access import staff_required
from .htmx import render_poll


@staff_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    context = {"summary": dashboard_reads.summary(), **dashboard_reads.recent_tasks()}
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
def styleguide(request: HttpRequest) -> HttpResponse:
    """Every component of the portal's design system on one page, for people building pages."""
    return render(request, "portal/styleguide.html")


def coming_soon(title: str, blurb: str) -> object:
    """A placeholder page for a section that is not built yet (keeps the navigation whole)."""

    @staff_required
    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        return render(request, "portal/coming_soon.html", {"title": title, "blurb": blurb})

    return view
