from __future__ import annotations

from decimal import Decimal

import pytest
import responses
from django.core.cache import cache

from campaigns.services.credits import get_credit_balance
from campaigns.services.errors import KieFailed
from tests.services.kie_stubs import CREDITS_URL

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@responses.activate
def test_credit_balance_is_fetched_then_served_from_cache():
    responses.get(CREDITS_URL, json={"code": 200, "msg": "success", "data": 50.5})

    first = get_credit_balance()
    second = get_credit_balance()

    assert first.credits == Decimal("50.5")
    assert second == first
    assert len(responses.calls) == 1


@responses.activate
def test_forced_refresh_asks_kie_again():
    responses.get(CREDITS_URL, json={"code": 200, "msg": "success", "data": 50.5})
    responses.get(CREDITS_URL, json={"code": 200, "msg": "success", "data": 40})
    first = get_credit_balance()

    refreshed = get_credit_balance(force=True)

    assert refreshed.credits == Decimal("40")
    assert refreshed.fetched_at >= first.fetched_at
    assert get_credit_balance().credits == Decimal("40")  # the refresh replaced the cached one
    assert len(responses.calls) == 2


@responses.activate
def test_cache_lifetime_follows_settings(settings):
    settings.KIE_CREDITS_CACHE_SECONDS = 0  # nothing is kept
    responses.get(CREDITS_URL, json={"code": 200, "msg": "success", "data": 7})

    get_credit_balance()
    get_credit_balance()

    assert len(responses.calls) == 2


@responses.activate
def test_kie_error_is_translated_and_not_cached():
    responses.get(CREDITS_URL, json={"code": 401, "msg": "You do not have access permissions"})

    with pytest.raises(KieFailed) as caught:
        get_credit_balance()

    assert "Check KIE_API_KEY" in caught.value.message
    assert caught.value.kie_code == 401
    responses.get(CREDITS_URL, json={"code": 200, "msg": "success", "data": 9})
    assert get_credit_balance().credits == Decimal("9")  # the failure was not cached
