"""Campaigns: the list and a campaign's page with spend against budget, and a new campaign."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.models import Campaign, VideoTask
from tests.factories import make_campaign, make_idea, make_product, make_video_task

pytestmark = pytest.mark.django_db

State = VideoTask.State


def _spend(campaign, *credits_and_states):
    product = make_product(campaign=campaign)
    for credits, state in credits_and_states:
        make_video_task(idea=make_idea(product=product), estimated_credits=credits, state=state)
    return product


def test_campaign_list_shows_products_videos_and_spend_against_budget(staff):
    campaign = make_campaign(name="Summer launch", credit_budget=Decimal(1000))
    _spend(campaign, (250, State.SUCCESS), (60, State.GENERATING), (500, State.FAILED))

    page = staff.get("/campaigns").content.decode()

    assert "Summer launch" in page
    assert '<progress class="progress" value="31" max="100"' in page
    assert "<strong>310</strong> of 1,000 credits committed · 690 left" in page


def test_campaign_over_its_budget_says_by_how_much(staff):
    campaign = make_campaign(credit_budget=Decimal(100))
    _spend(campaign, (250, State.SUCCESS))

    page = staff.get(f"/campaigns/{campaign.pk}").content.decode()

    assert '<span class="budget-over">-150 over</span>' in page


def test_campaign_page_lists_its_products_and_finished_videos(staff):
    campaign = make_campaign(name="Summer launch")
    product = _spend(campaign, (60, State.SUCCESS), (60, State.FAILED))
    other = make_product(name="Not in it")

    page = staff.get(f"/campaigns/{campaign.pk}").content.decode()

    assert f'href="/products/{product.pk}"' in page
    assert other.name not in page
    assert page.count("task-tile--success") == 1 and "task-tile--failed" not in page
    assert f'href="/products/new?campaign={campaign.pk}"' in page


def test_new_campaign_is_created_and_opened(staff):
    response = staff.post("/campaigns/new", {"name": "Back to school", "credit_budget": "5000"})

    campaign = Campaign.objects.get()
    assert response["Location"] == f"/campaigns/{campaign.pk}"
    assert campaign.credit_budget == Decimal(5000)
    assert "Campaign “Back to school” is ready." in staff.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "credit_budget": ""}, "This field is required."),
        ({"name": "Launch", "credit_budget": "-1"}, "greater than or equal to 0"),
        ({"name": "Launch", "credit_budget": "lots"}, "Enter a number."),
    ],
)
def test_new_campaign_errors_show_beside_the_field(staff, data, message):
    response = staff.post("/campaigns/new", data)

    page = response.content.decode()
    assert response.status_code == 400
    assert 'class="field-errors"' in page and message in page
    assert not Campaign.objects.exists()


def test_empty_campaign_list_says_what_a_campaign_is_for(staff):
    page = staff.get("/campaigns").content.decode()

    assert "No campaigns yet" in page and 'href="/campaigns/new"' in page


def test_campaign_list_costs_the_same_queries_for_one_campaign_or_many(staff, query_count):
    _spend(make_campaign(credit_budget=Decimal(100)), (60, State.SUCCESS))
    one = query_count("/campaigns")
    for _ in range(4):
        _spend(make_campaign(), (60, State.SUCCESS), (55, State.QUEUED))

    assert query_count("/campaigns") == one


def test_campaign_page_costs_the_same_queries_for_few_or_many_rows(staff, query_count):
    campaign = make_campaign(credit_budget=Decimal(100))
    _spend(campaign, (60, State.SUCCESS))
    few = query_count(f"/campaigns/{campaign.pk}")
    for _ in range(4):
        _spend(campaign, (60, State.SUCCESS), (55, State.FAILED))

    assert query_count(f"/campaigns/{campaign.pk}") == few
