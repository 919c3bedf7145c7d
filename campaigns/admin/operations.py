"""Operations in the admin: model availability, daily credit limits, background jobs."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.safestring import SafeString

# Imported first so its own admin is registered before we replace it (INSTALLED_APPS lists
# campaigns before django_tasks_db, so autodiscovery would reach it after us and clash).
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from campaigns.models import IdeaBatch, ModelAvailability, UserCreditLimit, VideoPrompt, VideoTask
from kie.registry import all_models

from . import display


class ModelAvailabilityForm(forms.ModelForm):
    model_id = forms.ChoiceField(
        choices=lambda: [(m.id, f"{m.label} ({m.id})") for m in all_models()]
    )

    class Meta:
        model = ModelAvailability
        fields = ("model_id", "is_available", "reason")


@admin.register(ModelAvailability)
class ModelAvailabilityAdmin(admin.ModelAdmin):
    form = ModelAvailabilityForm
    list_display = ("model_id", "is_available", "reason", "updated_at")
    list_editable = ("is_available", "reason")


@admin.register(UserCreditLimit)
class UserCreditLimitAdmin(admin.ModelAdmin):
    """A user's own daily limit. Support can see them; superusers set them (see 0003/0004)."""

    list_display = ("user", "limit_column", "reason", "updated_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "reason")
    autocomplete_fields = ("user",)
    fields = ("user", "daily_credits", "reason", "updated_at")
    readonly_fields = ("updated_at",)

    @admin.display(description="Daily credits", ordering="daily_credits")
    def limit_column(self, limit: UserCreditLimit) -> str:
        if limit.daily_credits is None:
            return "no limit"
        return display.credits(limit.daily_credits)


# What each background job is about, and the admin page of the row it works on.
_JOBS = {
    "campaigns.tasks.generate_ideas_task": ("Write ten ideas", IdeaBatch),
    "campaigns.tasks.write_prompt_task": ("Write a video prompt", VideoPrompt),
    "campaigns.tasks.refresh_video_task": ("Re-fetch a task after Kie's callback", VideoTask),
}
_JOB_STATES = {"READY": "pending", "RUNNING": "running", "SUCCESSFUL": "done", "FAILED": "failed"}


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class BackgroundJobAdmin(DBTaskResultAdmin):
    """django-tasks-db's results, told in our words: which job, about which row, how it ended.

    Sending and following video tasks is the sweeper's work, not a job: it shows on each task.
    """

    list_display = (
        "job_column",
        "subject_column",
        "status_column",
        "enqueued_at",
        "finished_at",
        "error_column",
    )
    list_filter = ("status", "task_path", ("enqueued_at", admin.DateFieldListFilter))
    search_fields = ("task_path", "exception_class_path")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        title = "Background jobs: ideas, prompts and re-fetches after callbacks"
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    @admin.display(description="Job", ordering="task_path")
    def job_column(self, job: DBTaskResult) -> str:
        return _JOBS.get(job.task_path, (job.task_path, None))[0]

    @admin.display(description="About")
    def subject_column(self, job: DBTaskResult) -> SafeString:
        model = _JOBS.get(job.task_path, ("", None))[1]
        args = (job.args_kwargs or {}).get("args") or []
        if model is None or not args:
            return format_html("{}", display.EMPTY)
        meta = model._meta
        return display.change_link_by_pk(meta, args[0], f"{meta.verbose_name} {args[0]}")

    @admin.display(description="Status", ordering="status")
    def status_column(self, job: DBTaskResult) -> SafeString:
        return display.state_badge(_JOB_STATES.get(job.status, "pending"), job.get_status_display())

    @admin.display(description="Error")
    def error_column(self, job: DBTaskResult) -> str:
        return job.exception_class_path.rsplit(".", 1)[-1] if job.exception_class_path else ""
