"""The spend migration gives tasks recorded before it the cost rules new tasks follow."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("campaigns", "0004_support_group")]
AFTER = [("campaigns", "0005_spend_control")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_old_tasks_get_their_actual_cost_and_its_source():
    apps = _migrate(BEFORE)
    Product = apps.get_model("campaigns", "Product")
    VideoTask = apps.get_model("campaigns", "VideoTask")
    product = Product.objects.create(source_image_url="https://images.example.com/p.png")

    def task(n: int, state: str, actual=None, model_id: str = "veo3_fast"):
        return VideoTask.objects.create(
            public_id=f"vt_{n:016x}",
            product=product,
            model_id=model_id,
            provider="veo",
            options={"aspect_ratio": "16:9"},
            state=state,
            estimated_credits=60,
            actual_credits=actual,
        )

    failed, reported, veo, gone = (
        task(1, "failed", actual=Decimal(60)),
        task(2, "success", actual=Decimal(55)),
        task(3, "success"),
        task(4, "success", model_id="retired-model"),
    )

    apps = _migrate(AFTER)
    rows = apps.get_model("campaigns", "VideoTask").objects.in_bulk()

    assert (rows[failed.pk].actual_credits, rows[failed.pk].actual_credits_source) == (
        0,
        "no_charge",
    )
    assert (rows[reported.pk].actual_credits, rows[reported.pk].actual_credits_source) == (
        55,
        "kie",
    )
    assert (rows[veo.pk].actual_credits, rows[veo.pk].actual_credits_source) == (60, "price_list")
    assert (rows[gone.pk].actual_credits, rows[gone.pk].actual_credits_source) == (None, "")
