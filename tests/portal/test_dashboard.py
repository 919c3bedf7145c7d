"""The dashboard: counts, recent tasks with their states, and the polled task list fragment."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import VideoTask
from tests.factories import make_idea, make_product, make_staff_user, make_video_task

pytestmark = pytest.mark.django_db
State = VideoTask.State


@pytest.fixture
def staff_client(client):
    client.force_login(make_staff_user(first_name="Maya"))
    return client


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code in (200, 286)
    return len(queries)


def test_dashboard_without_products_says_to_create_one(staff_client) -> None:
    page = staff_client.get("/").content.decode()

    assert "<title>Dashboard · AdStudio</title>" in page
    assert "Create your first product" in page
    assert 'id="recent-tasks"' not in page


def test_dashboard_lists_recent_tasks_with_state_badges_and_model_names(staff_client) -> None:
    make_video_task(
        idea=make_idea(title="Refill at the source"),
        model_id="kling-2.6/image-to-video",
        state=State.FAILED,
    )

    page = staff_client.get("/").content.decode()

    assert "Refill at the source" in page
    assert "Kling 2.6 (image to video)" in page
    assert '<span class="badge badge--failed">Failed</span>' in page
    assert "Welcome back, Maya." in page


def test_dashboard_with_products_but_no_tasks_says_what_to_do(staff_client) -> None:
    make_product()

    page = staff_client.get("/").content.decode()

    assert "No videos yet" in page
    assert "every 3s" not in page


def test_dashboard_polls_only_while_a_task_is_in_flight(staff_client) -> None:
    task = make_video_task(state=State.GENERATING)
    polling = staff_client.get("/").content.decode()
    VideoTask.objects.filter(pk=task.pk).update(state=State.SUCCESS)

    finished = staff_client.get("/").content.decode()

    assert 'hx-get="/dashboard/tasks" hx-trigger="every 3s"' in polling
    assert "every 3s" not in finished


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (State.SUBMITTING, 200),
        (State.QUEUED, 200),
        (State.GENERATING, 200),
        (State.SUCCESS, 286),
        (State.FAILED, 286),
        (State.UNKNOWN, 286),  # waits for a person, not for the worker
    ],
)
def test_task_list_fragment_stops_polling_once_nothing_is_in_flight(
    staff_client, state: str, status: int
) -> None:
    make_video_task(state=state)

    response = staff_client.get(reverse("portal:dashboard-tasks"))

    assert response.status_code == status
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<section id="recent-tasks"')
    assert "<html" not in fragment
    assert f"badge--{state}" in fragment


def test_dashboard_and_fragment_cost_the_same_queries_for_one_task_or_many(staff_client) -> None:
    make_video_task(idea=make_idea())
    one = (_queries(staff_client, "/"), _queries(staff_client, "/dashboard/tasks"))
    for _ in range(6):
        make_video_task(idea=make_idea(), state=State.QUEUED)

    many = (_queries(staff_client, "/"), _queries(staff_client, "/dashboard/tasks"))

    assert many == one


def test_navigation_marks_the_current_section_only(staff_client) -> None:
    page = staff_client.get(reverse("portal:product-new")).content.decode()

    assert '<a href="/products/new" aria-current="page">New product</a>' in page
    assert '<a href="/products">Products</a>' in page
    assert page.count('aria-current="page"') == 1


def test_pages_send_the_csrf_token_with_htmx_and_configure_htmx_without_script(
    staff_client,
) -> None:
    response = staff_client.get("/")
    page = response.content.decode()

    token = response.cookies["csrftoken"].value
    assert token
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
    assert '<meta name="htmx-config"' in page
    assert '"allowEval": false' in page
