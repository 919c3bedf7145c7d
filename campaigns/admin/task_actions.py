"""The support actions on video tasks: refresh from Kie, retry, attach a Kie id.

Each is a button on the task page (its own URL under the task) and, for refresh and retry, an
action on the list. They call the same services as the API; a refused action is reported as a
message, never as an error page. Retrying a task whose outcome is unknown may pay twice, so it
always goes through a confirmation page first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from campaigns.models import ArchiveState, VideoTask
from campaigns.services import archive, videos
from campaigns.services.errors import ServiceError, ValidationFailed

State = VideoTask.State


@dataclass(frozen=True)
class Button:
    label: str
    url: str
    post: bool  # a form posting straight away, or a link to a page with its own form
    style: str = ""


class AttachKieIdForm(forms.Form):
    kie_task_id = forms.CharField(
        label="Kie task id",
        max_length=128,
        help_text="Exactly as Kie's dashboard or logs show it, e.g. veo_task_… or task_….",
    )


class TaskActionsMixin:
    """Mixed into VideoTaskAdmin: URLs, views and list actions for the support buttons."""

    actions = ["refresh_from_kie", "retry_failed"]

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/refresh/", view(self.refresh_view), name=_name("refresh")),
            path("<path:object_id>/retry/", view(self.retry_view), name=_name("retry")),
            path("<path:object_id>/attach-kie-id/", view(self.attach_view), name=_name("attach")),
            path("<path:object_id>/archive/", view(self.archive_view), name=_name("archive")),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        task = self.get_object(request, object_id)
        buttons = support_buttons(task) if task and self.has_change_permission(request) else []
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "support_buttons": buttons}
        )

    # --- buttons on the task page ---------------------------------------------------------------

    def refresh_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        task = self._task(request, object_id)
        refreshed = _run(request, task, videos.refresh_status)
        if refreshed is not None:
            messages.info(request, _refresh_report(refreshed))
        return redirect(_change_url(task))

    def retry_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        task = self._task(request, object_id)
        needs_confirmation = task.state == State.UNKNOWN and request.POST.get("confirm") != "yes"
        if request.method != "POST" or needs_confirmation:
            return self._confirm_retry(request, [task], action_url=request.path)
        result = _retry(request, task, confirm=task.state == State.UNKNOWN)
        return redirect(_change_url(result[0] if result else task))

    def attach_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        task = self._task(request, object_id)
        form = AttachKieIdForm(request.POST if request.method == "POST" else None)
        if form.is_valid() and _attach(request, task, form):
            return redirect(_change_url(task))
        context = {**self._page_context(request, task, "Attach a Kie task id"), "form": form}
        return TemplateResponse(request, "admin/campaigns/videotask/attach_kie_id.html", context)

    def archive_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        task = self._task(request, object_id)
        if _run(request, task, archive.archive_now) is not None:
            messages.success(
                request, f"Task {task.public_id}: the worker copies its video again shortly."
            )
        return redirect(_change_url(task))

    # --- actions on the list --------------------------------------------------------------------

    @admin.action(description="Refresh status from Kie.ai", permissions=["change"])
    def refresh_from_kie(self, request: HttpRequest, queryset: QuerySet[VideoTask]) -> None:
        for task in queryset:
            refreshed = _run(request, task, videos.refresh_status)
            if refreshed is not None:
                messages.info(request, _refresh_report(refreshed))

    @admin.action(
        description="Retry failed or unknown tasks (new Kie jobs)", permissions=["change"]
    )
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[VideoTask]) -> Any:
        tasks = list(queryset)
        unknown = [task for task in tasks if task.state == State.UNKNOWN]
        if unknown and request.POST.get("confirm") != "yes":
            return self._confirm_retry(request, unknown, action_url="", selected=tasks)
        for task in tasks:
            _retry(request, task, confirm=task.state == State.UNKNOWN)
        return None

    # --- helpers --------------------------------------------------------------------------------

    def _task(self, request: HttpRequest, object_id: str) -> VideoTask:
        if not self.has_change_permission(request):
            raise PermissionDenied
        task = self.get_object(request, object_id)
        if task is None:
            raise Http404(f"No video task {object_id}.")
        return task

    def _confirm_retry(
        self,
        request: HttpRequest,
        unknown: list[VideoTask],
        *,
        action_url: str,
        selected: list[VideoTask] | None = None,
    ) -> TemplateResponse:
        context = {
            **self._page_context(request, unknown[0], "Retry: are you sure?"),
            "tasks": unknown,
            "action_url": action_url,
            "selected": selected or [],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/campaigns/videotask/retry_confirmation.html", context
        )

    def _page_context(self, request: HttpRequest, task: VideoTask, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "task": task,
        }


def support_buttons(task: VideoTask) -> list[Button]:
    """The buttons a task's state allows, in the order support needs them."""
    buttons = []
    if task.state in VideoTask.IN_FLIGHT_STATES and task.kie_task_id:
        buttons.append(Button("Refresh from Kie", _action_url("refresh", task), post=True))
    if task.state == State.FAILED:
        buttons.append(Button("Retry", _action_url("retry", task), post=True))
    if task.state == State.UNKNOWN:
        if not task.kie_task_id:
            buttons.append(Button("Attach Kie id", _action_url("attach", task), post=False))
        buttons.append(Button("Retry…", _action_url("retry", task), post=False, style="danger"))
    copies = archive.slots_of(task)
    if task.state == State.SUCCESS and any(
        slot.get(task, "archive_state") != ArchiveState.DONE for slot in copies
    ):
        buttons.append(Button("Archive now", _action_url("archive", task), post=True))
    return buttons


def _retry(request: HttpRequest, task: VideoTask, *, confirm: bool) -> tuple | None:
    result = _run(request, task, lambda t: videos.retry_task(t, user=request.user, confirm=confirm))
    if result is not None:
        new, created = result
        verb = "retried as" if created else "already has a live retry:"
        messages.success(request, f"Task {task.public_id} {verb} {new.public_id} ({new.state}).")
    return result


def _attach(request: HttpRequest, task: VideoTask, form: AttachKieIdForm) -> bool:
    try:
        videos.attach_kie_task_id(task, form.cleaned_data["kie_task_id"])
    except ValidationFailed as exc:
        form.add_error("kie_task_id", exc.fields.get("kieTaskId", exc.message))
        return False
    except ServiceError as exc:
        form.add_error(None, exc.message)
        return False
    messages.success(request, f"Task {task.public_id} now follows Kie task {task.kie_task_id}.")
    return True


def _run(request: HttpRequest, task: VideoTask, action: Callable[[VideoTask], Any]) -> Any:
    # Support works through many rows at once: one task's error must not stop the rest.
    try:
        return action(task)
    except ServiceError as exc:
        messages.error(request, f"Task {task.public_id}: {exc.message}")
        return None


def _refresh_report(task: VideoTask) -> str:
    checked = task.last_polled_at
    when = f"Kie was last asked at {checked:%H:%M:%S} UTC" if checked else "Kie was not asked"
    return f"Task {task.public_id} is {task.get_state_display().lower()} ({when})."


def _name(action: str) -> str:
    return f"campaigns_videotask_{action}"


def _action_url(action: str, task: VideoTask) -> str:
    return reverse(f"admin:{_name(action)}", args=[task.pk])


def _change_url(task: VideoTask) -> str:
    return reverse("admin:campaigns_videotask_change", args=[task.pk])
