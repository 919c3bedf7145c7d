from __future__ import annotations

import pytest

from campaigns import selectors
from campaigns.api.serializers import TaskSerializer
from campaigns.models import VideoTask
from campaigns.services.errors import NotFound
from tests.factories import (
    make_campaign,
    make_idea,
    make_product,
    make_staff_user,
    make_video_task,
)

pytestmark = pytest.mark.django_db

State = VideoTask.State


@pytest.mark.parametrize(
    "selector",
    [selectors.get_product, selectors.get_product_detail, selectors.get_idea, selectors.get_task],
)
def test_missing_rows_are_not_found_naming_the_id(selector):
    with pytest.raises(NotFound, match="424242"):
        selector(424242 if selector is not selectors.get_task else "vt_424242")


def test_get_idea_brings_its_product(django_assert_num_queries):
    idea_id = make_idea(product=make_product(name="Bottle")).pk

    with django_assert_num_queries(1):
        assert selectors.get_idea(idea_id).product.name == "Bottle"


def test_product_detail_loads_ideas_and_tasks_in_fixed_queries(django_assert_num_queries):
    product = make_product()
    for _ in range(3):
        make_video_task(idea=make_idea(product=product), created_by=make_staff_user())

    with django_assert_num_queries(3):
        detail = selectors.get_product_detail(product.pk)
        assert len(detail.ideas.all()) == 3
        assert [task.idea.title for task in detail.tasks.all()]
        assert all(task.created_by.username for task in detail.tasks.all())


def test_get_task_brings_what_the_tasks_json_shows_in_one_query(django_assert_num_queries):
    """A poll is one query for the task: its creator and the id of the task it retried."""
    user = make_staff_user(username="maya")
    failed = make_video_task(state=State.FAILED)
    task = make_video_task(retry_of=failed, created_by=user, product=failed.product)

    with django_assert_num_queries(1):
        found = selectors.get_task(task.public_id)
        shown = TaskSerializer(found).data

    assert shown["retryOf"] == failed.public_id
    assert shown["createdBy"] == {"id": user.pk, "username": "maya"}


def test_task_is_found_by_kie_id_and_provider():
    veo = make_video_task(provider="veo", kie_task_id="same-id")
    jobs = make_video_task(provider="jobs", kie_task_id="same-id")

    assert selectors.get_task("same-id", provider="veo") == veo
    assert selectors.get_task("same-id", provider="jobs") == jobs


def test_task_is_found_by_our_id_or_kies():
    task = make_video_task(kie_task_id="veo_task_123")

    assert selectors.get_task(task.public_id) == task
    assert selectors.get_task("veo_task_123") == task


def test_unknown_or_blank_id_is_not_found():
    make_video_task(kie_task_id="", state=State.SUBMITTING)

    with pytest.raises(NotFound):
        selectors.get_task("")
    with pytest.raises(NotFound, match="nope"):
        selectors.get_task("nope")


def test_list_tasks_filters_by_state_model_and_campaign():
    campaign = make_campaign()
    wanted = make_video_task(
        product=make_product(campaign=campaign), state=State.SUCCESS, model_id="veo3"
    )
    make_video_task(product=make_product(campaign=campaign), state=State.FAILED, model_id="veo3")
    make_video_task(state=State.SUCCESS, model_id="veo3")
    make_video_task(product=make_product(campaign=campaign), state=State.SUCCESS)

    tasks = selectors.list_tasks(state="success", model_id="veo3", campaign_id=campaign.pk)

    assert list(tasks) == [wanted]


def test_list_tasks_is_newest_first():
    older, newer = make_video_task(), make_video_task()

    assert list(selectors.list_tasks()) == [newer, older]


@pytest.mark.parametrize("count", [1, 6])
def test_list_tasks_costs_one_query_however_many_rows(count, django_assert_num_queries):
    campaign = make_campaign()
    for _ in range(count):
        product = make_product(campaign=campaign)
        make_video_task(idea=make_idea(product=product), created_by=make_staff_user())

    with django_assert_num_queries(1):
        rows = [
            (t.product.name, t.product.campaign.name, t.idea.title, t.created_by.username)
            for t in selectors.list_tasks()
        ]

    assert len(rows) == count
