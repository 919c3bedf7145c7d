from __future__ import annotations

from decimal import Decimal

import pytest
import responses
from django.db import connection

from campaigns.models import VideoTask
from campaigns.services import videos
from campaigns.services.callbacks import callback_token
from campaigns.services.errors import (
    BudgetExceeded,
    IdempotencyConflict,
    InsufficientCredits,
    NotFound,
    ValidationFailed,
)
from tests.factories import (
    DEFAULT_IMAGE_URL,
    make_campaign,
    make_idea,
    make_product,
    make_staff_user,
    make_video_task,
)
from tests.media_clips import mp4_bytes
from tests.services.kie_stubs import kie_fixture, sent_json
from tests.services.video_stubs import (
    JOBS_CREATE_URL,
    PROMPT,
    VEO_GENERATE_URL,
    envelope,
    start,
    veo_created,
)

pytestmark = pytest.mark.django_db

State = VideoTask.State
REFERENCE_VIDEO = "https://media.example.com/dance.mp4"
PUBLIC_ADDRESS = "93.184.216.34"


# --- happy path, per provider and model -----------------------------------------------------

MODEL_CASES = [
    # model id, create URL, options, extra arguments, where the product photo must appear
    ("veo3", VEO_GENERATE_URL, {"aspect_ratio": "9:16"}, {}, ("imageUrls",)),
    ("veo3_fast", VEO_GENERATE_URL, {}, {}, ("imageUrls",)),
    ("sora-2-pro-image-to-video", JOBS_CREATE_URL, {"n_frames": 15}, {}, ("input", "image_urls")),
    ("sora-2-pro-text-to-video", JOBS_CREATE_URL, {"size": "standard"}, {}, None),
    ("kling-2.6/image-to-video", JOBS_CREATE_URL, {"duration": "10"}, {}, ("input", "image_urls")),
    (
        "kling-2.6/motion-control",
        JOBS_CREATE_URL,
        {"mode": "1080p"},
        {"video_url": REFERENCE_VIDEO},
        ("input", "input_urls"),
    ),
]


@pytest.mark.parametrize("model_id, create_url, options, extra, image_path", MODEL_CASES)
def test_start_sends_built_payload_and_records_kie_task_id(
    kie, fake_dns, model_id, create_url, options, extra, image_path
):
    if "video_url" in extra:  # measured before the start (reference_videos.py)
        fake_dns["media.example.com"] = [PUBLIC_ADDRESS]
        kie.get(REFERENCE_VIDEO, body=mp4_bytes(4), content_type="video/mp4")
    kie.post(create_url, json=envelope({"taskId": f"kie-{model_id}"}))

    task, created = start(model_id=model_id, options=options, **extra)

    assert created is True
    assert (task.state, task.kie_task_id) == (State.QUEUED, f"kie-{model_id}")
    assert task.submitted_at is not None
    sent = sent_json(next(call for call in kie.calls if call.request.url == create_url))
    assert sent == task.request_payload  # exactly what was stored went to Kie
    assert PROMPT in json_values(sent)
    if image_path is None:
        assert DEFAULT_IMAGE_URL not in json_values(sent)
    else:
        holder = sent
        for key in image_path:
            holder = holder[key]
        assert holder == [DEFAULT_IMAGE_URL]
    assert task.estimated_credits > 0


def json_values(payload: dict) -> list:
    values = []
    for value in payload.values():
        values.extend(json_values(value) if isinstance(value, dict) else [value])
    return values


def test_start_stores_options_with_defaults_and_the_resolved_prompt(kie):
    veo_created(kie)

    task, _ = start(model_id="veo3_fast", prompt=f"  {PROMPT}  ")

    assert task.prompt == PROMPT
    assert task.options == {"aspect_ratio": "16:9"}
    assert task.provider == "veo"


def test_start_without_a_prompt_waits_for_the_worker_to_write_it(kie):
    idea = make_idea()

    task, created = start(idea_id=idea.pk, prompt=None, options={"aspect_ratio": "9:16"})

    assert created and len(kie.calls) == 0  # no Gemini call, no create inside the request
    assert (task.state, task.needs_prompt, task.prompt) == (State.PENDING, True, "")
    assert task.options == {"aspect_ratio": "9:16"}


def test_client_image_urls_replace_the_product_photo(kie):
    veo_created(kie)
    urls = ["https://cdn.example.com/first.png", "https://cdn.example.com/last.png"]

    start(image_urls=urls)

    assert sent_json(kie.calls[0])["imageUrls"] == urls


def test_start_sends_callback_url_only_when_configured(kie, settings):
    settings.KIE_CALLBACK_BASE_URL = "https://ads.example.com"
    veo_created(kie)

    task, _ = start()

    sent = sent_json(kie.calls[0])["callBackUrl"]
    token = callback_token(task.public_id)
    assert sent == f"https://ads.example.com/kie/callback/{task.public_id}?token={token}"


def test_start_without_callback_base_sends_no_callback_url(kie):
    veo_created(kie)

    start()

    assert "callBackUrl" not in sent_json(kie.calls[0])


def test_task_row_is_committed_as_submitting_before_kie_is_called(kie, transactional_db):
    seen = []

    def create(request):
        # No transaction is open around the HTTP call, so the row is already committed.
        seen.append(connection.in_atomic_block)
        seen.extend(VideoTask.objects.values_list("state", "request_payload"))
        return 200, {}, '{"code": 200, "msg": "success", "data": {"taskId": "veo_1"}}'

    kie.add_callback(responses.POST, VEO_GENERATE_URL, callback=create)

    task, _ = start()

    assert seen == [False, (State.SUBMITTING, task.request_payload)]
    assert (task.state, task.kie_task_id) == (State.QUEUED, "veo_1")


