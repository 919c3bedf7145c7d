"""Creating campaigns: a name and an optional credit budget its video jobs may spend."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from campaigns.models import Campaign

from .errors import ValidationFailed

_NAME_MAX_CHARS = Campaign._meta.get_field("name").max_length
# The column holds 12 digits with 2 decimals.
MAX_BUDGET = Decimal("9999999999.99")


def create_campaign(
    *, user: Any, name: str, credit_budget: Decimal | str | None = None
) -> Campaign:
    """Validate, then save one campaign; ValidationFailed names `name` / `creditBudget`."""
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the campaign a name, e.g. “Summer launch”."
    elif len(name) > _NAME_MAX_CHARS:
        errors["name"] = f"At most {_NAME_MAX_CHARS} characters."
    budget, budget_error = _budget(credit_budget)
    if budget_error:
        errors["creditBudget"] = budget_error
    if errors:
        raise ValidationFailed.for_fields(errors)
    return Campaign.objects.create(
        name=name,
        credit_budget=budget,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )


def _budget(value: Decimal | str | None) -> tuple[Decimal | None, str]:
    if value is None or str(value).strip() == "":
        return None, ""
    try:
        budget = Decimal(str(value).strip())
    except InvalidOperation:
        return None, "Enter a number of credits, e.g. 5000, or leave it empty for no cap."
    if not budget.is_finite() or budget < 0 or budget > MAX_BUDGET:
        return None, f"Enter a number of credits between 0 and {MAX_BUDGET:,.0f}."
    return budget.quantize(Decimal("0.01")), ""
