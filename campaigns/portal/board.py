"""The task board: every video task as a tile that updates itself while the worker moves it.

Each unfinished tile polls its own fragment and stops (286) once its task is finished, so a
video playing in a finished tile is never swapped out from under the viewer. The summary at
the top polls the same way until nothing is in flight.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from campaigns import selectors
from campaigns.models import VideoTask
from campaigns.services import downloads, videos
from campaigns.services.errors import NotReady, ServiceError
from kie.types import Provider

from . import reads
from .access import found_or_404, staff_required
from .htmx import render_poll

PAGE_SIZE = 24


@staff_required
@require_GET
def task_board(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "")
    if show not in reads.BOARD_FILTERS:
        show = ""
    page = Paginator(reads.board_tasks(show), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "show": show,
        "page_query": f"&show={show}" if show else "",
        "filters": [(key, label) for key, (label, _) in reads.BOARD_FILTERS.items()],
        "summary": reads.board_summary(),
    }
    return render(request, "portal/tasks/board.html", context)


@staff_required
@require_GET
def board_summary(request: HttpRequest) -> HttpResponse:
    summary = reads.board_summary()
    context = {"summary": summary}
    template = "portal/tasks/board.html#summary"
    return render_poll(request, template, context, keep_polling=bool(summary["live"]))


@staff_required
@require_GET
def task_tile(request: HttpRequest, public_id: str) -> HttpResponse:
    """One task's tile, for polling: 286 once the task no longer changes on its own."""
    task = _task(public_id)
    context = {"task": task, "back": _page_shown(request)}
    return render_poll(request, "portal/_task_tile.html", context, keep_polling=reads.is_live(task))


@staff_required
@require_POST
def retry(request: HttpRequest, public_id: str) -> HttpResponse:
    task = _task(public_id)
    confirm = request.POST.get("confirm") == "1"
    try:
        new_task, created = videos.retry_task(task, user=request.user, confirm=confirm)
    except ServiceError as exc:
        messages.error(request, f"{exc.message} {exc.hint or ''}".strip())
    else:
        if created:
            messages.success(request, f"Retry started as a new task ({new_task.public_id}).")
        else:
            messages.info(request, f"This task is already being retried ({new_task.public_id}).")
    return redirect(_back(request))


@staff_required
@require_GET
def hd_video(request: HttpRequest, public_id: str) -> HttpResponse:
    """Veo's 1080p version: a download link once Kie has made it, else "still processing"."""
    task = _task(public_id)
    if task.provider != Provider.VEO:
        raise Http404("1080p is offered for Veo videos only.")
    state, note = "ready", ""
    try:
        downloads.ensure_hd_url(task)
    except NotReady:
        state = "processing"
    except ServiceError as exc:
        state, note = "error", exc.message
    return render_poll(
        request,
        "portal/_task_tile.html#hd",
        {"task": task, "hd_state": state, "hd_note": note},
        keep_polling=state == "processing",
    )


def _task(public_id: str) -> VideoTask:
    return found_or_404(selectors.get_task, public_id)


def _page_shown(request: HttpRequest) -> str:
    """The page a polled fragment sits in (a retry from it returns there)."""
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    page = current.path + (f"?{current.query}" if current.query else "")
    return page or reverse("portal:tasks")


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("portal:tasks")
