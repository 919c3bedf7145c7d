"""A task's admin page: read-only, payloads pretty-printed, the video playable, retries linked."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.models import VideoTask
from tests.factories import make_staff_user, make_video_task

pytestmark = pytest.mark.django_db

State = VideoTask.State


def _page(client, task: VideoTask) -> str:
    response = client.get(reverse("admin:campaigns_videotask_change", args=[task.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_task_page_pretty_prints_prompt_payload_and_last_status(superuser_client):
    task = make_video_task(
        prompt="A steel bottle <on> a mossy rock.",
        request_payload={"model": "veo3_fast", "prompt": "A steel bottle", "aspectRatio": "16:9"},
        last_status_payload={"taskId": "veo_1", "successFlag": 0},
        options={"aspect_ratio": "16:9"},
    )

    page = _page(superuser_client, task)

    assert "A steel bottle &lt;on&gt; a mossy rock." in page  # escaped, not markup
    assert '<pre class="as-pre">{\n  &quot;aspectRatio&quot;: &quot;16:9&quot;,' in page
    assert "&quot;successFlag&quot;: 0" in page
    assert "Request sent to Kie" in page and "Last status from Kie" in page


def test_task_page_is_read_only(superuser_client):
    task = make_video_task(state=State.QUEUED, prompt="Original prompt")
    url = reverse("admin:campaigns_videotask_change", args=[task.pk])

    page = _page(superuser_client, task)
    posted = superuser_client.post(url, {"prompt": "Changed", "model_id": "veo3_fastt"})

    assert 'name="prompt"' not in page and 'name="model_id"' not in page
    assert 'name="_save"' not in page
    assert posted.status_code == 403
    task.refresh_from_db()
    assert (task.prompt, task.model_id) == ("Original prompt", "veo3_fast")


def test_tasks_cannot_be_added_or_deleted_in_the_admin(superuser_client):
    task = make_video_task()

    add = superuser_client.get(reverse("admin:campaigns_videotask_add"))
    delete = superuser_client.post(
        reverse("admin:campaigns_videotask_delete", args=[task.pk]), {"post": "yes"}
    )
    listing = superuser_client.get(reverse("admin:campaigns_videotask_changelist"))

    assert add.status_code == 403
    assert delete.status_code == 403
    assert VideoTask.objects.filter(pk=task.pk).exists()
    assert reverse("admin:campaigns_videotask_add") not in listing.content.decode()
    assert "delete_selected" not in listing.content.decode()


def test_a_finished_video_plays_with_its_poster_and_downloads(superuser_client):
    task = make_video_task(state=State.SUCCESS, result_urls=["https://media.kie.invalid/v.mp4"])
    video = reverse("media-video", args=[task.public_id])

    page = _page(superuser_client, task)

    poster = reverse("media-poster", args=[task.public_id])
    assert f'src="{video}"' in page and f'poster="{poster}"' in page
    assert f'href="{video}?download=1"' in page
    assert f"{video}?quality=1080p&amp;download=1" in page  # Veo has a 1080p version


def test_a_poster_that_does_not_exist_yet_answers_404_and_the_page_still_renders(
    superuser_client,
):
    task = make_video_task(state=State.SUCCESS)

    poster = superuser_client.get(reverse("media-poster", args=[task.public_id]))

    assert poster.status_code == 404
    assert "<video" in _page(superuser_client, task)


def test_an_unfinished_task_has_no_player(superuser_client):
    page = _page(superuser_client, make_video_task(state=State.GENERATING))

    assert "<video" not in page
    assert "No video: the task is generating." in page


def test_task_page_links_the_task_it_retried_and_its_retries(superuser_client):
    original = make_video_task(state=State.FAILED)
    first = make_video_task(state=State.FAILED, retry_of=original)
    second = make_video_task(state=State.QUEUED, retry_of=original)

    original_page = _page(superuser_client, original)
    retry_page = _page(superuser_client, first)

    for retry in (first, second):
        url = reverse("admin:campaigns_videotask_change", args=[retry.pk])
        assert f'<a href="{url}">{retry.public_id}</a>' in original_page
    original_url = reverse("admin:campaigns_videotask_change", args=[original.pk])
    assert f'Retry of <a href="{original_url}">{original.public_id}</a>' in retry_page


def test_task_page_shows_cost_and_who_started_it(superuser_client):
    task = make_video_task(
        state=State.SUCCESS,
        estimated_credits=Decimal(220),
        actual_credits=Decimal("208.5"),
        actual_credits_source=VideoTask.CostSource.KIE,
        created_by=make_staff_user(username="maria"),
    )

    page = _page(superuser_client, task)

    assert "maria" in page and "Reported by Kie" in page
    assert '<span class="as-diff as-diff-under">-11.5</span>' in page


@pytest.mark.parametrize(
    ("state", "kie_task_id", "buttons"),
    [
        (State.QUEUED, "veo_1", ["refresh"]),
        (State.GENERATING, "veo_1", ["refresh"]),
        (State.FAILED, "veo_1", ["retry"]),
        (State.UNKNOWN, "", ["attach-kie-id", "retry"]),
        (State.SUCCESS, "veo_1", []),
        (State.PENDING, "", []),
    ],
)
def test_task_page_offers_the_buttons_its_state_allows(
    superuser_client, state, kie_task_id, buttons
):
    task = make_video_task(state=state, kie_task_id=kie_task_id)
    base = reverse("admin:campaigns_videotask_change", args=[task.pk]).removesuffix("change/")

    page = _page(superuser_client, task)

    for action in ("refresh", "retry", "attach-kie-id"):
        assert (f'"{base}{action}/"' in page) is (action in buttons), action
