"""Fixtures for the admin tests: a superuser, a Support-group member, and many rows made fast."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from campaigns.models import Campaign, Idea, IdeaBatch, Product, VideoPrompt, VideoTask
from tests.factories import DEFAULT_IMAGE_URL, make_staff_user


@pytest.fixture
def superuser_client(client, db):
    client.force_login(make_staff_user(is_superuser=True))
    return client


@pytest.fixture
def support_user(db):
    """Staff, not a superuser, in the Support group the migration creates."""
    user = make_staff_user()
    user.groups.add(Group.objects.get(name="Support"))
    return user


@pytest.fixture
def support_client(client, support_user):
    client.force_login(support_user)
    return client


def query_count(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    return len(queries)


_COST = itertools.cycle(
    [
        (VideoTask.State.SUCCESS, Decimal(60), VideoTask.CostSource.PRICE_LIST),
        (VideoTask.State.FAILED, Decimal(0), VideoTask.CostSource.NO_CHARGE),
        (VideoTask.State.GENERATING, None, ""),
        (VideoTask.State.UNKNOWN, None, ""),
    ]
)


def bulk_rows(count: int) -> None:
    """`count` products, each with its idea batch, idea, prompt, task and background job, spread
    over a few campaigns and users (bulk_create: 1,000 of each take about a second)."""
    users = [make_staff_user() for _ in range(3)]
    campaigns = Campaign.objects.bulk_create(
        Campaign(name=f"Bulk campaign {n}", credit_budget=Decimal(10_000)) for n in range(3)
    )
    products = Product.objects.bulk_create(
        Product(
            name=f"Bulk {n}",
            source_image_url=DEFAULT_IMAGE_URL,
            campaign=campaigns[n % 3],
            created_by=users[n % 3],
        )
        for n in range(count)
    )
    IdeaBatch.objects.bulk_create(
        IdeaBatch(product=p, number=1, state="done", created_by=p.created_by) for p in products
    )
    ideas = Idea.objects.bulk_create(
        Idea(product=p, rank=1, title=f"Idea {p.name}") for p in products
    )
    VideoPrompt.objects.bulk_create(
        VideoPrompt(idea=i, model_id="veo3_fast", text="A bottle.", created_by=users[0])
        for i in ideas
    )
    VideoTask.objects.bulk_create(_task(idea, users[n % 3]) for n, idea in enumerate(ideas))
    DBTaskResult.objects.bulk_create(
        DBTaskResult(
            args_kwargs={"args": [n + 1], "kwargs": {}},
            backend_name="default",
            task_path="campaigns.tasks.generate_ideas_task",
            run_after=timezone.now(),
            exception_class_path="",
            traceback="",
        )
        for n in range(count)
    )


def _task(idea: Idea, user) -> VideoTask:
    state, actual, source = next(_COST)
    return VideoTask(
        product_id=idea.product_id,
        idea=idea,
        created_by=user,
        model_id="veo3_fast",
        provider="veo",
        prompt="A steel bottle on a rock.",
        options={"aspect_ratio": "16:9"},
        kie_task_id=f"veo_task_bulk{idea.pk}",
        state=state,
        estimated_credits=Decimal(60),
        actual_credits=actual,
        actual_credits_source=source,
    )
