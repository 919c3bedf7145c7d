"""What video jobs cost: quotes before a start, the daily limit per user, the actual cost after.

The API (POST /api/quote), the portal and the start path all price through `quote` and the
registry's credit tables, so a quote is exactly what a start with the same options records as
its estimate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings

from campaigns import selectors
from campaigns.models import CostSource, UserCreditLimit, VideoTask
from kie.registry import RegistryValidationError, UnknownModelError, VideoModel, get_model

from . import catalog
from .errors import BudgetExceeded, ValidationFailed

MAX_QUOTE_COUNT = 100


@dataclass(frozen=True)
class DailyAllowance:
    """A user's daily credit limit and what their jobs have committed since midnight."""

    limit: Decimal
    committed: Decimal

    @property
    def remaining(self) -> Decimal:
        return max(self.limit - self.committed, Decimal(0))

    def allows(self, credits: Decimal) -> bool:
        return self.committed + credits <= self.limit


@dataclass(frozen=True)
class Quote:
    model: VideoModel
    options: dict[str, Any]  # every option, defaults applied
    credits_each: Decimal
    count: int
    # The asking user's daily limit, when one applies (None: no limit, or no user given).
    allowance: DailyAllowance | None = None

    @property
    def total(self) -> Decimal:
        return self.credits_each * self.count

    @property
    def clip_seconds(self) -> int | None:
        return self.model.clip_seconds(self.options)

    @property
    def within_daily_limit(self) -> bool:
        return self.allowance is None or self.allowance.allows(self.total)


def quote(
    model_id: str, options: Mapping[str, Any] | None = None, *, count: int = 1, user: Any = None
) -> Quote:
    """The registry's price for `count` jobs of `model_id` with `options` (as they will be sent),
    with `user`'s daily allowance when a limit applies to them."""
    if not 1 <= count <= MAX_QUOTE_COUNT:
        raise ValidationFailed.for_fields({"count": f"Between 1 and {MAX_QUOTE_COUNT} videos."})
    model = catalog.get_model(model_id)
    resolved = catalog.resolve_options(model, options)
    allowance = daily_allowance(user)
    return Quote(model, resolved, model.estimate_credits(resolved), count, allowance)


def daily_limit(user: Any) -> Decimal | None:
    """The user's own limit if an administrator set one, else USER_DAILY_CREDIT_LIMIT."""
    override = UserCreditLimit.objects.filter(user=user).first()
    if override is not None:
        return override.daily_credits
    setting = settings.USER_DAILY_CREDIT_LIMIT
    return None if setting is None else Decimal(setting)


def daily_allowance(user: Any, *, now: datetime | None = None) -> DailyAllowance | None:
    """None when no daily limit applies (no limit set, or no signed-in user)."""
    if not getattr(user, "is_authenticated", False):
        return None
    limit = daily_limit(user)
    if limit is None:
        return None
    today = VideoTask.objects.filter(created_by=user, created_at__gte=selectors.start_of_day(now))
    return DailyAllowance(limit=limit, committed=selectors.committed_credits(today))


def check_daily_limit(user: Any, estimate: Decimal) -> None:
    """Refuse a job that would take the user's jobs today past their daily credit limit.

    Pending, queued and running jobs count (at their estimate until their cost is known).
    """
    allowance = daily_allowance(user)
    if allowance is None or allowance.allows(estimate):
        return
    need, used, limit = (
        format_credits(n) for n in (estimate, allowance.committed, allowance.limit)
    )
    total = format_credits(allowance.committed + estimate)
    raise BudgetExceeded(
        f"This job needs about {need} credits, but you have {used} of your daily limit of "
        f"{limit} credits committed today ({total} in total). The limit starts again at "
        "midnight; an administrator can raise it.",
        extra={"dailyCreditLimit": limit, "committedCredits": used, "estimatedCredits": need},
        hint="Wait until tomorrow, pick a cheaper model or options, or ask an administrator to "
        "raise your daily credit limit.",
    )


def final_cost(task: VideoTask, state: str, *, reported: Decimal | None) -> dict[str, Any]:
    """The actual-cost fields of `task` ending in `state`, with Kie's figure if it gave one.

    Failed jobs cost nothing (Kie does not bill them). Kie reports what a Jobs task consumed;
    for Veo it reports nothing, so the published price of the options used stands in, marked
    as such.
    """
    if state == VideoTask.State.FAILED:
        return {"actual_credits": Decimal(0), "actual_credits_source": CostSource.NO_CHARGE}
    if reported is None and task.actual_credits_source == CostSource.KIE:
        reported = task.actual_credits
    if reported is not None:
        return {"actual_credits": reported, "actual_credits_source": CostSource.KIE}
    price = published_price(task)
    if price is None:
        return {}
    return {"actual_credits": price, "actual_credits_source": CostSource.PRICE_LIST}


def published_price(task: VideoTask) -> Decimal | None:
    """The registry's price of the model and options the task was started with."""
    try:
        return get_model(task.model_id).estimate_credits(task.options)
    except (UnknownModelError, RegistryValidationError, KeyError):
        return None  # a model since removed from the registry: its price is unknown


def format_credits(amount: Decimal) -> str:
    """Credits as people write them: 60, 52.5."""
    return format(Decimal(amount).quantize(Decimal("0.01")).normalize(), "f")
