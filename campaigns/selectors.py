"""Read queries for the campaigns domain (writes live in `campaigns.services`)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from campaigns.models import Idea, Product, VideoTask
from campaigns.services.errors import NotFound


def get_product(product_id: int) -> Product:
    try:
        return Product.objects.select_related("campaign").get(pk=product_id)
    except Product.DoesNotExist:
        raise NotFound(f"Product {product_id} does not exist.") from None


def get_product_detail(product_id: int) -> Product:
    """One product with its ideas and tasks loaded in a fixed number of queries."""
    tasks = VideoTask.objects.select_related("idea", "created_by")
    products = Product.objects.select_related("campaign").prefetch_related(
        "ideas", Prefetch("tasks", queryset=tasks)
    )
    try:
        return products.get(pk=product_id)
    except Product.DoesNotExist:
        raise NotFound(f"Product {product_id} does not exist.") from None


def list_products() -> QuerySet[Product]:
    return Product.objects.select_related("campaign", "created_by")


def get_idea(idea_id: int) -> Idea:
    try:
        return Idea.objects.select_related("product", "product__campaign").get(pk=idea_id)
    except Idea.DoesNotExist:
        raise NotFound(f"Idea {idea_id} does not exist.") from None


def get_task(task_id: int) -> VideoTask:
    """One task by our own id, with the rows a retry needs."""
    try:
        return VideoTask.objects.select_related("product", "idea").get(pk=task_id)
    except VideoTask.DoesNotExist:
        raise NotFound(f"Video task {task_id} does not exist.") from None


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
