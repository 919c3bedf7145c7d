"""AdStudio's admin site: Django's, with the Kie balance and what was spent on its front page.

It lives outside `campaigns/admin/` because Django imports the default site while the ModelAdmin
modules register on it (campaigns/apps.py names it as `default_site`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse

from campaigns import selectors
from campaigns.models import Campaign
from campaigns.selectors import Spend
from campaigns.services import credits
from campaigns.services.errors import ServiceError


@dataclass(frozen=True)
class CampaignSpend:
    campaign: Campaign | None  # None: products without a campaign
    today: Spend
    month: Spend


@dataclass(frozen=True)
class SpendSummary:
    today: Spend
    month: Spend
    since_day: datetime
    since_month: datetime
    campaigns: list[CampaignSpend]


class AdStudioAdminSite(admin.AdminSite):
    site_header = "AdStudio admin"
    site_title = "AdStudio admin"
    index_title = "Support desk"
    index_template = "admin/adstudio/index.html"

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        # Every admin page warns of a low balance, from the cache only: a page never waits on Kie.
        balance = credits.cached_credit_balance()
        low = balance if balance is not None and balance.is_low else None
        return {**super().each_context(request), "low_balance": low}

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        # Support's work first; the framework's apps (tokens, users, jobs) after it.
        apps = super().get_app_list(request, app_label)
        return sorted(apps, key=lambda app: app["app_label"] != "campaigns")

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        context = {**balance_context(), "spend": spend_summary(), **(extra_context or {})}
        return super().index(request, context)


def balance_context() -> dict[str, Any]:
    """The Kie balance as last fetched (cached), or why it could not be fetched."""
    try:
        balance = credits.get_credit_balance()
    except ServiceError as exc:
        return {"balance": None, "balance_error": exc.message}
    return {
        "balance": balance,
        "balance_cache_seconds": settings.KIE_CREDITS_CACHE_SECONDS,
    }


def spend_summary(now: datetime | None = None) -> SpendSummary:
    since_day, since_month = selectors.start_of_day(now), selectors.start_of_month(now)
    today = selectors.spend_by_campaign(since=since_day)
    month = selectors.spend_by_campaign(since=since_month)
    names = Campaign.objects.in_bulk([pk for pk in month if pk is not None])
    empty = Spend(Decimal(0), Decimal(0), 0)
    rows = [
        CampaignSpend(names.get(pk) if pk is not None else None, today.get(pk, empty), spend)
        for pk, spend in month.items()
    ]
    rows.sort(key=lambda row: row.month.committed, reverse=True)
    return SpendSummary(
        today=selectors.total_spend(today),
        month=selectors.total_spend(month),
        since_day=since_day,
        since_month=since_month,
        campaigns=rows,
    )
