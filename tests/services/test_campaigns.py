"""Creating campaigns: a name, an optional credit budget, errors naming the field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.models import Campaign
from campaigns.services.campaigns import create_campaign
from campaigns.services.errors import ValidationFailed
from tests.factories import make_staff_user

pytestmark = pytest.mark.django_db


def test_create_campaign_keeps_name_budget_and_creator():
    user = make_staff_user()

    campaign = create_campaign(user=user, name="  Summer launch ", credit_budget="2500")

    assert (campaign.name, campaign.credit_budget, campaign.created_by) == (
        "Summer launch",
        Decimal("2500.00"),
        user,
    )


def test_create_campaign_without_budget_has_no_cap():
    campaign = create_campaign(user=make_staff_user(), name="Back to school", credit_budget="")

    assert campaign.credit_budget is None


@pytest.mark.parametrize(
    ("name", "budget", "field"),
    [
        ("", None, "name"),
        ("x" * 201, None, "name"),
        ("Launch", "lots", "creditBudget"),
        ("Launch", "-5", "creditBudget"),
        ("Launch", "NaN", "creditBudget"),
        ("Launch", "1e20", "creditBudget"),
    ],
)
def test_create_campaign_refuses_bad_input_naming_the_field(name, budget, field):
    with pytest.raises(ValidationFailed) as caught:
        create_campaign(user=make_staff_user(), name=name, credit_budget=budget)

    assert list(caught.value.fields) == [field]
    assert not Campaign.objects.exists()
