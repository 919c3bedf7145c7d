"""Read queries for the campaigns domain (writes live in `campaigns.services`)."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Prefetch, QuerySet

from campaigns.models import Idea, Product, VideoTask
from campaigns.services.errors import NotFound

Row = TypeVar("Row", bound=Model)


def _get(rows: QuerySet[Row], pk: int, missing: str) -> Row:
    """The row with primary key `pk`, or NotFound saying `missing`."""
    try:
        return rows.get(pk=pk)
    except rows.model.DoesNotExist:
        raise NotFound(missing) from None


def get_product(product_id: int) -> Product:
    products = Product.objects.select_related("campaign")
    return _get(products, product_id, f"Product {product_id} does not exist.")


def get_product_detail(product_id: int) -> Product:
    """One product with its ideas and tasks loaded in a fixed number of queries."""
    tasks = VideoTask.objects.select_related("idea", "created_by")
    products = Product.objects.select_related("campaign").prefetch_related(
        "ideas", Prefetch("tasks", queryset=tasks)
    )
    return _get(products, product_id, f"Product {product_id} does not exist.")


def list_products() -> QuerySet[Product]:
    return Product.objects.select_related("campaign", "created_by")


def get_idea(idea_id: int) -> Idea:
    ideas = Idea.objects.select_related("product", "product__campaign")
    return _get(ideas, idea_id, f"Idea {idea_id} does not exist.")


def get_task(task_id: int) -> VideoTask:
    """One task by our own id, with the rows a retry needs."""
    tasks = VideoTask.objects.select_related("product", "idea")
    return _get(tasks, task_id, f"Video task {task_id} does not exist.")


def get_task_by_kie_id(kie_task_id: str, provider: str | None = None) -> VideoTask:
    """The task Kie knows as `kie_task_id` (blank ids never match: they are not Kie's)."""
    tasks = VideoTask.objects.select_related("product").filter(kie_task_id=kie_task_id)
    if provider:
        tasks = tasks.filter(provider=provider)
    task = tasks.exclude(kie_task_id="").first()
    if task is None:
        raise NotFound(f"No video task has Kie task id {kie_task_id!r}.")
    return task


def list_tasks(
    *, state: str | None = None, model_id: str | None = None, campaign_id: int | None = None
) -> QuerySet[VideoTask]:
    """Newest first; related rows joined so a page of tasks costs a constant number of queries."""
    tasks = VideoTask.objects.select_related("product", "product__campaign", "idea", "created_by")
    if state:
        tasks = tasks.filter(state=state)
    if model_id:
        tasks = tasks.filter(model_id=model_id)
    if campaign_id is not None:
        tasks = tasks.filter(product__campaign_id=campaign_id)
    return tasks.order_by("-created_at", "-pk")
