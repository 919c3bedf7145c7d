"""Operational rows: model availability switches and the shared Kie rate limiter's slots."""

from __future__ import annotations

from django.db import models


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


class RateLimitSlot(models.Model):
    """One of the N most recent admissions of a rate-limit bucket (N = the bucket's limit).

    A call is admitted by overwriting the oldest slot, only when that slot is older than the
    window: see campaigns/services/ratelimit.py.
    """

    bucket = models.CharField(max_length=32)
    slot = models.PositiveSmallIntegerField()
    # Unix seconds; 0 for a slot never used.
    used_at = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bucket", "slot"], name="ratelimitslot_unique_slot"),
        ]
        indexes = [
            # The limiter's query: bucket = ? AND slot < limit ORDER BY used_at LIMIT 1.
            models.Index(fields=["bucket", "used_at"], name="ratelimitslot_oldest"),
        ]

    def __str__(self) -> str:
        return f"{self.bucket}[{self.slot}] @ {self.used_at:.3f}"
