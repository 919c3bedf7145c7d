"""Serializers that exist only to describe responses in the OpenAPI schema."""

from __future__ import annotations

from rest_framework import serializers

from .inputs import IMAGE_HELP, IMAGE_URL_HELP, IdeasProductFields


class IdeasFromUrlRequest(IdeasProductFields):
    """POST /api/ideas as JSON."""

    imageUrl = serializers.URLField(max_length=2000, help_text=IMAGE_URL_HELP)


class IdeasFromUploadRequest(IdeasProductFields):
    """POST /api/ideas as multipart/form-data."""

    image = serializers.FileField(help_text=IMAGE_HELP)


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="snake_case, e.g. validation_error, kie_error")
    message = serializers.CharField(help_text="What went wrong.")
    hint = serializers.CharField(
        required=False,
        help_text="What to do about it, chosen from the kind of error: wait and retry, top up "
        "Kie credits, shorten or change the prompt, use a different photo, pick another model, "
        "or ask an administrator to check KIE_API_KEY.",
    )
    fields = serializers.DictField(
        child=serializers.CharField(), required=False, help_text="Field path -> message."
    )
    kieCode = serializers.IntegerField(required=False, help_text="Kie.ai's own code.")
    productId = serializers.IntegerField(
        required=False, help_text="The product saved before the Kie error; retry its ideas."
    )
    ideaId = serializers.IntegerField(required=False, help_text="The idea a prompt was for.")
    taskId = serializers.CharField(
        required=False, help_text="Our id (`vt_…`) of the task the error concerns."
    )
    alternatives = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Ids of available models that take the same input.",
    )
    creditBudget = serializers.CharField(
        required=False, help_text="budget_exceeded by a campaign budget: the budget."
    )
    dailyCreditLimit = serializers.CharField(
        required=False, help_text="budget_exceeded by the user's daily limit: the limit."
    )
    committedCredits = serializers.CharField(
        required=False, help_text="budget_exceeded only: credits already committed."
    )
    estimatedCredits = serializers.CharField(required=False, help_text="budget_exceeded only.")
    contentRange = serializers.CharField(
        required=False, allow_null=True, help_text="range_not_satisfiable: the video's size."
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class HealthDatabaseSerializer(serializers.Serializer):
    ok = serializers.BooleanField()


class HealthKieSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    detail = serializers.CharField()


class LivenessSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "degraded"])
    database = HealthDatabaseSerializer()


class HealthSerializer(LivenessSerializer):
    kie = HealthKieSerializer()
