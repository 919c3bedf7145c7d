"""The per-user daily credit limit: refused before any Kie call, like a campaign budget."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.models import UserCreditLimit, VideoTask
from campaigns.services import spend
from campaigns.services.errors import BudgetExceeded
from campaigns.services.videos import retry_task
from tests.factories import make_campaign, make_idea, make_product, make_staff_user
from tests.factories import make_video_task as make_task
from tests.services.video_stubs import start, veo_created

pytestmark = pytest.mark.django_db

State = VideoTask.State


@pytest.fixture
def limit_100(settings):
    settings.USER_DAILY_CREDIT_LIMIT = 100


def test_start_past_the_daily_limit_is_refused_before_any_kie_call(kie, limit_100):
    user = make_staff_user()
    make_task(created_by=user, estimated_credits=Decimal(60), state=State.GENERATING)

    with pytest.raises(BudgetExceeded) as caught:
        start(user=user, model_id="veo3_fast")  # 60 more: 120 > 100

    error = caught.value
    assert (error.http_status, error.code) == (402, "budget_exceeded")
    assert "daily limit of 100 credits" in error.message and "60" in error.message
    assert error.extra == {
        "dailyCreditLimit": "100",
        "committedCredits": "60",
        "estimatedCredits": "60",
    }
    assert VideoTask.objects.count() == 1
    assert len(kie.calls) == 0


def test_the_limit_counts_only_the_users_live_tasks_of_today(kie, limit_100):
    veo_created(kie)
    user = make_staff_user()
    make_task(created_by=user, estimated_credits=Decimal(60), state=State.FAILED)
    make_task(created_by=make_staff_user(), estimated_credits=Decimal(60))  # someone else's
    yesterday = make_task(created_by=user, estimated_credits=Decimal(60))
    VideoTask.objects.filter(pk=yesterday.pk).update(created_at=timezone.now() - timedelta(days=1))

    task, created = start(user=user, model_id="veo3_fast")

    assert created and task.state == State.QUEUED


def test_a_pending_task_counts_against_the_limit(kie, limit_100):
    user = make_staff_user()
    make_task(created_by=user, estimated_credits=Decimal(60), state=State.PENDING, kie_task_id="")

    with pytest.raises(BudgetExceeded):
        start(user=user, model_id="veo3_fast")

    assert len(kie.calls) == 0


def test_a_retry_past_the_daily_limit_is_refused(kie, limit_100):
    user = make_staff_user()
    failed = make_task(created_by=user, state=State.FAILED, image_urls=["https://x.e/a.png"])
    make_task(created_by=user, estimated_credits=Decimal(60), state=State.QUEUED)

    with pytest.raises(BudgetExceeded):
        retry_task(failed, user=user)

    assert not failed.retries.exists()
    assert len(kie.calls) == 0


@pytest.mark.parametrize(
    ("own_limit", "allowed"), [(Decimal(1000), True), (None, True), (Decimal(0), False)]
)
def test_a_users_own_limit_replaces_the_setting(kie, limit_100, own_limit, allowed):
    if allowed:
        veo_created(kie)
    user = make_staff_user()
    UserCreditLimit.objects.create(user=user, daily_credits=own_limit, reason="Launch week")
    make_task(created_by=user, estimated_credits=Decimal(90))

    if allowed:
        assert start(user=user, model_id="veo3_fast")[1] is True
    else:
        with pytest.raises(BudgetExceeded):
            start(user=user, model_id="veo3_fast")


def test_no_limit_is_set_by_default(kie):
    veo_created(kie)
    user = make_staff_user()
    make_task(created_by=user, estimated_credits=Decimal(100_000))

    assert spend.daily_allowance(user) is None
    assert start(user=user, model_id="veo3_fast")[1] is True


def test_campaign_budget_and_daily_limit_both_apply(kie, settings):
    settings.USER_DAILY_CREDIT_LIMIT = 1000
    campaign = make_campaign(credit_budget=Decimal(50))
    idea = make_idea(product=make_product(campaign=campaign))

    with pytest.raises(BudgetExceeded) as caught:
        start(user=make_staff_user(), idea_id=idea.pk, model_id="veo3_fast")

    assert caught.value.extra["creditBudget"] == "50.00"
    assert len(kie.calls) == 0


def test_quote_shows_what_is_left_of_the_daily_limit(limit_100):
    user = make_staff_user()
    make_task(created_by=user, estimated_credits=Decimal(60))

    fits = spend.quote("veo3_fast", user=user)
    too_many = spend.quote("veo3_fast", count=2, user=user)

    assert fits.allowance == spend.DailyAllowance(limit=Decimal(100), committed=Decimal(60))
    assert fits.allowance.remaining == Decimal(40)
    assert fits.within_daily_limit is False  # 60 more would make 120
    assert too_many.total == Decimal(120)
    assert spend.quote("veo3_fast").allowance is None  # no user: no allowance to show