def test_start_for_unknown_idea_is_not_found():
    with pytest.raises(NotFound):
        start(idea_id=999_999)


# --- idempotency ------------------------------------------------------------------------------


def test_replayed_key_returns_the_same_task_without_calling_kie_again(kie):
    veo_created(kie)
    user, idea = make_staff_user(), make_idea()
    request = {"user": user, "idea_id": idea.pk, "idempotency_key": "abc-123"}

    first, first_created = start(**request)
    again, again_created = start(**request)

    assert (first_created, again_created) == (True, False)
    assert again.pk == first.pk
    assert len(kie.calls) == 1


def test_replay_of_a_failed_start_returns_the_failed_task_and_never_resubmits(kie):
    kie.post(VEO_GENERATE_URL, json=kie_fixture("insufficient_credits"))
    user, idea = make_staff_user(), make_idea()
    request = {"user": user, "idea_id": idea.pk, "idempotency_key": "k"}
    with pytest.raises(InsufficientCredits):
        start(**request)

    task, created = start(**request)

    assert (task.state, created) == (State.FAILED, False)
    assert len(kie.calls) == 1


def test_same_key_with_a_different_request_is_a_conflict(kie):
    veo_created(kie)
    user, idea = make_staff_user(), make_idea()
    start(user=user, idea_id=idea.pk, idempotency_key="abc-123")

    with pytest.raises(IdempotencyConflict) as caught:
        start(user=user, idea_id=idea.pk, idempotency_key="abc-123", prompt="Another prompt")

    assert caught.value.http_status == 409
    assert len(kie.calls) == 1


def test_same_key_from_another_user_starts_its_own_task(kie):
    veo_created(kie, "veo_a")
    veo_created(kie, "veo_b")
    idea = make_idea()

    first, _ = start(idea_id=idea.pk, idempotency_key="shared")
    second, created = start(idea_id=idea.pk, idempotency_key="shared")

    assert created is True
    assert second.pk != first.pk


def test_concurrent_request_with_same_key_gets_the_winners_task(kie, monkeypatch):
    user, idea = make_staff_user(), make_idea()
    winner = make_video_task(idea=idea, created_by=user, idempotency_key="race")
    fingerprint = videos.requests_.request_fingerprint(
        idea_id=idea.pk,
        model_id="veo3_fast",
        options=None,
        prompt=PROMPT,
        image_urls=None,
        video_url=None,
    )
    VideoTask.objects.filter(pk=winner.pk).update(request_fingerprint=fingerprint)
    real_find = videos._find_replay
    lookups = []

    def find_after_the_winner_inserted(user, key, fingerprint):
        # The first look-up ran before the twin request inserted its row.
        lookups.append(key)
        return None if len(lookups) == 1 else real_find(user, key, fingerprint)

    monkeypatch.setattr(videos, "_find_replay", find_after_the_winner_inserted)

    task, created = start(user=user, idea_id=idea.pk, idempotency_key="race")

    assert (task.pk, created) == (winner.pk, False)
    assert len(kie.calls) == 0
    assert VideoTask.objects.count() == 1


# --- validation and budget ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"options": {"aspect_ratio": "4:3"}}, "options.aspect_ratio"),
        ({"options": {"colour": "red"}}, "options.colour"),
        ({"image_urls": ["ftp://files.example.com/a.png"]}, "imageUrls"),
        ({"model_id": "kling-2.6/motion-control"}, "videoUrl"),
        ({"model_id": "kling-2.6/motion-control", "video_url": "file:///etc/passwd"}, "videoUrl"),
        ({"model_id": "no-such-model"}, "model"),
        ({"model_id": "kling-2.6/image-to-video", "prompt": "x" * 1001}, "prompt"),
    ],
)
def test_invalid_request_names_the_field_and_starts_nothing(kie, overrides, field):
    with pytest.raises(ValidationFailed) as caught:
        start(**overrides)

    assert field in caught.value.fields
    assert VideoTask.objects.count() == 0
    assert len(kie.calls) == 0


def test_start_refuses_when_budget_exceeded(kie):
    campaign = make_campaign(name="Spring", credit_budget=Decimal("100"))
    product = make_product(campaign=campaign)
    make_video_task(product=product, estimated_credits=Decimal("60"), state=State.GENERATING)

    with pytest.raises(BudgetExceeded) as caught:
        start(idea_id=make_idea(product=product).pk, model_id="veo3_fast")

    assert "60" in caught.value.message and "100" in caught.value.message
    assert caught.value.http_status == 402
    assert VideoTask.objects.count() == 1
    assert len(kie.calls) == 0


def test_failed_tasks_do_not_count_against_the_budget(kie):
    veo_created(kie)
    campaign = make_campaign(credit_budget=Decimal("120"))
    product = make_product(campaign=campaign)
    make_video_task(product=product, estimated_credits=Decimal("60"), state=State.SUCCESS)
    make_video_task(product=product, estimated_credits=Decimal("500"), state=State.FAILED)

    task, created = start(idea_id=make_idea(product=product).pk, model_id="veo3_fast")

    assert created and task.estimated_credits == Decimal("60")
