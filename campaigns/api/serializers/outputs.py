"""Output serializers: rows rendered as the camelCase JSON the frontend reads."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.models import ArchiveState, Product, VideoPrompt, VideoTask
from kie.registry import UnknownModelError, get_model
from kie.types import Provider

_NULLABLE_URI = {"type": "string", "format": "uri", "nullable": True}
_ERROR_STATES = (VideoTask.State.FAILED, VideoTask.State.UNKNOWN)
_PENDING_NOTES = {
    True: "Gemini is writing the video prompt; the job is sent to Kie right after.",
    False: "Waiting for its turn under Kie's rate limit; the worker sends it shortly.",
}


class ProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    notes = serializers.CharField()
    imageUrl = serializers.SerializerMethodField()
    kieImageUrl = serializers.CharField(source="kie_image_url")
    campaignId = serializers.IntegerField(source="campaign_id", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")

    @extend_schema_field(OpenApiTypes.URI)
    def get_imageUrl(self, product: Product) -> str:
        if product.source_image_url:
            return product.source_image_url
        # Uploads are served to staff only, never from a public /media/ URL.
        path = reverse("media-product-image", args=[product.pk])
        return _absolute(self.context.get("request"), path)


class IdeaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    batch = serializers.IntegerField()
    rank = serializers.IntegerField()
    title = serializers.CharField()
    hook = serializers.CharField()
    concept = serializers.CharField()
    scenes = serializers.ListField(child=serializers.CharField())
    onScreenText = serializers.CharField(source="on_screen_text")
    voiceOver = serializers.CharField(source="voice_over")
    callToAction = serializers.CharField(source="call_to_action")
    targetAudience = serializers.CharField(source="target_audience")
    suggestedModel = serializers.CharField(source="suggested_model")
    aspectRatio = serializers.CharField(source="aspect_ratio")


class IdeasResultSerializer(serializers.Serializer):
    product = ProductSerializer()
    ideas = IdeaSerializer(many=True)


class PromptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ideaId = serializers.IntegerField(source="idea_id")
    model = serializers.CharField(source="model_id")
    prompt = serializers.CharField(source="text")
    source = serializers.ChoiceField(choices=VideoPrompt.Source.values)
    maxChars = serializers.SerializerMethodField()

    def get_maxChars(self, prompt: VideoPrompt) -> int | None:

        return get_model(prompt.model_id).prompt_max_chars


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class TaskErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ArchiveSerializer(serializers.Serializer):
    """Our copy of one video file (the original, or Veo's 1080p file)."""

    status = serializers.ChoiceField(
        choices=ArchiveState.values,
        help_text="none: nothing to copy yet; pending: the worker copies it (or retries at "
        "`nextAttemptAt`); done: downloads come from our copy; failed: gave up (`error` says "
        "why), downloads use Kie's URL; expired: deleted after ARCHIVE_RETENTION_DAYS; "
        "deleted: deleted by staff. Kie's URL is the fallback whenever it is not done.",
    )
    error = serializers.CharField(
        allow_null=True, help_text="Why the last copy failed (also while it is retried)."
    )
    attempts = serializers.IntegerField()
    nextAttemptAt = serializers.DateTimeField(allow_null=True)
    archivedAt = serializers.DateTimeField(allow_null=True)
    bytes = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField(allow_null=True)


class TaskSerializer(serializers.Serializer):
    taskId = serializers.CharField(
        source="public_id", help_text="Our id of the task, stable from the first answer on."
    )
    kieTaskId = serializers.CharField(
        source="kie_task_id",
        allow_null=True,
        help_text="Kie's id of the job, once Kie has given one (null before).",
    )
    provider = serializers.ChoiceField(choices=[p.value for p in Provider])
    model = serializers.CharField(source="model_id")
    status = serializers.ChoiceField(source="state", choices=VideoTask.State.values)
    prompt = serializers.CharField()
    options = serializers.SerializerMethodField(
        help_text="Every option the job was sent with (defaults applied), by its camelCase name."
    )
    videoUrl = serializers.SerializerMethodField()
    hdVideoUrl = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()
    statusNote = serializers.SerializerMethodField(
        help_text="While the task runs: why its state may not be fresh (a failed status check), "
        "or why it still waits (Kie's rate limit, its prompt being written). Null otherwise."
    )
    estimatedCredits = serializers.DecimalField(
        source="estimated_credits", max_digits=12, decimal_places=2, coerce_to_string=False
    )
    actualCredits = serializers.DecimalField(
        source="actual_credits",
        max_digits=12,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
    )
    actualCreditsSource = serializers.ChoiceField(
        source="actual_credits_source",
        choices=VideoTask.CostSource.values,
        allow_null=True,
        help_text="kie: what Kie reported; price_list: the published price of the options used "
        "(Kie reports none for Veo); no_charge: the task failed. null until known.",
    )
    creditsDifference = serializers.DecimalField(
        source="credits_difference",
        max_digits=12,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text="actualCredits - estimatedCredits, once the actual cost is known.",
    )
    createdBy = serializers.SerializerMethodField(help_text="Who started the task.")
    productId = serializers.IntegerField(source="product_id")
    ideaId = serializers.IntegerField(source="idea_id", allow_null=True)
    retryOf = serializers.SerializerMethodField(help_text="Our id of the task this one retries.")
    archive = serializers.SerializerMethodField()
    hdArchive = serializers.SerializerMethodField(
        help_text="Veo's 1080p file: Kie makes it minutes after success (null for other models)."
    )
    posterUrl = serializers.SerializerMethodField(
        help_text="A JPEG frame ~1 s in, once the video is archived (staff session login)."
    )
    durationSeconds = serializers.FloatField(
        source="video_duration_seconds", allow_null=True, help_text="Read from our copy."
    )
    width = serializers.IntegerField(source="video_width", allow_null=True)
    height = serializers.IntegerField(source="video_height", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")

    def to_representation(self, task: VideoTask) -> dict[str, Any]:
        data = super().to_representation(task)
        data["kieTaskId"] = data["kieTaskId"] or None
        data["actualCreditsSource"] = data["actualCreditsSource"] or None
        return data

    @extend_schema_field(UserRefSerializer(allow_null=True))
    def get_createdBy(self, task: VideoTask) -> dict[str, Any] | None:
        user = task.created_by
        return None if user is None else {"id": user.pk, "username": user.get_username()}

    def get_retryOf(self, task: VideoTask) -> str | None:
        if not task.retry_of_id:
            return None
        # selectors.get_task annotates it; a task fresh from a service has the related row.
        return getattr(task, "retry_of_public_id", None) or task.retry_of.public_id

    @extend_schema_field(_NULLABLE_URI)
    def get_videoUrl(self, task: VideoTask) -> str | None:
        if task.state != VideoTask.State.SUCCESS:
            return None
        return download_url(self.context.get("request"), task)

    @extend_schema_field(_NULLABLE_URI)
    def get_hdVideoUrl(self, task: VideoTask) -> str | None:
        if task.state != VideoTask.State.SUCCESS or task.provider != Provider.VEO:
            return None
        return download_url(self.context.get("request"), task, quality="1080p")

    @extend_schema_field({"type": "object", "additionalProperties": True})
    def get_options(self, task: VideoTask) -> dict[str, Any]:
        return api_options(task.model_id, task.options)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_statusNote(self, task: VideoTask) -> str | None:
        if task.is_terminal or task.state == VideoTask.State.UNKNOWN:
            return None
        if task.error_message:
            return task.error_message
        if task.state == VideoTask.State.PENDING:
            return _PENDING_NOTES[task.needs_prompt]
        return None

    @extend_schema_field(ArchiveSerializer)
    def get_archive(self, task: VideoTask) -> dict[str, Any]:
        return archive_data(task, "")

    @extend_schema_field(ArchiveSerializer(allow_null=True))
    def get_hdArchive(self, task: VideoTask) -> dict[str, Any] | None:
        return archive_data(task, "hd_") if task.provider == Provider.VEO else None

    @extend_schema_field(_NULLABLE_URI)
    def get_posterUrl(self, task: VideoTask) -> str | None:
        if not task.poster_file:
            return None
        return _absolute(
            self.context.get("request"), reverse("media-poster", args=[task.public_id])
        )

    @extend_schema_field(TaskErrorSerializer(allow_null=True))
    def get_error(self, task: VideoTask) -> dict[str, str] | None:
        # A live task may carry a note from a failed status check; it has not failed.
        if task.state not in _ERROR_STATES:
            return None
        return {
            "code": task.error_code or "generation_failed",
            "message": task.error_message or "The video could not be generated.",
        }


class ProductDetailSerializer(ProductSerializer):
    ideas = IdeaSerializer(many=True)
    tasks = TaskSerializer(many=True)


class CreditsSerializer(serializers.Serializer):
    credits = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    fetchedAt = serializers.DateTimeField(source="fetched_at")
    isLow = serializers.BooleanField(
        source="is_low", help_text="The balance is below lowThreshold: top up soon."
    )
    lowThreshold = serializers.DecimalField(
        source="low_threshold",
        max_digits=14,
        decimal_places=2,
        coerce_to_string=False,
        help_text="KIE_LOW_BALANCE_CREDITS.",
    )


def _credits_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, **kwargs
    )


class DailyAllowanceSerializer(serializers.Serializer):
    limit = _credits_field(help_text="The user's daily credit limit.")
    committed = _credits_field(help_text="Credits their jobs committed today.")
    remaining = _credits_field(help_text="What is left today.")


class QuoteSerializer(serializers.Serializer):
    model = serializers.CharField(source="model.id")
    options = serializers.DictField(help_text="Every option, defaults applied, as a start sends.")
    count = serializers.IntegerField()
    clipSeconds = serializers.IntegerField(source="clip_seconds", allow_null=True)
    creditsEach = _credits_field(source="credits_each")
    totalCredits = _credits_field(source="total")
    dailyLimit = DailyAllowanceSerializer(
        source="allowance",
        allow_null=True,
        help_text="Your daily credit limit and what is left of it; null when none applies.",
    )
    withinDailyLimit = serializers.BooleanField(
        source="within_daily_limit",
        help_text="false: starting all of them now would be refused with budget_exceeded.",
    )


def archive_data(task: VideoTask, prefix: str) -> dict[str, Any]:
    """One archive's state as the API shows it (`prefix` "hd_" for Veo's 1080p file)."""

    def value(name: str) -> Any:
        return getattr(task, f"{prefix}{name}")

    state = value("archive_state")
    return {
        "status": state,
        "error": value("archive_error") or None,
        "attempts": value("archive_attempts"),
        "nextAttemptAt": _iso(value("archive_due_at")) if state == ArchiveState.PENDING else None,
        "archivedAt": _iso(value("archived_at")),
        "bytes": value("video_bytes"),
        "sha256": value("video_sha256") or None,
    }


def _iso(moment: Any) -> str | None:
    return serializers.DateTimeField().to_representation(moment) if moment else None


def download_url(request: Any, task: VideoTask, *, quality: str | None = None) -> str:
    """Our own download URL for a task's video (absolute when a request is at hand)."""
    query = {"taskId": task.public_id}
    if quality:
        query["quality"] = quality
    return _absolute(request, f"{reverse('api:video-download')}?{urlencode(query)}")


def _absolute(request: Any, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def api_options(model_id: str, options: dict[str, Any]) -> dict[str, Any]:
    """Options stored by Kie's names, as the API names them (camelCase)."""
    try:
        model = get_model(model_id)
    except UnknownModelError:
        return dict(options)
    names = {option.name: option.api_name for option in model.options}
    # A row written by hand (the admin, an old import) may hold a name the model doesn't know.
    return {names.get(name, name): value for name, value in options.items()}


class ModelOptionSerializer(serializers.Serializer):
    name = serializers.CharField(
        source="api_name", help_text="The key in `options`, camelCase (e.g. aspectRatio)."
    )
    kieName = serializers.CharField(
        source="name", help_text="Kie's own name for it (also accepted as the key)."
    )
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["choice", "bool"])
    choices = serializers.ListField(child=serializers.JSONField())
    default = serializers.JSONField()
    help = serializers.CharField()


class ModelMediaSerializer(serializers.Serializer):
    minImages = serializers.IntegerField(source="min_images")
    maxImages = serializers.IntegerField(source="max_images")
    videos = serializers.IntegerField(help_text="1 when the model needs a `videoUrl`.")


class ModelPriceSerializer(serializers.Serializer):
    options = serializers.DictField(
        help_text="Values of the options this model's price depends on; others cost nothing."
    )
    credits = serializers.FloatField(help_text="Credits per video with these options.")


class ModelDescriptionSerializer(serializers.Serializer):
    """GET /api/models: one `catalog.ModelListing` (a registry model and its availability)."""

    id = serializers.CharField(source="model.id")
    label = serializers.CharField(source="model.label")
    provider = serializers.ChoiceField(source="model.provider", choices=[p.value for p in Provider])
    media = ModelMediaSerializer(source="model.media")
    options = ModelOptionSerializer(source="model.options", many=True)
    promptMaxChars = serializers.IntegerField(source="model.prompt_max_chars", allow_null=True)
    promptRequired = serializers.BooleanField(source="model.prompt_required")
    clipSeconds = serializers.SerializerMethodField()
    estimatedCredits = serializers.SerializerMethodField(help_text="With the default options.")
    prices = serializers.SerializerMethodField(
        help_text="The price table: one row per combination of priced options."
    )
    usesStartImage = serializers.BooleanField(source="model.uses_start_image")
    available = serializers.BooleanField()
    unavailableReason = serializers.CharField(source="unavailable_reason", allow_null=True)

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_clipSeconds(self, listing: Any) -> int | None:
        return listing.model.clip_seconds(listing.model.default_options())

    @extend_schema_field(OpenApiTypes.NUMBER)
    def get_estimatedCredits(self, listing: Any) -> float:
        return _number(listing.model.estimate_credits(listing.model.default_options()))

    @extend_schema_field(ModelPriceSerializer(many=True))
    def get_prices(self, listing: Any) -> list[dict[str, Any]]:
        # Only the options the price depends on: the others cost nothing.
        return [
            {"options": options, "credits": _number(credits)}
            for options, credits in listing.model.credits.rows()
        ]


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)
