"""The dashboard's money: Kie's credit balance (low, unreachable) and this week's spend."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.models import VideoTask
from tests.factories import make_campaign, make_idea, make_product, make_video_task

pytestmark = pytest.mark.django_db


def test_dashboard_loads_the_balance_after_the_page(staff):
    page = staff.get("/").content.decode()

    assert 'hx-get="/dashboard/credits" hx-trigger="load"' in page
    assert "Asking Kie.ai…" in page


def test_balance_is_shown_from_kie(staff, kie_sandbox):
    fragment = staff.get("/dashboard/credits").content.decode()

    assert f"{kie_sandbox.credits:,.0f}" in fragment
    assert "credits left" in fragment and "Running low" not in fragment


def test_low_balance_warns_in_words(staff, kie_sandbox, settings):
    settings.KIE_LOW_BALANCE_CREDITS = int(kie_sandbox.credits) + 1

    fragment = staff.get("/dashboard/credits").content.decode()

    assert "Running low: below" in fragment
    assert "credit-card--low" in fragment


def test_unreachable_kie_leaves_the_dashboard_working_and_says_so(staff, settings):
    settings.KIE_BASE_URL = "http://127.0.0.1:9"  # nothing listens there

    response = staff.get("/dashboard/credits")

    assert response.status_code == 200
    assert "Kie.ai can't be reached right now" in response.content.decode()


def test_spend_this_week_is_per_campaign_and_leaves_out_older_jobs(staff):
    summer = make_campaign(name="Summer launch")
    product = make_product(campaign=summer)
    make_video_task(idea=make_idea(product=product), estimated_credits=Decimal(60))
    old = make_video_task(idea=make_idea(product=product), estimated_credits=Decimal(250))
    VideoTask.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    make_video_task(idea=make_idea(), estimated_credits=Decimal(55))

    page = staff.get("/").content.decode()
    spend = page[page.index('id="spend-title"') :].split("</section>")[0]

    assert f'<a class="cell-title" href="/campaigns/{summer.pk}">Summer launch</a>' in spend
    assert '<td data-label="Credits" class="num">60' in spend
    assert '<span class="cell-title">No campaign</span>' in spend
    assert "250" not in spend


def test_recent_videos_are_posters_linking_to_their_product(staff):
    task = make_video_task(idea=make_idea(title="Refill at the source"), state="success")

    page = staff.get("/").content.decode()

    assert f'href="/products/{task.product_id}#task-{task.public_id}"' in page
    assert f'src="/media/products/{task.product_id}/image"' in page
