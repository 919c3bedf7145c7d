"""Admin lists: the columns support reads, filters, search, a query count independent of size."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import VideoTask
from campaigns.tasks import generate_ideas_task
from tests.admin.conftest import bulk_rows, query_count
from tests.factories import (
    make_campaign,
    make_idea,
    make_product,
    make_staff_user,
    make_video_prompt,
    make_video_task,
)

pytestmark = pytest.mark.django_db

State = VideoTask.State


def _url(model: str, app: str = "campaigns") -> str:
    return reverse(f"admin:{app}_{model}_changelist")


def _listed(client, model: str, params: dict | None = None, app: str = "campaigns") -> str:
    response = client.get(_url(model, app), params or {})
    assert response.status_code == 200
    return response.content.decode()


def _task_ids(client, params: dict) -> set[str]:
    response = client.get(_url("videotask"), params)
    assert response.status_code == 200
    return {task.public_id for task in response.context["cl"].result_list}


# --- columns -----------------------------------------------------------------------------------


def test_task_list_shows_what_support_needs_per_row(superuser_client):
    starter = make_staff_user(username="maria")
    idea = make_idea(title="Trail refill")
    task = make_video_task(
        idea=idea,
        created_by=starter,
        model_id="veo3",
        state=State.SUCCESS,
        estimated_credits=Decimal(250),
        actual_credits=Decimal(250),
        actual_credits_source=VideoTask.CostSource.PRICE_LIST,
    )
    over = make_video_task(
        estimated_credits=Decimal(55),
        actual_credits=Decimal(60),
        model_id="kling-2.6/image-to-video",
        provider="jobs",
        actual_credits_source="kie",
        state=State.SUCCESS,
    )

    page = _listed(superuser_client, "videotask")

    assert '<span class="as-badge as-state-success">Success</span>' in page
    assert reverse("media-product-image", args=[idea.product_id]) in page
    assert "Trail refill" in page and "Veo 3.1 Quality" in page and "maria" in page
    assert "250 (price list)" in page
    assert '<span class="as-diff as-diff-over">+5</span>' in page
    assert task.public_id in page and over.kie_task_id in page
    assert "ago" in page  # the age column


def test_every_list_shows_product_thumbnails_and_state_badges(superuser_client):
    product = make_product(name="Steel bottle")
    make_video_prompt(idea=make_idea(product=product), state="failed")
    picture = reverse("media-product-image", args=[product.pk])

    for model in ("product", "idea", "videoprompt"):
        assert picture in _listed(superuser_client, model)
    assert "as-state-failed" in _listed(superuser_client, "videoprompt")


def test_campaign_list_sums_spend_and_the_difference(superuser_client):
    campaign = make_campaign(name="Spring", credit_budget=Decimal(1000))
    product = make_product(campaign=campaign)
    make_video_task(
        product=product,
        estimated_credits=Decimal(220),
        actual_credits=Decimal(200),
        state=State.SUCCESS,
    )
    make_video_task(product=product, estimated_credits=Decimal(60), state=State.GENERATING)
    make_video_task(
        product=product,
        estimated_credits=Decimal(60),
        actual_credits=Decimal(0),
        state=State.FAILED,
    )

    response = superuser_client.get(_url("campaign"))

    row = response.context["cl"].result_list[0]
    assert (row.committed, row.charged, row.task_count) == (Decimal(260), Decimal(200), 3)
    page = response.content.decode()
    assert "-80" in page  # (200 - 220) + (0 - 60): actual minus estimate where known
    assert f"product__campaign__id__exact={campaign.pk}" in page


def test_background_jobs_say_what_they_were_about(superuser_client):
    batch_url = reverse("admin:campaigns_ideabatch_change", args=[41])
    generate_ideas_task.enqueue(41)

    page = _listed(superuser_client, "dbtaskresult", app="django_tasks_database")

    assert "Write ten ideas" in page and batch_url in page
    assert "Background jobs" in page


# --- filters and search ------------------------------------------------------------------------


def test_task_filters_narrow_the_list(superuser_client):
    spring = make_campaign(name="Spring")
    alice = make_staff_user(username="alice")
    veo = make_video_task(
        state=State.FAILED, product=make_product(campaign=spring), created_by=alice
    )
    kling = make_video_task(model_id="kling-2.6/image-to-video", provider="jobs")
    old = make_video_task()
    VideoTask.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))

    assert _task_ids(superuser_client, {"state__exact": "failed"}) == {veo.public_id}
    assert _task_ids(superuser_client, {"model": "kling-2.6/image-to-video"}) == {kling.public_id}
    assert _task_ids(superuser_client, {"provider": "jobs"}) == {kling.public_id}
    assert _task_ids(superuser_client, {"product__campaign__id__exact": spring.pk}) == {
        veo.public_id
    }
    assert _task_ids(superuser_client, {"created_by__id__exact": alice.pk}) == {veo.public_id}
    week = {"created_at__gte": str(timezone.now() - timedelta(days=7))}  # "Past 7 days"
    assert old.public_id not in _task_ids(superuser_client, week)


def test_task_filter_by_cost_source(superuser_client):
    free = make_video_task(state=State.FAILED, actual_credits=0, actual_credits_source="no_charge")
    make_video_task()

    assert _task_ids(superuser_client, {"actual_credits_source__exact": "no_charge"}) == {
        free.public_id
    }


@pytest.mark.parametrize(
    ("field", "value", "query"),
    [
        ("kie_task_id", "veo_task_8f2a", "veo_task_8f2a"),
        ("public_id", "vt_00112233aabbccdd", "vt_00112233aabbccdd"),
        ("prompt", "A red kayak on a glacier lake", "glacier"),
    ],
)
def test_task_search_finds_by_ids_and_prompt(superuser_client, field, value, query):
    wanted = make_video_task(**{field: value})
    make_video_task()

    assert _task_ids(superuser_client, {"q": query}) == {wanted.public_id}


def test_task_search_finds_by_product_name(superuser_client):
    wanted = make_video_task(product=make_product(name="Thermo mug"))
    make_video_task()

    assert _task_ids(superuser_client, {"q": "thermo"}) == {wanted.public_id}


def test_other_lists_search_and_filter(superuser_client):
    mug = make_product(name="Thermo mug")
    make_product(name="Bottle")
    idea = make_idea(product=mug, title="Morning commute", suggested_model="veo3")
    make_idea(suggested_model="veo3_fast")
    make_video_prompt(idea=idea, text="Steam rises from the mug at dawn.")
    make_video_prompt()

    products = superuser_client.get(_url("product"), {"q": "thermo"}).context["cl"].result_list
    ideas = superuser_client.get(_url("idea"), {"suggested": "veo3"}).context["cl"].result_list
    prompts = superuser_client.get(_url("videoprompt"), {"q": "steam"}).context["cl"].result_list

    assert [p.pk for p in products] == [mug.pk]
    assert [i.pk for i in ideas] == [idea.pk]
    assert [p.idea_id for p in prompts] == [idea.pk]


# --- query counts ------------------------------------------------------------------------------

LISTS = [
    ("campaigns", "videotask"),
    ("campaigns", "product"),
    ("campaigns", "idea"),
    ("campaigns", "videoprompt"),
    ("campaigns", "ideabatch"),
    ("campaigns", "campaign"),
    ("django_tasks_database", "dbtaskresult"),
]


def test_every_list_costs_the_same_queries_for_10_or_1000_rows(superuser_client):
    bulk_rows(10)
    few = {model: query_count(superuser_client, _url(model, app)) for app, model in LISTS}

    bulk_rows(990)
    many = {model: query_count(superuser_client, _url(model, app)) for app, model in LISTS}

    assert VideoTask.objects.count() == 1000
    assert many == few


def test_filtered_and_searched_task_lists_cost_the_same_queries(superuser_client):
    params = {"state__exact": "success", "q": "bottle", "model": "veo3_fast"}
    bulk_rows(10)
    few = query_count(superuser_client, _url("videotask"), params)

    bulk_rows(990)

    assert query_count(superuser_client, _url("videotask"), params) == few
