"""Spend control rows: a user's own daily credit limit, when it differs from the setting."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class UserCreditLimit(models.Model):
    """An administrator's override of USER_DAILY_CREDIT_LIMIT for one user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credit_limit"
    )
    daily_credits = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Credits this user's video jobs may commit per day (from midnight, server "
        "time zone). Empty: no daily limit for this user.",
    )
    reason = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "daily credit limit"

    def __str__(self) -> str:
        limit = "no limit" if self.daily_credits is None else f"{self.daily_credits} credits/day"
        return f"{self.user}: {limit}"
