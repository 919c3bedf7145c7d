"""Reads shaped for portal pages; each page costs a fixed number of queries, whatever its rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from campaigns import selectors
from campaigns.models import Campaign, Idea, IdeaBatch, JobState, Product, VideoPrompt, VideoTask
from campaigns.selectors import Spend

State = VideoTask.State
# States the worker still moves along: a page showing one of these keeps polling. `unknown` is not
# one: it waits for a person's decision, so polling it would never end.
LIVE_STATES = frozenset({State.PENDING, State.SUBMITTING, State.QUEUED, State.GENERATING})
ATTENTION_STATES = frozenset({State.FAILED, State.UNKNOWN})
NO_SPEND = Spend(committed=Decimal(0), charged=Decimal(0), tasks=0)

# The task board's filters: query value -> (label, states; None = every task).
BOARD_FILTERS: dict[str, tuple[str, frozenset[str] | None]] = {
    "": ("All", None),
    "active": ("In progress", LIVE_STATES),
    "done": ("Finished", frozenset({State.SUCCESS})),
    "attention": ("Need attention", ATTENTION_STATES),
}


def is_live(task: VideoTask) -> bool:
    return task.state in LIVE_STATES


@dataclass(frozen=True)
class Budget:
    """A campaign's spending against its credit budget (committed = jobs that did not fail)."""

    limit: Decimal | None
    spend: Spend

    @property
    def remaining(self) -> Decimal | None:
        return None if self.limit is None else self.limit - self.spend.committed

    @property
    def percent(self) -> int:
        if not self.limit:
            return 0
        return min(100, int(self.spend.committed * 100 / self.limit))

    @property
    def is_over(self) -> bool:
        return self.remaining is not None and self.remaining < 0


def budget_of(campaign: Campaign | None, spend: dict[int | None, Spend]) -> Budget | None:
    if campaign is None:
        return None
    return Budget(limit=campaign.credit_budget, spend=spend.get(campaign.pk, NO_SPEND))


# ---- Products -------------------------------------------------------------------------------


def product_list() -> QuerySet[Product]:
    success = Q(tasks__state=State.SUCCESS)
    products = selectors.list_products().annotate(
        idea_count=Count("ideas", distinct=True),
        video_count=Count("tasks", filter=success, distinct=True),
        live_count=Count("tasks", filter=Q(tasks__state__in=LIVE_STATES), distinct=True),
    )
    return products.order_by("-created_at", "-pk")


@dataclass
class IdeaGroup:
    """One round of ten ideas: its batch row (None for ideas stored before batches existed)."""

    number: int
    batch: IdeaBatch | None
    ideas: list[Idea]

    @property
    def state(self) -> str:
        return self.batch.state if self.batch else JobState.DONE

    @property
    def is_working(self) -> bool:
        return self.state in (JobState.PENDING, JobState.RUNNING)


@dataclass
class VideoGroup:
    """The videos of one idea, side by side: the same idea rendered by different models."""

    idea: Idea | None
    tasks: list[VideoTask]


def product_page(product_id: int) -> dict[str, Any]:
    product = selectors.get_product(product_id)
    batches = list(product.idea_batches.select_related("created_by"))
    ideas = list(product.ideas.all())
    tasks = list(selectors.list_tasks().filter(product=product))
    prompts = list(
        VideoPrompt.objects.filter(idea__product=product)
        .select_related("idea", "created_by")
        .order_by("-created_at")[:50]
    )
    groups = idea_groups(batches, ideas)
    return {
        "product": product,
        "idea_groups": groups,
        "has_ideas": bool(ideas),
        "working_batch": next((g.batch for g in groups if g.is_working), None),
        "video_groups": video_groups(tasks),
        "tasks": tasks,
        "batches": batches,
        "prompts": prompts,
        "budget": budget_of(product.campaign, _campaign_spend(product.campaign)),
    }


def idea_groups(batches: list[IdeaBatch], ideas: list[Idea]) -> list[IdeaGroup]:
    """Newest round first; a failed round shows only when it is the newest (then it has a retry)."""
    by_number = {batch.number: batch for batch in batches}
    numbers = sorted({*by_number, *(idea.batch for idea in ideas)}, reverse=True)
    groups = []
    for position, number in enumerate(numbers):
        batch = by_number.get(number)
        group = IdeaGroup(number, batch, [idea for idea in ideas if idea.batch == number])
        if position and group.state == JobState.FAILED:
            continue
        groups.append(group)
    return groups


def video_groups(tasks: list[VideoTask]) -> list[VideoGroup]:
    groups: dict[int | None, VideoGroup] = {}
    for task in tasks:
        groups.setdefault(task.idea_id, VideoGroup(task.idea, [])).tasks.append(task)
    return list(groups.values())


def _campaign_spend(campaign: Campaign | None) -> dict[int | None, Spend]:
    return selectors.spend_by_campaign() if campaign is not None else {}


# ---- Task board -----------------------------------------------------------------------------


def board_tasks(filter_key: str) -> QuerySet[VideoTask]:
    tasks = selectors.list_tasks()
    states = BOARD_FILTERS.get(filter_key, BOARD_FILTERS[""])[1]
    return tasks.filter(state__in=states) if states else tasks


def board_summary() -> dict[str, int]:
    return VideoTask.objects.aggregate(
        total=Count("pk"),
        live=Count("pk", filter=Q(state__in=LIVE_STATES)),
        finished=Count("pk", filter=Q(state=State.SUCCESS)),
        attention=Count("pk", filter=Q(state__in=ATTENTION_STATES)),
    )


# ---- Campaigns ------------------------------------------------------------------------------


def campaign_list() -> list[tuple[Campaign, Budget]]:
    videos = Q(products__tasks__state=State.SUCCESS)
    campaigns = Campaign.objects.annotate(
        product_count=Count("products", distinct=True),
        video_count=Count("products__tasks", filter=videos, distinct=True),
    ).order_by("-created_at")
    spend = selectors.spend_by_campaign()
    return [(campaign, budget_of(campaign, spend)) for campaign in campaigns]


def campaign_page(campaign: Campaign) -> dict[str, Any]:
    products = product_list().filter(campaign=campaign)
    finished = selectors.list_tasks(campaign_id=campaign.pk).filter(state=State.SUCCESS)
    week = selectors.spend_by_campaign(since=timezone.now() - timedelta(days=7))
    return {
        "campaign": campaign,
        "products": list(products),
        "videos": list(finished[:12]),
        "video_total": finished.count(),
        "budget": budget_of(campaign, selectors.spend_by_campaign()),
        "week": week.get(campaign.pk, NO_SPEND),
    }


# ---- Dashboard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpendRow:
    campaign: Campaign | None
    spend: Spend


def spend_this_week() -> list[SpendRow]:
    """Spend of the last 7 days per campaign, biggest first (None: products without one)."""
    week = selectors.spend_by_campaign(since=timezone.now() - timedelta(days=7))
    campaigns = Campaign.objects.in_bulk([pk for pk in week if pk is not None])
    rows = [SpendRow(campaigns.get(pk) if pk else None, spend) for pk, spend in week.items()]
    return sorted(rows, key=lambda row: row.spend.committed, reverse=True)


def recent_videos(count: int = 8) -> list[VideoTask]:
    return list(selectors.list_tasks(state=State.SUCCESS)[:count])
