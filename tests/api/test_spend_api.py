"""Spend over HTTP: quotes, the price table, the low-balance flag, who started a task, limits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.models import VideoTask
from kie.registry import all_models
from tests.factories import make_idea, make_video_task

pytestmark = pytest.mark.django_db

KLING = "kling-2.6/image-to-video"


def test_quote_prices_exactly_the_options_sent(api):
    body = {"model": KLING, "options": {"duration": "10", "sound": True}, "count": 2}

    response = api.post("/api/quote", body, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "model": KLING,
        "options": {"duration": "10", "sound": True},
        "count": 2,
        "clipSeconds": 10,
        "creditsEach": 220.0,
        "totalCredits": 440.0,
        "dailyLimit": None,
        "withinDailyLimit": True,
    }


def test_quote_defaults_to_one_video_with_default_options(api):
    response = api.post("/api/quote", {"model": "sora-2-pro-text-to-video"}, format="json")

    body = response.json()
    assert (body["count"], body["creditsEach"], body["totalCredits"]) == (1, 330.0, 330.0)
    assert body["options"]["size"] == "high"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"model": "veo3_fastt"}, "model"),
        ({"model": KLING, "options": {"duration": "7"}}, "options.duration"),
        ({"model": KLING, "options": {"colour": "red"}}, "options.colour"),
        ({"model": KLING, "count": 0}, "count"),
        ({"model": KLING, "count": 101}, "count"),
        ({"options": {}}, "model"),
    ],
)
def test_quote_names_the_bad_field(api, body, field):
    response = api.post("/api/quote", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_quote_shows_the_daily_limit_left(api, staff_user, settings):
    settings.USER_DAILY_CREDIT_LIMIT = 300
    make_video_task(created_by=staff_user, estimated_credits=Decimal(250))

    body = api.post("/api/quote", {"model": "veo3_fast"}, format="json").json()

    assert body["dailyLimit"] == {"limit": 300.0, "committed": 250.0, "remaining": 50.0}
    assert body["withinDailyLimit"] is False


def test_models_list_every_price_of_every_model(api):
    models = {model["id"]: model for model in api.get("/api/models").json()}

    for model in all_models():
        prices = models[model.id]["prices"]
        assert len(prices) == len(model.credits.credits)
        for row in prices:
            quote = api.post(
                "/api/quote", {"model": model.id, "options": row["options"]}, format="json"
            ).json()
            assert quote["creditsEach"] == row["credits"]


def test_credits_warn_when_the_balance_is_low(api, kie_sandbox, settings):
    settings.KIE_LOW_BALANCE_CREDITS = int(kie_sandbox.credits) + 1

    body = api.get("/api/credits").json()

    assert body["isLow"] is True
    assert body["lowThreshold"] == float(kie_sandbox.credits) + 1


def test_credits_do_not_warn_above_the_threshold(api, kie_sandbox, settings):
    settings.KIE_LOW_BALANCE_CREDITS = 1

    assert api.get("/api/credits").json()["isLow"] is False


def test_task_json_says_who_started_it_and_what_it_cost(api, staff_user):
    task = make_video_task(
        created_by=staff_user,
        state=VideoTask.State.SUCCESS,
        estimated_credits=Decimal(220),
        actual_credits=Decimal("208.5"),
        actual_credits_source=VideoTask.CostSource.KIE,
    )
    running = make_video_task()

    rows = {row["taskId"]: row for row in api.get("/api/tasks").json()["results"]}

    done = rows[task.public_id]
    assert done["createdBy"] == {"id": staff_user.pk, "username": staff_user.username}
    assert (done["actualCredits"], done["actualCreditsSource"]) == (208.5, "kie")
    assert done["creditsDifference"] == -11.5
    live = rows[running.public_id]
    assert (live["createdBy"], live["actualCreditsSource"], live["creditsDifference"]) == (
        None,
        None,
        None,
    )


def test_start_past_the_daily_limit_answers_402_naming_the_numbers(api, staff_user, settings):
    settings.USER_DAILY_CREDIT_LIMIT = 100
    make_video_task(created_by=staff_user, estimated_credits=Decimal(60))
    body = {"ideaId": make_idea().pk, "model": "veo3_fast", "prompt": "A bottle on a rock."}

    response = api.post("/api/video", body, format="json")

    assert response.status_code == 402
    error = response.json()["error"]
    assert error["code"] == "budget_exceeded"
    assert (error["dailyCreditLimit"], error["committedCredits"]) == ("100", "60")
    assert error["estimatedCredits"] == "60"
    assert "daily limit of 100 credits" in error["message"]
    assert VideoTask.objects.count() == 1
