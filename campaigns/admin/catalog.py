"""Campaigns, products, idea batches, ideas and prompts in the admin.

Rows Gemini or the API create (products, batches, ideas, prompts) have no "Add" here: the API and
the portal check images, models and options; the admin would not. Their words stay editable.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from campaigns.models import Campaign, Idea, IdeaBatch, Product, VideoPrompt, VideoTask

from . import display
from .filters import ModelFilter, SuggestedModelFilter

_FAILED = VideoTask.State.FAILED


class NoAddMixin:
    """Rows made through the API, the portal or the worker: no "Add" in the admin."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class IdeaInline(admin.TabularInline):
    model = Idea
    extra = 0
    fields = ("batch", "rank", "title", "suggested_model", "aspect_ratio")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "budget_column",
        "committed_column",
        "charged_column",
        "difference_column",
        "tasks_column",
        "created_by",
        "created_at",
    )
    list_select_related = ("created_by",)
    search_fields = ("name",)
    list_filter = (("created_at", admin.DateFieldListFilter),)
    readonly_fields = ("created_by", "created_at", "updated_at", "spend_detail")
    fields = ("name", "credit_budget", "spend_detail", "created_by", "created_at", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Campaign]:
        # One query for the whole page: a campaign's spend is summed over its products' tasks.
        tasks = "products__tasks"
        live = ~Q(**{f"{tasks}__state": _FAILED})
        known = Q(**{f"{tasks}__actual_credits__isnull": False})
        return (
            super()
            .get_queryset(request)
            .annotate(
                task_count=Count(f"{tasks}"),
                committed=Sum(
                    Coalesce(f"{tasks}__actual_credits", f"{tasks}__estimated_credits"),
                    filter=live,
                ),
                charged=Sum(f"{tasks}__actual_credits"),
                estimated_known=Sum(f"{tasks}__estimated_credits", filter=known),
            )
        )

    @admin.display(description="Budget", ordering="credit_budget")
    def budget_column(self, campaign: Campaign) -> str:
        return display.credits(campaign.credit_budget)

    @admin.display(description="Committed", ordering="committed")
    def committed_column(self, campaign: Campaign) -> str:
        """What the budget counts: actual cost once known, the estimate until then."""
        return display.credits(campaign.committed or Decimal(0))

    @admin.display(description="Charged", ordering="charged")
    def charged_column(self, campaign: Campaign) -> str:
        return display.credits(campaign.charged or Decimal(0))

    @admin.display(description="Actual − estimate")
    def difference_column(self, campaign: Campaign) -> str:
        return display.credits((campaign.charged or 0) - (campaign.estimated_known or 0))

    @admin.display(description="Tasks", ordering="task_count")
    def tasks_column(self, campaign: Campaign) -> SafeString:
        return display.changelist_link(
            VideoTask, str(campaign.task_count), product__campaign__id__exact=campaign.pk
        )

    @admin.display(description="Spend")
    def spend_detail(self, campaign: Campaign) -> str:
        return (
            f"{self.committed_column(campaign)} committed, {self.charged_column(campaign)} "
            f"charged over {campaign.task_count} task(s); actual − estimate: "
            f"{self.difference_column(campaign)}"
        )

    def save_model(self, request: HttpRequest, obj: Campaign, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Product)
class ProductAdmin(NoAddMixin, admin.ModelAdmin):
    list_display = (
        "thumbnail_column",
        "campaign",
        "ideas_column",
        "tasks_column",
        "created_by",
        "age_column",
    )
    list_select_related = ("campaign", "created_by")
    list_filter = (
        ("campaign", admin.RelatedOnlyFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    )
    search_fields = ("name", "notes", "campaign__name")
    readonly_fields = (
        "picture",
        "source_image_url",
        "image",
        "kie_image_url",
        "kie_image_uploaded_at",
        "created_by",
        "created_at",
        "updated_at",
    )
    fields = ("picture", "name", "notes", "campaign", *readonly_fields[1:])
    inlines = [IdeaInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Product]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                idea_count=Count("ideas", distinct=True), task_count=Count("tasks", distinct=True)
            )
        )

    def has_delete_permission(self, request: HttpRequest, obj: Product | None = None) -> bool:
        return False  # its tasks are records of paid jobs (and protect it anyway)

    @admin.display(description="Product", ordering="name")
    def thumbnail_column(self, product: Product) -> SafeString:
        return display.thumbnail(product)

    @admin.display(description="Picture")
    def picture(self, product: Product) -> SafeString:
        url = display.product_image_url(product)
        return format_html('<a href="{}"><img class="as-picture" src="{}" alt=""></a>', url, url)

    @admin.display(description="Ideas", ordering="idea_count")
    def ideas_column(self, product: Product) -> SafeString:
        return display.changelist_link(Idea, str(product.idea_count), product__id__exact=product.pk)

    @admin.display(description="Tasks", ordering="task_count")
    def tasks_column(self, product: Product) -> SafeString:
        return display.changelist_link(
            VideoTask, str(product.task_count), product__id__exact=product.pk
        )

    @admin.display(description="Age", ordering="created_at")
    def age_column(self, product: Product) -> str:
        return display.age(product.created_at)


