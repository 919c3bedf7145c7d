"""The task board: live tiles, failures in words, retries, 1080p, constant query counts."""

from __future__ import annotations

import pytest

from campaigns.models import VideoTask
from tests.factories import make_campaign, make_idea, make_product, make_video_task

pytestmark = pytest.mark.django_db

State = VideoTask.State
KLING = "kling-2.6/image-to-video"


def test_board_shows_each_task_with_picture_idea_model_state_age_and_cost(staff):
    task = make_video_task(
        idea=make_idea(title="Refill at the source"),
        model_id=KLING,
        provider="jobs",
        options={"duration": "10", "sound": False},
        state=State.SUCCESS,
        actual_credits=110,
    )

    page = staff.get("/tasks").content.decode()

    assert "<title>Tasks · AdStudio</title>" in page
    assert f'id="task-{task.public_id}"' in page
    assert f'src="/media/products/{task.product_id}/image"' in page
    assert "Refill at the source" in page and "Kling 2.6 (image to video)" in page
    assert '<span class="badge badge--success">Success</span>' in page
    assert "just now" in page and "110 credits" in page
    assert f'src="/media/tasks/{task.public_id}/video"' in page
    assert f'href="/media/tasks/{task.public_id}/video?download=1" download' in page
    assert '<span class="video-tile-duration">0:10</span>' in page


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (State.PENDING, 200),
        (State.SUBMITTING, 200),
        (State.QUEUED, 200),
        (State.GENERATING, 200),
        (State.SUCCESS, 286),
        (State.FAILED, 286),
        (State.UNKNOWN, 286),  # waits for a person's decision, not for the worker
    ],
)
def test_a_tile_polls_itself_while_live_and_stops_once_finished(staff, state, status):
    task = make_video_task(state=state)

    response = staff.get(f"/tasks/{task.public_id}")

    fragment = response.content.decode()
    assert response.status_code == status
    assert fragment.lstrip().startswith("<article")
    assert ('hx-trigger="every 3s"' in fragment) is (status == 200)


def test_board_summary_polls_until_nothing_is_in_flight(staff):
    task = make_video_task(state=State.GENERATING)
    live = staff.get("/tasks/summary")
    VideoTask.objects.filter(pk=task.pk).update(state=State.SUCCESS)
    done = staff.get("/tasks/summary")

    assert live.status_code == 200 and "Updating live" in live.content.decode()
    assert done.status_code == 286 and "nothing running" in done.content.decode()


@pytest.mark.parametrize(
    ("fields", "note"),
    [
        ({"needs_prompt": True}, "Waiting for Gemini to write its prompt"),
        ({"submit_attempts": 1}, "Waiting for a free slot under Kie&#x27;s rate limit"),
        ({}, "Waiting to be sent to Kie"),
    ],
)
def test_a_pending_task_says_what_it_waits_for(staff, fields, note):
    task = make_video_task(state=State.PENDING, kie_task_id="", **fields)

    fragment = staff.get(f"/tasks/{task.public_id}").content.decode()

    assert '<span class="badge badge--pending">Pending</span>' in fragment
    assert note in fragment


def test_a_failed_task_shows_kies_reason_in_plain_words_and_a_retry(staff):
    task = make_video_task(
        state=State.FAILED, error_code="422", error_message="Invalid prompt: restricted content"
    )

    page = staff.get("/tasks").content.decode()

    assert "Kie refused the prompt or the photo." in page
    assert "Kie.ai said: “Invalid prompt: restricted content”" in page
    assert f'action="/tasks/{task.public_id}/retry"' in page
    assert ">Retry</button>" in page


def test_retrying_a_failed_task_starts_a_new_one_and_comes_back(staff, kie_sandbox):
    task = make_video_task(
        idea=make_idea(), state=State.FAILED, image_urls=["https://images.example.com/b.png"]
    )

    response = staff.post(f"/tasks/{task.public_id}/retry", {"next": "/tasks?show=attention"})

    retry = VideoTask.objects.get(retry_of=task)
    assert response["Location"] == "/tasks?show=attention"
    assert retry.state == State.QUEUED
    assert (
        f"Retry started as a new task ({retry.public_id})." in staff.get("/tasks").content.decode()
    )


