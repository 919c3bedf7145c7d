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
