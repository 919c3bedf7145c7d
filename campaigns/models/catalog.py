"""What a campaign is made of: campaigns, products, the ideas Gemini writes, video prompts."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class JobState(models.TextChoices):
    """Progress of a piece of Gemini work done in the background (ideas, prompts)."""

    PENDING = "pending", "Waiting to start"
    RUNNING = "running", "Working"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


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


class IdeaBatch(models.Model):
    """One request for ten ideas about a product, and how far Gemini has got with it."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="idea_batches")
    number = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=16, choices=JobState.choices, default=JobState.PENDING)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["product_id", "-number"]
        verbose_name_plural = "idea batches"
        constraints = [
            models.UniqueConstraint(
                fields=["product", "number"], name="ideabatch_unique_number_per_product"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} — batch {self.number} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)


class Idea(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="ideas")
    # Asking again adds a new batch (IdeaBatch.number); earlier ideas and their tasks stay.
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
    """A video prompt for one idea and one model, written by Gemini (maybe still) or by a person."""

    class Source(models.TextChoices):
        GENERATED = "generated", "Generated"
        USER = "user", "Written by a user"

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="prompts")
    model_id = models.CharField(max_length=64)
    # The model options the prompt was planned for (they decide the clip length).
    options = models.JSONField(default=dict, blank=True)
    text = models.TextField(blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.GENERATED)
    state = models.CharField(max_length=16, choices=JobState.choices, default=JobState.DONE)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.model_id}: {self.text[:60] or '(' + self.state + ')'}"
