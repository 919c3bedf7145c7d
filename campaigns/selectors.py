"""Read queries for the campaigns domain (writes live in `campaigns.services`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Count, F, Model, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaigns.models import Idea, Product, VideoTask
from campaigns.services.errors import NotFound

if TYPE_CHECKING:
    from campaigns.services.archive import Slot

Row = TypeVar("Row", bound=Model)


def _get(rows: QuerySet[Row], pk: int, missing: str) -> Row:
    """The row with primary key `pk`, or NotFound saying `missing`."""
    try:
        return rows.get(pk=pk)
    except (rows.model.DoesNotExist, OverflowError):  # an id past 64 bits is no row's
        raise NotFound(missing) from None


def get_product(product_id: int) -> Product:
    products = Product.objects.select_related("campaign")
    return _get(products, product_id, f"Product {product_id} does not exist.")


def get_product_detail(product_id: int) -> Product:
    """One product with its ideas and tasks loaded in a fixed number of queries."""
    tasks = VideoTask.objects.select_related("idea", "created_by", "retry_of")
    products = Product.objects.select_related("campaign").prefetch_related(
        "ideas", Prefetch("tasks", queryset=tasks)
    )
    return _get(products, product_id, f"Product {product_id} does not exist.")


def list_products() -> QuerySet[Product]:
    return Product.objects.select_related("campaign", "created_by")


def get_idea(idea_id: int) -> Idea:
    ideas = Idea.objects.select_related("product", "product__campaign")
    return _get(ideas, idea_id, f"Idea {idea_id} does not exist.")


def get_task(task_id: str, provider: str | None = None) -> VideoTask:
    """One task by our id (`vt_…`) or by the id Kie gave it (a frontend may have kept either)."""
    task_id = (task_id or "").strip()
    matches = Q(public_id=task_id)
    if task_id:  # blank Kie ids belong to tasks Kie has not seen: never a match
        matches |= Q(kie_task_id=task_id)
    # What a task's JSON shows, in the one query every poll makes: joining whole rows (product,
    # idea, the retried task: ~150 columns) took 2.3 ms of Python per poll, this 1 ms (bench 4).
    # Product and idea load on first use (downloads, retries).
    tasks = (
        VideoTask.objects.select_related("created_by")
        .annotate(retry_of_public_id=F("retry_of__public_id"))
        .filter(matches)
    )
    if provider:
        tasks = tasks.filter(provider=provider)
    task = tasks.first()
    if task is None:
        raise NotFound(f"No video task has the id {task_id!r} (ours or Kie's).")
    return task


def due_for_submission(now: datetime, limit: int) -> QuerySet[VideoTask]:
    """Pending tasks whose turn has come, oldest first (the worker sends them in this order)."""
    due = Q(next_check_at__isnull=True) | Q(next_check_at__lte=now)
    return VideoTask.objects.filter(due, state=VideoTask.State.PENDING).order_by(
        "created_at", "pk"
    )[:limit]


def due_for_refresh(now: datetime, limit: int) -> QuerySet[VideoTask]:
    """In-flight tasks due a status check, stalest first (backed by videotask_due_refresh)."""
    return (
        VideoTask.objects.filter(state__in=VideoTask.IN_FLIGHT_STATES, next_check_at__lte=now)
        .exclude(kie_task_id="")
        .order_by("next_check_at", "pk")[:limit]
    )


def due_for_archive(slot: Slot, now: datetime, limit: int) -> QuerySet[VideoTask]:
    """Copies due now, most overdue first (backed by videotask_archive_due / _hd_archive_due)."""
    due = {slot.field("archive_state"): "pending", f"{slot.field('archive_due_at')}__lte": now}
    return VideoTask.objects.filter(**due).order_by(slot.field("archive_due_at"), "pk")[:limit]


def archives_older_than(slot: Slot, cutoff: datetime, limit: int) -> QuerySet[VideoTask]:
    """Archived files made before `cutoff` (retention; backed by videotask_archived / _hd_)."""
    old = {slot.field("archive_state"): "done", f"{slot.field('archived_at')}__lt": cutoff}
    return VideoTask.objects.filter(**old).order_by(slot.field("archived_at"), "pk")[:limit]


def list_tasks(
    *, state: str | None = None, model_id: str | None = None, campaign_id: int | None = None
) -> QuerySet[VideoTask]:
    """Newest first; related rows joined so a page of tasks costs a constant number of queries."""
    tasks = VideoTask.objects.select_related(
        "product", "product__campaign", "idea", "created_by", "retry_of"
    )
    if state:
        tasks = tasks.filter(state=state)
    if model_id:
        tasks = tasks.filter(model_id=model_id)
    if campaign_id is not None:
        tasks = tasks.filter(product__campaign_id=campaign_id)
    return tasks.order_by("-created_at", "-pk")


@dataclass(frozen=True)
class Spend:
    """Credits of video tasks: committed (estimates of tasks that did not fail), charged (actual
    credits known so far) and difference (actual minus estimate, over tasks whose cost is known).
    """

    committed: Decimal
    charged: Decimal
    tasks: int
    difference: Decimal = Decimal(0)


def spend_by_campaign(*, since: datetime | None = None) -> dict[int | None, Spend]:
    """Spend per campaign id (None: products without a campaign), of tasks created since `since`."""
    tasks = VideoTask.objects.all()
    if since is not None:
        tasks = tasks.filter(created_at__gte=since)
    live = ~Q(state=VideoTask.State.FAILED)
    rows = tasks.values("product__campaign_id").annotate(
        committed=Sum("estimated_credits", filter=live),
        charged=Sum("actual_credits"),
        tasks=Count("pk"),
        difference=Sum(
            F("actual_credits") - F("estimated_credits"), filter=Q(actual_credits__isnull=False)
        ),
    )
    return {row["product__campaign_id"]: _spend(row) for row in rows}


def total_spend(spends: dict[int | None, Spend]) -> Spend:
    """The sum of `spend_by_campaign`'s rows."""
    rows = spends.values()
    return Spend(
        committed=sum((s.committed for s in rows), Decimal(0)),
        charged=sum((s.charged for s in rows), Decimal(0)),
        tasks=sum(s.tasks for s in rows),
        difference=sum((s.difference for s in rows), Decimal(0)),
    )


def _spend(row: dict) -> Spend:
    return Spend(
        committed=row["committed"] or Decimal(0),
        charged=row["charged"] or Decimal(0),
        tasks=row["tasks"],
        difference=row["difference"] or Decimal(0),
    )


def committed_credits(tasks: QuerySet[VideoTask]) -> Decimal:
    """What `tasks` take from a budget: failed ones nothing, the others their actual cost once
    known and their estimate until then (pending, queued and running jobs count)."""
    cost = Coalesce("actual_credits", "estimated_credits")
    total = tasks.exclude(state=VideoTask.State.FAILED).aggregate(total=Sum(cost))["total"]
    return total or Decimal(0)


def start_of_day(now: datetime | None = None) -> datetime:
    """Midnight today in the server's time zone (TIME_ZONE): when daily limits start again."""
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def start_of_month(now: datetime | None = None) -> datetime:
    return start_of_day(now).replace(day=1)
