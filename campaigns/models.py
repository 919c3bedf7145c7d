"""Campaigns domain: campaigns, products, ideas, prompts and the video tasks they become.

Models hold fields, constraints and the task state table. Every write and every state change lives
in `campaigns.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class Campaign(models.Model):
    name = models.CharField(max_length=200)
    credit_budget = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Optional cap on the credits this campaign's video jobs may spend.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="products"
    )
    name = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    image = models.FileField(upload_to="products/%Y/%m/", blank=True)
    source_image_url = models.URLField(max_length=2000, blank=True)
    # The copy Kie can read; Kie deletes uploads after ~24 h, so its age decides a re-upload.
    kie_image_url = models.URLField(max_length=2000, blank=True)
    kie_image_uploaded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(image="") | ~Q(source_image_url=""),
                name="product_has_image_or_url",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"Product #{self.pk}"


class Idea(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="ideas")
    # Asking again for ideas adds a new batch; earlier ideas (and tasks made from them) stay.
    batch = models.PositiveSmallIntegerField(default=1)
    rank = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    title = models.CharField(max_length=200)
    hook = models.TextField(blank=True)
    concept = models.TextField(blank=True)
    scenes = models.JSONField(default=list, blank=True)
    on_screen_text = models.TextField(blank=True)
    voice_over = models.TextField(blank=True)
    call_to_action = models.CharField(max_length=300, blank=True)
    target_audience = models.CharField(max_length=300, blank=True)
    suggested_model = models.CharField(max_length=64, blank=True)
    aspect_ratio = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["product_id", "-batch", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "batch", "rank"], name="idea_unique_rank_per_batch"
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1) & Q(rank__lte=10), name="idea_rank_1_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.title}"


class VideoPrompt(models.Model):
    """A video prompt written for one idea and one model, by Gemini or by a person."""

    class Source(models.TextChoices):
        GENERATED = "generated", "Generated"
        USER = "user", "Written by a user"

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="prompts")
    model_id = models.CharField(max_length=64)
    text = models.TextField()
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.GENERATED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.model_id}: {self.text[:60]}"


class VideoTaskState(models.TextChoices):
    SUBMITTING = "submitting", "Submitting"
    QUEUED = "queued", "Queued"
    GENERATING = "generating", "Generating"
    SUCCESS = "success", "Success"
    FAILED = "failed", "Failed"
    # The create call's outcome was never learned (timeout after sending); Kie may bill it.
    UNKNOWN = "unknown", "Unknown"


class VideoTask(models.Model):
    State = VideoTaskState

    TERMINAL_STATES = frozenset({State.SUCCESS, State.FAILED})
    # Allowed state changes; terminal states have none (a retry is a new row).
    TRANSITIONS: dict[str, frozenset[str]] = {
        State.SUBMITTING: frozenset(
            {State.QUEUED, State.GENERATING, State.SUCCESS, State.FAILED, State.UNKNOWN}
        ),
        State.QUEUED: frozenset({State.GENERATING, State.SUCCESS, State.FAILED}),
        State.GENERATING: frozenset({State.SUCCESS, State.FAILED}),
        State.UNKNOWN: frozenset({State.QUEUED, State.GENERATING, State.SUCCESS, State.FAILED}),
        State.SUCCESS: frozenset(),
        State.FAILED: frozenset(),
    }

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="tasks")
    idea = models.ForeignKey(
        Idea, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    retry_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries"
    )
    model_id = models.CharField(max_length=64)
    provider = models.CharField(max_length=8)
    prompt = models.TextField(blank=True)
    options = models.JSONField(default=dict, blank=True)
    request_payload = models.JSONField(default=dict, blank=True)
    kie_task_id = models.CharField(max_length=128, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.SUBMITTING)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    result_urls = models.JSONField(default=list, blank=True)
    hd_video_url = models.URLField(max_length=2000, blank=True)
    estimated_credits = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    actual_credits = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="video_tasks",
    )
    idempotency_key = models.CharField(max_length=255, blank=True)
    # SHA-256 of the normalised request: the same key with another body is a conflict.
    request_fingerprint = models.CharField(max_length=64, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    poll_count = models.PositiveIntegerField(default=0)
    last_status_payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A task id Kie gave us belongs to exactly one row (lookups by taskId+provider).
            models.UniqueConstraint(
                fields=["kie_task_id", "provider"],
                condition=~Q(kie_task_id=""),
                name="videotask_unique_kie_task_id",
            ),
            # Replays of one Idempotency-Key by one user find the task they started.
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="videotask_unique_idempotency_key",
            ),
            models.CheckConstraint(
                condition=Q(state__in=VideoTaskState.values), name="videotask_state_valid"
            ),
        ]
        indexes = [
            # Task list filters: GET /api/tasks?state=&model=
            models.Index(fields=["state", "-created_at"], name="videotask_state_created"),
            models.Index(fields=["model_id", "-created_at"], name="videotask_model_created"),
        ]

    def __str__(self) -> str:
        return f"{self.model_id} {self.kie_task_id or '(no task id)'} [{self.state}]"

    @property
    def is_terminal(self) -> bool:
        return self.state in self.TERMINAL_STATES

    @classmethod
    def can_transition(cls, old: str, new: str) -> bool:
        return new in cls.TRANSITIONS.get(old, frozenset())


class ModelAvailability(models.Model):
    """An admin's switch to mark a video model unavailable (e.g. retired upstream), with why."""

    model_id = models.CharField(max_length=64, unique=True)
    is_available = models.BooleanField(default=True)
    reason = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "model availability"

    def __str__(self) -> str:
        return f"{self.model_id}: {'available' if self.is_available else 'unavailable'}"