def test_a_second_retry_click_answers_the_first_retry(staff, kie_sandbox):
    task = make_video_task(idea=make_idea(), state=State.FAILED)

    staff.post(f"/tasks/{task.public_id}/retry")
    staff.post(f"/tasks/{task.public_id}/retry")

    assert VideoTask.objects.filter(retry_of=task).count() == 1


def test_an_unknown_task_warns_it_may_be_running_and_asks_before_retrying(staff):
    make_video_task(state=State.UNKNOWN)

    page = staff.get("/tasks").content.decode()

    assert "It may already be running, and billing." in page
    assert 'data-confirm="Kie may already be making this video and may bill it.' in page
    assert '<input type="hidden" name="confirm" value="1">' in page


def test_retrying_an_unknown_task_without_confirming_starts_nothing(staff, kie_sandbox):
    task = make_video_task(idea=make_idea(), state=State.UNKNOWN)

    response = staff.post(f"/tasks/{task.public_id}/retry", follow=True)

    assert "may still be running (and billing) at Kie" in response.content.decode()
    assert not VideoTask.objects.filter(retry_of=task).exists()


def test_retrying_an_unknown_task_once_confirmed_starts_it_again(staff, kie_sandbox):
    task = make_video_task(idea=make_idea(), state=State.UNKNOWN)

    staff.post(f"/tasks/{task.public_id}/retry", {"confirm": "1"})

    assert VideoTask.objects.filter(retry_of=task).count() == 1


def test_retry_never_redirects_off_site(staff, kie_sandbox):
    task = make_video_task(idea=make_idea(), state=State.FAILED)

    response = staff.post(f"/tasks/{task.public_id}/retry", {"next": "https://evil.example/"})

    assert response["Location"] == "/tasks"


def test_veo_1080p_shows_still_processing_then_a_download(staff, kie_sandbox):
    from tests.sandbox_fixtures import create_veo, veo_status

    kie_sandbox.set_faults(hd_processing_polls=1)
    kie_id = create_veo(kie_sandbox)
    for _ in range(3):  # the sandbox moves the task one step per status read
        veo_status(kie_sandbox, kie_id)
    task = make_video_task(state=State.SUCCESS, kie_task_id=kie_id)

    processing = staff.get(f"/tasks/{task.public_id}/hd")
    ready = staff.get(f"/tasks/{task.public_id}/hd")

    assert processing.status_code == 200
    assert "1080p still processing…" in processing.content.decode()
    assert 'hx-trigger="every 10s"' in processing.content.decode()
    assert ready.status_code == 286
    assert f'href="/media/tasks/{task.public_id}/video?quality=1080p&amp;download=1"' in (
        ready.content.decode()
    )


def test_1080p_is_offered_for_veo_videos_only(staff):
    veo = make_video_task(state=State.SUCCESS)
    kling = make_video_task(state=State.SUCCESS, provider="jobs", model_id=KLING)

    page = staff.get("/tasks").content.decode()

    assert page.count("Get 1080p") == 1 and f'/tasks/{veo.public_id}/hd"' in page
    assert staff.get(f"/tasks/{kling.public_id}/hd").status_code == 404


@pytest.mark.parametrize(
    ("show", "visible", "hidden"),
    [
        ("active", "generating", "success"),
        ("done", "success", "failed"),
        ("attention", "failed", "generating"),
    ],
)
def test_board_filters_by_state(staff, show, visible, hidden):
    for state in (State.GENERATING, State.SUCCESS, State.FAILED):
        make_video_task(state=state)

    page = staff.get(f"/tasks?show={show}").content.decode()

    assert f"task-tile--{visible}" in page and f"task-tile--{hidden}" not in page


def test_empty_board_says_how_to_make_a_video(staff):
    page = staff.get("/tasks").content.decode()

    assert "No videos yet" in page and 'href="/products"' in page


def test_board_costs_the_same_queries_for_one_task_or_many(staff, query_count):
    make_video_task(idea=make_idea(), state=State.SUCCESS)
    one = query_count("/tasks")
    for state in (State.PENDING, State.FAILED, State.UNKNOWN, State.GENERATING, State.SUCCESS):
        product = make_product(campaign=make_campaign())
        make_video_task(
            idea=make_idea(product=product), state=state, provider="jobs", model_id=KLING
        )

    assert query_count("/tasks") == one
