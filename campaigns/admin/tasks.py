"""Video tasks in the admin: a list support can search and filter, and a read-only task page.

A task's fields change only through services (state table, conditional updates): the admin has
no "Add" and no editable field. The videotask "change" permission means "may run the support
actions" (refresh, retry, attach a Kie id), which `task_actions.py` implements.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from campaigns.models import VideoTask

from . import display
from .filters import ModelFilter, ProviderFilter
from .task_actions import TaskActionsMixin

State = VideoTask.State


@admin.register(VideoTask)
class VideoTaskAdmin(TaskActionsMixin, admin.ModelAdmin):
    list_display = (
        "public_id",
        "state_column",
        "product_column",
        "idea_column",
        "model_column",
        "created_by",
        "age_column",
        "estimated_column",
        "actual_column",
        "difference_column",
        "kie_task_id",
    )
    list_select_related = ("product", "idea", "created_by")
    list_filter = (
        "state",
        ModelFilter,
        ProviderFilter,
        ("product__campaign", admin.RelatedOnlyFieldListFilter),
        ("created_by", admin.RelatedOnlyFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
        "actual_credits_source",
        "archive_state",
    )
    search_fields = ("public_id", "kie_task_id", "product__name", "idea__title", "prompt")
    search_help_text = "Our id (vt_…), Kie's id, the product, the idea's title or prompt words."
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    list_per_page = 50
    change_form_template = "admin/campaigns/videotask/change_form.html"
    fieldsets = (
        (None, {"fields": ("public_id", "state_detail", "model_detail", "product_detail",
                           "idea_detail", "created_by", "created_at", "submitted_at",
                           "finished_at", "retry_links")}),
        ("Video", {"fields": ("video_player",)}),
        ("What it was started with", {"fields": ("prompt_detail", "options_detail",
                                                  "media_detail", "needs_prompt")}),
        ("Cost", {"fields": ("estimated_credits", "actual_credits", "actual_credits_source",
                             "difference_column")}),
        ("Kie", {"fields": ("provider", "kie_task_id", "payload_detail", "status_detail",
                            "poll_count", "last_polled_at", "next_check_at", "deadline_at")}),
        ("Idempotency", {"classes": ("collapse",),
                         "fields": ("idempotency_key", "request_fingerprint", "submit_attempts",
                                    "updated_at")}),
    )  # fmt: skip
    readonly_fields = tuple(field for _, options in fieldsets for field in options["fields"])

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A task is started through the API or the portal, where its request is checked and
        # priced; the admin's add form once saved a task for a model that does not exist.
        return False

    def has_change_permission(self, request: HttpRequest, obj: VideoTask | None = None) -> bool:
        if obj is not None:
            return False  # the task page is read-only; its buttons call services
        return super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: VideoTask | None = None) -> bool:
        return False  # a task is a record of a paid Kie job

    # --- list columns ---------------------------------------------------------------------------

    @admin.display(description="State", ordering="state")
    def state_column(self, task: VideoTask) -> SafeString:
        return display.state_badge(task.state, task.get_state_display())

    @admin.display(description="Product", ordering="product__name")
    def product_column(self, task: VideoTask) -> SafeString:
        return display.thumbnail(task.product)

    @admin.display(description="Idea", ordering="idea__title")
    def idea_column(self, task: VideoTask) -> str:
        return task.idea.title if task.idea_id else display.EMPTY

    @admin.display(description="Model", ordering="model_id")
    def model_column(self, task: VideoTask) -> str:
        return display.model_label(task.model_id)

    @admin.display(description="Age", ordering="created_at")
    def age_column(self, task: VideoTask) -> str:
        return display.age(task.created_at)

    @admin.display(description="Estimated", ordering="estimated_credits")
    def estimated_column(self, task: VideoTask) -> str:
        return display.credits(task.estimated_credits)

    @admin.display(description="Actual", ordering="actual_credits")
    def actual_column(self, task: VideoTask) -> str:
        if task.actual_credits_source == VideoTask.CostSource.PRICE_LIST:
            return f"{display.credits(task.actual_credits)} (price list)"
        return display.credits(task.actual_credits)

    @admin.display(description="Difference")
    def difference_column(self, task: VideoTask) -> SafeString:
        return display.credits_difference(task)

    # --- the task page --------------------------------------------------------------------------

    @admin.display(description="State")
    def state_detail(self, task: VideoTask) -> SafeString:
        badge = display.state_badge(task.state, task.get_state_display())
        if not task.error_code and not task.error_message:
            return badge
        return format_html(
            '{} <code>{}</code><p class="as-note">{}</p>',
            badge,
            task.error_code,
            task.error_message,
        )

    @admin.display(description="Model")
    def model_detail(self, task: VideoTask) -> str:
        return f"{display.model_label(task.model_id)} ({task.model_id})"

    @admin.display(description="Product")
    def product_detail(self, task: VideoTask) -> SafeString:
        return display.change_link(task.product, display.thumbnail(task.product, size=64))

    @admin.display(description="Idea")
    def idea_detail(self, task: VideoTask) -> SafeString:
        return display.change_link(task.idea)

    @admin.display(description="Retries")
    def retry_links(self, task: VideoTask) -> SafeString:
        parts = []
        if task.retry_of_id:
            parts.append(format_html("Retry of {}", _task_link(task.retry_of)))
        retries = list(task.retries.order_by("created_at"))
        if retries:
            links = format_html_join(", ", "{}", ((_task_link(r),) for r in retries))
            parts.append(format_html("Retried as {}", links))
        if not parts:
            return format_html("{}", display.EMPTY)
        return format_html_join(mark_safe("<br>"), "{}", ((part,) for part in parts))

    @admin.display(description="Player")
    def video_player(self, task: VideoTask) -> SafeString:
        if task.state != State.SUCCESS:
            return format_html('<p class="as-note">No video: the task is {}.</p>', task.state)
        video = reverse("media-video", args=[task.public_id])
        # The poster URL answers 404 until posters are made; a <video> whose poster fails to
        # load shows the clip's first frame instead (preload=metadata fetches it).
        poster = reverse("media-poster", args=[task.public_id])
        hd = ""
        if task.provider == "veo":
            hd = format_html(' · <a href="{}?quality=1080p&amp;download=1">1080p</a>', video)
        return format_html(
            '<video class="as-player" controls preload="metadata" src="{}" poster="{}"></video>'
            '<p><a href="{}?download=1">Download</a>{}</p>',
            video,
            poster,
            video,
            hd,
        )

    @admin.display(description="Prompt")
    def prompt_detail(self, task: VideoTask) -> SafeString:
        return display.pre(task.prompt)

    @admin.display(description="Options")
    def options_detail(self, task: VideoTask) -> SafeString:
        return display.pretty_json(task.options)

    @admin.display(description="Media")
    def media_detail(self, task: VideoTask) -> SafeString:
        media = {"images": task.image_urls, "videos": task.video_urls}
        return display.pretty_json({key: urls for key, urls in media.items() if urls})

    @admin.display(description="Request sent to Kie")
    def payload_detail(self, task: VideoTask) -> SafeString:
        return display.pretty_json(task.request_payload)

    @admin.display(description="Last status from Kie")
    def status_detail(self, task: VideoTask) -> SafeString:
        return display.pretty_json(task.last_status_payload)


def _task_link(task: VideoTask) -> SafeString:
    return format_html(
        "{} {}", display.change_link(task, task.public_id), display.state_badge(task.state)
    )
