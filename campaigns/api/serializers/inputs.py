"""Input serializers: request bodies, query strings and headers, with camelCase field names.

Field names are the API's own (camelCase), so a validation error names the field the client sent;
`source=` maps each onto the snake_case keyword the service takes.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from campaigns.models import VideoTaskState
from campaigns.services.downloads import QUALITIES
from campaigns.services.spend import MAX_QUOTE_COUNT
from kie.registry import MODELS_BY_ID
from kie.types import Provider

IDEMPOTENCY_HEADER = "Idempotency-Key"
# The largest id a database row can have (a 64-bit primary key): larger ones are not ids at all.
MAX_ID = 2**63 - 1
IMAGE_HELP = "JPEG, PNG or WebP, at most 10 MB (checked by content)."
IMAGE_URL_HELP = "A public http(s) URL of the product photo."


def model_field(**kwargs: Any) -> serializers.ChoiceField:
    """A video model id: an enum in the schema, an error listing the ids otherwise."""
    ids = ", ".join(MODELS_BY_ID)
    return serializers.ChoiceField(
        choices=list(MODELS_BY_ID),
        source="model_id",
        error_messages={"invalid_choice": f"Unknown model {{input!r}}. Choose one of: {ids}."},
        **kwargs,
    )


class IdeasProductFields(serializers.Serializer):
    """What POST /api/ideas takes besides the image itself."""

    productName = serializers.CharField(
        source="name", required=False, allow_blank=True, max_length=200
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    campaignId = serializers.IntegerField(
        source="campaign_id", required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )


class IdeasCreateInput(IdeasProductFields):
    image = serializers.FileField(required=False, help_text=IMAGE_HELP)
    imageUrl = serializers.URLField(
        source="image_url", required=False, max_length=2000, help_text=IMAGE_URL_HELP
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_file, has_url = "image" in attrs, bool(attrs.get("image_url"))
        if has_file == has_url:
            raise serializers.ValidationError(
                {"image": "Send exactly one of an `image` file (multipart) or an `imageUrl`."}
            )
        return attrs


class PromptCreateInput(serializers.Serializer):
    ideaId = serializers.IntegerField(source="idea_id", min_value=1, max_value=MAX_ID)
    model = model_field()
    options = serializers.DictField(
        required=False,
        allow_empty=True,
        help_text='Model options by name, e.g. {"aspectRatio": "9:16"} (Kie\'s own names, like '
        '"aspect_ratio", work too); see GET /api/models. For a prompt, they set the clip length '
        "it is written for.",
    )


class QuoteInput(serializers.Serializer):
    model = serializers.CharField(source="model_id", max_length=64)
    options = serializers.DictField(
        required=False,
        allow_empty=True,
        help_text='Model options by their Kie names, e.g. {"duration": "10", "sound": true}; '
        "unset options take their defaults, as a start would.",
    )
    count = serializers.IntegerField(
        required=False,
        default=1,
        min_value=1,
        max_value=MAX_QUOTE_COUNT,
        help_text="How many videos.",
    )


class VideoStartInput(PromptCreateInput):
    prompt = serializers.CharField(
        required=False, allow_null=True, allow_blank=False, trim_whitespace=True
    )
    imageUrls = serializers.ListField(
        source="image_urls",
        child=serializers.URLField(max_length=2000),
        required=False,
        allow_null=True,
        max_length=3,
    )
    videoUrl = serializers.URLField(
        source="video_url", required=False, allow_null=True, max_length=2000
    )


class IdempotencyKeyInput(serializers.Serializer):
    """The optional Idempotency-Key header; errors name the header."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            IDEMPOTENCY_HEADER: serializers.RegexField(
                r"^[\x21-\x7e]+$",
                source="idempotency_key",
                max_length=255,
                required=False,
                error_messages={
                    "invalid": "Use 1-255 printable ASCII characters without spaces, e.g. a UUID."
                },
            )
        }

    @classmethod
    def key_from(cls, headers: Any) -> str | None:
        """The validated key, or None when the header is absent."""
        value = headers.get(IDEMPOTENCY_HEADER)
        serializer = cls(data={} if value is None else {IDEMPOTENCY_HEADER: value})
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data.get("idempotency_key")


class TaskLookupQuery(serializers.Serializer):
    taskId = serializers.CharField(
        source="task_id",
        max_length=128,
        help_text="Our task id (`vt_…`, from the start answer), or Kie's id of the task.",
    )
    provider = serializers.ChoiceField(
        choices=[p.value for p in Provider],
        required=False,
        allow_null=True,
        help_text="Optional: only needed if a Kie id could belong to either API.",
    )


class DownloadQuery(TaskLookupQuery):
    quality = serializers.ChoiceField(choices=QUALITIES, default="original")


class RetryInput(serializers.Serializer):
    confirm = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Required (true) to retry an `unknown` task: its first job may still be "
        "running and billing at Kie.",
    )


class AttachKieIdInput(serializers.Serializer):
    kieTaskId = serializers.CharField(source="kie_task_id", max_length=128)


class TaskFilterQuery(serializers.Serializer):
    state = serializers.ChoiceField(choices=VideoTaskState.values, required=False)
    model = model_field(required=False)
    campaign = serializers.IntegerField(
        source="campaign_id", required=False, min_value=1, max_value=MAX_ID
    )
