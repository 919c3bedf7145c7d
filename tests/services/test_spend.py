"""Quotes: the price of exactly the chosen options, before anything is started."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.services import spend
from campaigns.services.errors import ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model_id", "options", "each"),
    [
        ("kling-2.6/image-to-video", {}, 55),
        ("kling-2.6/image-to-video", {"duration": "10", "sound": True}, 220),
        ("sora-2-pro-text-to-video", {}, 330),  # text-to-video defaults to high quality
        ("sora-2-pro-image-to-video", {"n_frames": 15}, 270),
        ("veo3", {"aspect_ratio": "9:16"}, 250),
    ],
)
def test_quote_prices_exactly_the_chosen_options(model_id, options, each):
    quote = spend.quote(model_id, options, count=3)

    assert quote.credits_each == Decimal(each)
    assert quote.total == Decimal(each * 3)


def test_quote_names_a_bad_option_and_a_bad_count():
    with pytest.raises(ValidationFailed) as bad_option:
        spend.quote("kling-2.6/image-to-video", {"duration": "7"})
    with pytest.raises(ValidationFailed) as bad_count:
        spend.quote("veo3", count=0)

    assert "options.duration" in bad_option.value.fields
    assert "count" in bad_count.value.fields


def test_spend_by_campaign_sums_committed_and_charged_credits():
    from datetime import timedelta

    from django.utils import timezone

    from campaigns import selectors
    from campaigns.models import VideoTask
    from tests.factories import make_campaign, make_product, make_video_task

    campaign = make_campaign()
    product = make_product(campaign=campaign)
    make_video_task(product=product, estimated_credits=60, actual_credits=60, state="success")
    make_video_task(product=product, estimated_credits=250, state=VideoTask.State.GENERATING)
    make_video_task(product=product, estimated_credits=110, state=VideoTask.State.FAILED)
    make_video_task(estimated_credits=55)  # no campaign

    spend = selectors.spend_by_campaign()
    later = selectors.spend_by_campaign(since=timezone.now() + timedelta(minutes=1))

    assert spend[campaign.pk] == selectors.Spend(Decimal(310), Decimal(60), 3)
    assert spend[None].committed == Decimal(55)
    assert later == {}


def test_low_balance_is_flagged_below_the_threshold(settings):
    from django.utils import timezone

    from campaigns.services.credits import CreditBalance

    settings.KIE_LOW_BALANCE_CREDITS = 500

    assert CreditBalance(Decimal(499), timezone.now()).is_low
    assert not CreditBalance(Decimal(500), timezone.now()).is_low
