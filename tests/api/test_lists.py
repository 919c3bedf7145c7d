"""Product and task lists: pagination, filters, detail, and a query count independent of size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import VideoTask
from tests.factories import make_campaign, make_idea, make_product, make_video_task

pytestmark = pytest.mark.django_db


def _query_count(client, path: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(queries)


def _tasks(count: int, **fields) -> list[VideoTask]:
    return [make_video_task(idea=make_idea(), **fields) for _ in range(count)]


def test_products_list_is_paginated_newest_first(api):
    older, newer = make_product(name="Older"), make_product(name="Newer")

    body = api.get("/api/products").json()

    assert body["count"] == 2
    assert [p["id"] for p in body["results"]] == [newer.pk, older.pk]
    assert body["results"][0]["imageUrl"] == newer.source_image_url
    assert {"next", "previous"} <= set(body)


def test_products_list_costs_the_same_queries_for_1_or_10_rows(api):
    make_product(campaign=make_campaign())
    one = _query_count(api, "/api/products")
    for _ in range(9):
        make_product(campaign=make_campaign())

    assert _query_count(api, "/api/products") == one


def test_tasks_list_costs_the_same_queries_for_1_or_10_rows(api):
    _tasks(1, state=VideoTask.State.SUCCESS)
    one = _query_count(api, "/api/tasks")
    _tasks(9, state=VideoTask.State.FAILED, error_message="Invalid prompt")

    assert _query_count(api, "/api/tasks") == one


def test_product_detail_costs_the_same_queries_for_1_or_10_ideas_and_tasks(api):
    product = make_product()
    make_video_task(idea=make_idea(product=product))
    one = _query_count(api, f"/api/products/{product.pk}")
    for _ in range(9):
        make_video_task(idea=make_idea(product=product), state=VideoTask.State.SUCCESS)

    assert _query_count(api, f"/api/products/{product.pk}") == one


def test_product_detail_includes_its_ideas_and_tasks(api):
    product = make_product()
    idea = make_idea(product=product, title="Mountain refill")
    task = make_video_task(idea=idea, state=VideoTask.State.SUCCESS)
    make_video_task(idea=make_idea())  # another product's task stays out

    body = api.get(f"/api/products/{product.pk}").json()

    assert body["id"] == product.pk
    assert [(i["id"], i["title"], i["onScreenText"]) for i in body["ideas"]] == [
        (idea.pk, "Mountain refill", idea.on_screen_text)
    ]
    assert [(t["taskId"], t["kieTaskId"]) for t in body["tasks"]] == [
        (task.public_id, task.kie_task_id)
    ]
    assert body["tasks"][0]["videoUrl"].startswith("http://testserver/api/video/download?")


def test_unknown_product_is_a_404(api):
    assert api.get("/api/products/999999").json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "failed"}, {"failed-veo"}),
        ({"model": "kling-2.6/image-to-video"}, {"kling"}),
        ({"state": "queued", "model": "veo3_fast"}, {"queued-veo"}),
        ({}, {"failed-veo", "kling", "queued-veo"}),
    ],
)
def test_tasks_list_filters_by_state_and_model(api, params, expected):
    make_video_task(kie_task_id="failed-veo", state=VideoTask.State.FAILED)
    make_video_task(kie_task_id="kling", model_id="kling-2.6/image-to-video", provider="jobs")
    make_video_task(kie_task_id="queued-veo")

    body = api.get("/api/tasks", params).json()

    assert {t["kieTaskId"] for t in body["results"]} == expected


def test_tasks_list_filters_by_campaign(api):
    campaign = make_campaign()
    mine = make_video_task(product=make_product(campaign=campaign))
    make_video_task(product=make_product(campaign=make_campaign()))

    body = api.get("/api/tasks", {"campaign": campaign.pk}).json()

    assert [t["taskId"] for t in body["results"]] == [mine.public_id]


def test_task_json_shape_for_a_failed_jobs_task(api):
    task = make_video_task(
        model_id="sora-2-pro-text-to-video",
        provider="jobs",
        state=VideoTask.State.FAILED,
        error_code="422",
        error_message="Invalid prompt: too violent",
        estimated_credits="330.00",
    )

    row = api.get("/api/tasks").json()["results"][0]

    assert (row["taskId"], row["kieTaskId"]) == (task.public_id, task.kie_task_id)
    assert row["status"] == "failed"
    assert row["error"] == {"code": "422", "message": "Invalid prompt: too violent"}
    assert row["videoUrl"] is None and row["hdVideoUrl"] is None
    assert row["estimatedCredits"] == 330
    assert row["actualCredits"] is None


@pytest.mark.parametrize(
    ("state", "shown"),
    [
        (VideoTask.State.GENERATING, False),  # a failed status check is a note, not a failure
        (VideoTask.State.FAILED, True),
        (VideoTask.State.UNKNOWN, True),
    ],
)
def test_task_error_is_shown_only_for_failed_or_unknown_tasks(api, state, shown):
    make_video_task(state=state, error_code="500", error_message="Last status check: timeout")

    row = api.get("/api/tasks").json()["results"][0]

    expected = {"code": "500", "message": "Last status check: timeout"} if shown else None
    assert row["error"] == expected