@admin.register(IdeaBatch)
class IdeaBatchAdmin(NoAddMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "product_column",
        "number",
        "state_column",
        "error_code",
        "created_by",
        "age_column",
        "finished_at",
    )
    list_select_related = ("product", "created_by")
    list_filter = ("state", ("created_at", admin.DateFieldListFilter))
    search_fields = ("product__name", "error_code", "error_message")
    readonly_fields = (
        "product",
        "number",
        "state",
        "error_code",
        "error_message",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
    )

    def has_change_permission(self, request: HttpRequest, obj: IdeaBatch | None = None) -> bool:
        return False  # the worker's record of one Gemini request

    @admin.display(description="Product", ordering="product__name")
    def product_column(self, batch: IdeaBatch) -> SafeString:
        return display.thumbnail(batch.product)

    @admin.display(description="State", ordering="state")
    def state_column(self, batch: IdeaBatch) -> SafeString:
        return display.state_badge(batch.state, batch.get_state_display())

    @admin.display(description="Age", ordering="created_at")
    def age_column(self, batch: IdeaBatch) -> str:
        return display.age(batch.created_at)


@admin.register(Idea)
class IdeaAdmin(NoAddMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "product_column",
        "batch",
        "rank",
        "suggested_column",
        "tasks_column",
        "created_at",
    )
    list_select_related = ("product",)
    list_filter = (SuggestedModelFilter, ("product__campaign", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "hook", "concept", "product__name")
    readonly_fields = ("product", "batch", "rank", "suggested_model", "aspect_ratio", "created_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Idea]:
        return super().get_queryset(request).annotate(task_count=Count("tasks"))

    @admin.display(description="Product", ordering="product__name")
    def product_column(self, idea: Idea) -> SafeString:
        return display.thumbnail(idea.product)

    @admin.display(description="Suggested model", ordering="suggested_model")
    def suggested_column(self, idea: Idea) -> str:
        return display.model_label(idea.suggested_model) if idea.suggested_model else ""

    @admin.display(description="Tasks", ordering="task_count")
    def tasks_column(self, idea: Idea) -> SafeString:
        return display.changelist_link(VideoTask, str(idea.task_count), idea__id__exact=idea.pk)


@admin.register(VideoPrompt)
class VideoPromptAdmin(NoAddMixin, admin.ModelAdmin):
    list_display = (
        "idea",
        "product_column",
        "model_column",
        "state_column",
        "source",
        "created_by",
        "age_column",
    )
    list_select_related = ("idea", "idea__product", "created_by")
    list_filter = (ModelFilter, "state", "source", ("created_at", admin.DateFieldListFilter))
    search_fields = ("text", "idea__title", "idea__product__name")
    readonly_fields = (
        "idea",
        "model_id",
        "options",
        "source",
        "state",
        "error_code",
        "error_message",
        "created_by",
        "created_at",
        "finished_at",
    )

    @admin.display(description="Product", ordering="idea__product__name")
    def product_column(self, prompt: VideoPrompt) -> SafeString:
        return display.thumbnail(prompt.idea.product)

    @admin.display(description="Model", ordering="model_id")
    def model_column(self, prompt: VideoPrompt) -> str:
        return display.model_label(prompt.model_id)

    @admin.display(description="State", ordering="state")
    def state_column(self, prompt: VideoPrompt) -> SafeString:
        return display.state_badge(prompt.state, prompt.get_state_display())

    @admin.display(description="Age", ordering="created_at")
    def age_column(self, prompt: VideoPrompt) -> str:
        return display.age(prompt.created_at)
