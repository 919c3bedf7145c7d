"""The admin's front page: the Kie balance once, the low-balance warning, spend per campaign."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.admin_site import spend_summary
from campaigns.models import VideoTask
from tests.factories import make_campaign, make_product, make_video_task
from tests.services.video_stubs import use_client_without_sleeps

pytestmark = pytest.mark.django_db


def _index(client) -> str:
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.content.decode()


def test_index_shows_the_kie_balance_once_with_when_it_was_fetched(superuser_client, kie_sandbox):
    page = _index(superuser_client)

    credits = f"{int(kie_sandbox.credits):,} credits"
    assert page.count(credits) == 1
    assert "as of " in page and " UTC (fetched at most every 30 s)" in page
    assert "Low balance" not in page


def test_index_warns_when_the_balance_is_low(superuser_client, kie_sandbox, settings):
    settings.KIE_LOW_BALANCE_CREDITS = int(kie_sandbox.credits) + 1

    page = _index(superuser_client)

    assert page.count("Low balance: below") == 1
    assert "balance is low" not in page  # the banner of other pages is not repeated here


def test_other_admin_pages_warn_of_a_low_balance_from_the_cache(
    superuser_client, kie_sandbox, settings
):
    settings.KIE_LOW_BALANCE_CREDITS = int(kie_sandbox.credits) + 1
    tasks = reverse("admin:campaigns_videotask_changelist")
    before = superuser_client.get(tasks).content.decode()  # nothing cached: no Kie call, no banner
    _index(superuser_client)  # fetches (and caches) the balance

    after = superuser_client.get(tasks).content.decode()

    assert "Kie.ai balance is low" not in before
    assert after.count("Kie.ai balance is low") == 1


def test_index_still_opens_when_kie_is_down(superuser_client, settings, monkeypatch):
    use_client_without_sleeps(monkeypatch)
    settings.KIE_BASE_URL = "http://127.0.0.1:9"  # nothing listens on the discard port

    page = _index(superuser_client)

    assert "Kie.ai credit balance unavailable" in page
    assert "Video credits" in page


def test_index_lists_credits_spent_today_and_this_month_per_campaign(superuser_client, kie_sandbox):
    spring = make_campaign(name="Spring launch", credit_budget=Decimal(5000))
    product = make_product(campaign=spring)
    make_video_task(
        product=product,
        estimated_credits=Decimal(220),
        actual_credits=Decimal(200),
        state=VideoTask.State.SUCCESS,
    )
    make_video_task(product=product, estimated_credits=Decimal(60))
    make_video_task(estimated_credits=Decimal(55))  # no campaign

    page = _index(superuser_client)
    summary = spend_summary()

    assert "Spring launch" in page and "No campaign" in page
    row = next(r for r in summary.campaigns if r.campaign == spring)
    assert (row.month.tasks, row.month.committed, row.month.charged) == (
        2,
        Decimal(280),
        Decimal(200),
    )
    assert row.month.difference == Decimal(-20)
    assert row.today == row.month  # all of them started today
    assert (summary.month.tasks, summary.month.committed) == (3, Decimal(335))


def test_last_months_tasks_are_not_in_this_months_spend(superuser_client):
    task = make_video_task(estimated_credits=Decimal(60))
    VideoTask.objects.filter(pk=task.pk).update(created_at=timezone.now() - timedelta(days=40))

    assert spend_summary().month.tasks == 0


def test_index_lists_support_work_first(superuser_client, kie_sandbox):
    response = superuser_client.get(reverse("admin:index"))

    assert response.context["app_list"][0]["app_label"] == "campaigns"
