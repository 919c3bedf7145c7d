"""Django admin: support finds a task by its Kie id and sees what was sent and answered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from kie.registry import all_models

from .models import Campaign, Idea, ModelAvailability, Product, VideoPrompt, VideoTask
from .services import credits, polling, videos
from .services.errors import ServiceError


class IdeaInline(admin.TabularInline):
    model = Idea
    extra = 0
    fields = ("batch", "rank", "title", "suggested_model", "aspect_ratio")
    readonly_fields = fields
    show_change_link = True


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_budget", "created_by", "created_at")
    search_fields = ("name",)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("__str__", "campaign", "kie_image_uploaded_at", "created_at")
    list_select_related = ("campaign",)
    search_fields = ("name", "notes", "source_image_url")
    readonly_fields = ("kie_image_url", "kie_image_uploaded_at", "created_at", "updated_at")
    inlines = [IdeaInline]


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ("title", "product", "batch", "rank", "suggested_model")
    list_select_related = ("product",)
    search_fields = ("title", "hook", "concept")


@admin.register(VideoPrompt)
class VideoPromptAdmin(admin.ModelAdmin):
    list_display = ("idea", "model_id", "source", "created_at")
    list_select_related = ("idea",)
    list_filter = ("model_id", "source")


@admin.register(VideoTask)
class VideoTaskAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "model_id",
        "state",
        "kie_task_id",
        "product",
        "estimated_credits",
        "actual_credits",
        "created_by",
        "created_at",
    )
    list_filter = ("state", "model_id", "provider")
    list_select_related = ("product", "created_by")
    search_fields = ("kie_task_id", "prompt", "product__name", "idempotency_key")
    date_hierarchy = "created_at"
    # State and Kie answers change only through services: the admin shows them, never edits them.
    readonly_fields = (
        "state",
        "provider",
        "kie_task_id",
        "request_payload",
        "result_urls",
        "hd_video_url",
        "error_code",
        "error_message",
        "estimated_credits",
        "actual_credits",
        "idempotency_key",
        "request_fingerprint",
        "submitted_at",
        "last_polled_at",
        "finished_at",
        "poll_count",
        "last_status_payload",
        "retry_of",
        "created_at",
        "updated_at",
    )
    actions = ["refresh_from_kie", "retry_failed"]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        _report_balance(request)
        return super().changelist_view(request, extra_context)

    @admin.action(description="Refresh status from Kie.ai")
    def refresh_from_kie(self, request: HttpRequest, queryset: QuerySet[VideoTask]) -> None:
        for task in queryset:
            _run_reporting_errors(request, task, polling.refresh_status)
        self.message_user(request, f"Checked {len(queryset)} task(s) with Kie.ai.")

    @admin.action(description="Retry failed tasks (starts new Kie jobs)")
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[VideoTask]) -> None:
        for task in queryset:
            # An unknown task may be running at Kie: retrying it needs its own confirmation.
            result = _run_reporting_errors(
                request, task, lambda t: videos.retry_task(t, user=request.user)
            )
            if result is not None:
                new, created = result
                verb = "retried as" if created else "already has a live retry:"
                self.message_user(request, f"Task {task.public_id} {verb} {new.public_id}.")


def _run_reporting_errors(
    request: HttpRequest, task: VideoTask, action: Callable[[VideoTask], Any]
) -> Any:
    # Support works through many rows at once: one task's error must not stop the rest.
    try:
        return action(task)
    except ServiceError as exc:
        messages.error(request, f"Task {task.public_id}: {exc.message}")
        return None


def _report_balance(request: HttpRequest) -> None:
    try:
        balance = credits.get_credit_balance()
    except ServiceError as exc:
        messages.warning(request, f"Kie.ai credit balance unavailable: {exc.message}")
        return
    messages.info(
        request,
        f"Kie.ai balance: {balance.credits:,} credits (as of {balance.fetched_at:%H:%M:%S} UTC).",
    )


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
