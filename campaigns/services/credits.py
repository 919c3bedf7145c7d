"""The Kie.ai account's credit balance, cached briefly so page loads don't each call Kie."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from kie.errors import KieError

from . import kie_client
from .kie_errors import translate_kie_error

if TYPE_CHECKING:
    from kie.client import KieClient

CACHE_KEY = "campaigns:kie-credit-balance"


@dataclass(frozen=True)
class CreditBalance:
    credits: Decimal
    fetched_at: datetime

    @property
    def low_threshold(self) -> Decimal:
        return Decimal(settings.KIE_LOW_BALANCE_CREDITS)

    @property
    def is_low(self) -> bool:
        return self.credits < self.low_threshold


def cached_credit_balance() -> CreditBalance | None:
    """The balance if one was fetched recently, without ever calling Kie (for every admin page)."""
    cached = cache.get(CACHE_KEY)
    return cached if isinstance(cached, CreditBalance) else None


def get_credit_balance(*, force: bool = False, client: KieClient | None = None) -> CreditBalance:
    """The cached balance (≤ KIE_CREDITS_CACHE_SECONDS old), or a fresh one when `force`."""
    cached = None if force else cached_credit_balance()
    if cached is not None:
        return cached
    try:
        credits = (client or kie_client.for_request()).get_credits()
    except KieError as exc:
        raise translate_kie_error(exc) from exc
    balance = CreditBalance(credits=Decimal(credits), fetched_at=timezone.now())
    cache.set(CACHE_KEY, balance, timeout=settings.KIE_CREDITS_CACHE_SECONDS)
    return balance
