"""Django admin: support finds a task by its Kie id and sees what was sent and answered."""

from __future__ import annotations

from django.contrib import admin

from .models import Campaign, Idea, ModelAvailability, Product, VideoPrompt, VideoTask


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


@admin.register(ModelAvailability)
class ModelAvailabilityAdmin(admin.ModelAdmin):
    list_display = ("model_id", "is_available", "reason", "updated_at")
    list_editable = ("is_available", "reason")
