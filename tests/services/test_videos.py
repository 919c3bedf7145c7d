from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
import requests
import responses

from campaigns.models import VideoTask
from campaigns.services import videos
from campaigns.services.errors import (
    BudgetExceeded,
    IdempotencyConflict,
    InsufficientCredits,
    KieUnavailable,
    ModelUnavailable,
    NotFound,
    RateLimited,
    ValidationFailed,
)
from campaigns.services.videos import TaskNotRetryable, retry_task, start_video
from tests.factories import (
    DEFAULT_IMAGE_URL,
    make_campaign,
    make_idea,
    make_product,
    make_staff_user,
    make_video_task,
)
from tests.services.video_stubs import (
    JOBS_CREATE_URL,
    VEO_GENERATE_URL,
    envelope,
    kie_fixture,
    sent_json,
    use_client_without_sleeps,
)

pytestmark = pytest.mark.django_db

State = VideoTask.State
PROMPT = "A hiker refills a steel bottle at a mountain stream, slow push-in, morning light."
REFERENCE_VIDEO = "https://media.example.com/dance.mp4"


@pytest.fixture(autouse=True)
def _fast_client(monkeypatch):
    use_client_without_sleeps(monkeypatch)


@pytest.fixture
def kie():
    with responses.RequestsMock() as mock:
        yield mock


def _veo_created(kie, task_id: str = "veo_task_abcdef123456") -> None:
    kie.post(VEO_GENERATE_URL, json=envelope({"taskId": task_id}))


def _start(**overrides):
    fields = {"user": make_staff_user(), "idea_id": make_idea().pk, "model_id": "veo3_fast"}
    fields["prompt"] = PROMPT
    fields.update(overrides)
    return start_video(**fields)


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
    kie, model_id, create_url, options, extra, image_path
):
    kie.post(create_url, json=envelope({"taskId": f"kie-{model_id}"}))

    task, created = _start(model_id=model_id, options=options, **extra)

    assert created is True
    assert (task.state, task.kie_task_id) == (State.QUEUED, f"kie-{model_id}")
    assert task.submitted_at is not None
    sent = sent_json(kie.calls[0])
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
    _veo_created(kie)

    task, _ = _start(model_id="veo3_fast", prompt=f"  {PROMPT}  ")

    assert task.prompt == PROMPT
    assert task.options == {"aspect_ratio": "16:9"}
    assert task.provider == "veo"


def test_start_writes_the_prompt_with_gemini_when_none_is_given(kie, monkeypatch):
    written = SimpleNamespace(text="Gemini's prompt: bottle on a rock, golden hour.")
    calls = []

    def write_video_prompt(*, idea, model_id, user=None):
        calls.append((idea.pk, model_id))
        return written

    monkeypatch.setattr("campaigns.services.prompts.write_video_prompt", write_video_prompt)
    _veo_created(kie)
    idea = make_idea()

    task, _ = _start(idea_id=idea.pk, prompt=None)

    assert calls == [(idea.pk, "veo3_fast")]
    assert sent_json(kie.calls[0])["prompt"] == written.text
    assert task.prompt == written.text


def test_client_image_urls_replace_the_product_photo(kie):
    _veo_created(kie)
    urls = ["https://cdn.example.com/first.png", "https://cdn.example.com/last.png"]

    _start(image_urls=urls)

    assert sent_json(kie.calls[0])["imageUrls"] == urls


def test_start_sends_callback_url_only_when_configured(kie, settings):
    settings.KIE_CALLBACK_BASE_URL = "https://ads.example.com"
    _veo_created(kie)

    _start()

    assert sent_json(kie.calls[0])["callBackUrl"] == "https://ads.example.com/kie/callback"


def test_start_without_callback_base_sends_no_callback_url(kie):
    _veo_created(kie)

    _start()

    assert "callBackUrl" not in sent_json(kie.calls[0])


def test_task_row_is_committed_as_submitting_before_kie_is_called(kie):
    seen = []

    def create(request):
        seen.extend(VideoTask.objects.values_list("state", "request_payload"))
        return 200, {}, '{"code": 200, "msg": "success", "data": {"taskId": "veo_1"}}'

    kie.add_callback(responses.POST, VEO_GENERATE_URL, callback=create)

    task, _ = _start()

    assert seen == [(State.SUBMITTING, task.request_payload)]


def test_start_for_unknown_idea_is_not_found():
    with pytest.raises(NotFound):
        _start(idea_id=999_999)


# --- idempotency ------------------------------------------------------------------------------


def test_replayed_key_returns_the_same_task_without_calling_kie_again(kie):
    _veo_created(kie)
    user, idea = make_staff_user(), make_idea()
    request = {"user": user, "idea_id": idea.pk, "idempotency_key": "abc-123"}

    first, first_created = _start(**request)
    again, again_created = _start(**request)

    assert (first_created, again_created) == (True, False)
    assert again.pk == first.pk
    assert len(kie.calls) == 1


def test_replay_of_a_failed_start_returns_the_failed_task_and_never_resubmits(kie):
    kie.post(VEO_GENERATE_URL, json=kie_fixture("insufficient_credits"))
    user, idea = make_staff_user(), make_idea()
    request = {"user": user, "idea_id": idea.pk, "idempotency_key": "k"}
    with pytest.raises(InsufficientCredits):
        _start(**request)

    task, created = _start(**request)

    assert (task.state, created) == (State.FAILED, False)
    assert len(kie.calls) == 1


def test_same_key_with_a_different_request_is_a_conflict(kie):
    _veo_created(kie)
    user, idea = make_staff_user(), make_idea()
    _start(user=user, idea_id=idea.pk, idempotency_key="abc-123")

    with pytest.raises(IdempotencyConflict) as caught:
        _start(user=user, idea_id=idea.pk, idempotency_key="abc-123", prompt="Another prompt")

    assert caught.value.http_status == 409
    assert len(kie.calls) == 1


def test_same_key_from_another_user_starts_its_own_task(kie):
    _veo_created(kie, "veo_a")
    _veo_created(kie, "veo_b")
    idea = make_idea()

    first, _ = _start(idea_id=idea.pk, idempotency_key="shared")
    second, created = _start(idea_id=idea.pk, idempotency_key="shared")

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

    task, created = _start(user=user, idea_id=idea.pk, idempotency_key="race")

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
    ],
)
def test_invalid_request_names_the_field_and_starts_nothing(kie, overrides, field):
    with pytest.raises(ValidationFailed) as caught:
        _start(**overrides)

    assert field in caught.value.fields
    assert VideoTask.objects.count() == 0
    assert len(kie.calls) == 0


def test_start_refuses_when_budget_exceeded(kie):
    campaign = make_campaign(name="Spring", credit_budget=Decimal("100"))
    product = make_product(campaign=campaign)
    make_video_task(product=product, estimated_credits=Decimal("60"), state=State.GENERATING)

    with pytest.raises(BudgetExceeded) as caught:
        _start(idea_id=make_idea(product=product).pk, model_id="veo3_fast")

    assert "60" in caught.value.message and "100" in caught.value.message
    assert caught.value.http_status == 402
    assert VideoTask.objects.count() == 1
    assert len(kie.calls) == 0


def test_failed_tasks_do_not_count_against_the_budget(kie):
    _veo_created(kie)
    campaign = make_campaign(credit_budget=Decimal("120"))
    product = make_product(campaign=campaign)
    make_video_task(product=product, estimated_credits=Decimal("60"), state=State.SUCCESS)
    make_video_task(product=product, estimated_credits=Decimal("500"), state=State.FAILED)

    task, created = _start(idea_id=make_idea(product=product).pk, model_id="veo3_fast")

    assert created and task.estimated_credits == Decimal("60")


# --- Kie refusing or not answering ------------------------------------------------------------


def test_insufficient_credits_fails_the_task(kie):
    kie.post(VEO_GENERATE_URL, json=kie_fixture("insufficient_credits"))

    with pytest.raises(InsufficientCredits) as caught:
        _start()

    task = VideoTask.objects.get()
    assert (task.state, task.error_code) == (State.FAILED, "402")
    assert "top up" in task.error_message
    assert caught.value.extra["taskId"] == task.pk


def test_rate_limited_start_fails_the_task_and_says_retry_later(kie):
    kie.post(VEO_GENERATE_URL, status=429, json={"code": 429, "msg": "Too many requests"})

    with pytest.raises(RateLimited):
        _start()

    assert VideoTask.objects.get().state == State.FAILED


def test_read_timeout_marks_task_unknown_and_never_sends_twice(kie):
    kie.post(VEO_GENERATE_URL, body=requests.ReadTimeout("read timed out"))

    with pytest.raises(KieUnavailable) as caught:
        _start()

    task = VideoTask.objects.get()
    assert task.state == State.UNKNOWN
    assert task.error_message
    assert len(kie.calls) == 1
    assert "unknown" in caught.value.message


def test_model_unavailable_upstream_names_alternatives(kie, settings):
    settings.KIE_UNAVAILABLE_MODELS = {"kling-2.6/image-to-video": "Retired"}
    kie.post(VEO_GENERATE_URL, json={"code": 404, "msg": "Model not found", "data": None})

    with pytest.raises(ModelUnavailable) as caught:
        _start(model_id="veo3_fast")

    message = caught.value.message
    assert message.startswith("Veo 3.1 Fast is unavailable upstream (Kie: Model not found).")
    assert "Veo 3.1 Quality (veo3)" in message
    assert "veo3" in caught.value.extra["alternatives"]
    assert "kling-2.6/image-to-video" not in caught.value.extra["alternatives"]
    assert VideoTask.objects.get().state == State.FAILED


# --- retry ---------------------------------------------------------------------------------------


def test_retry_starts_a_linked_task_with_the_same_request(kie):
    kie.post(VEO_GENERATE_URL, json=kie_fixture("insufficient_credits"))
    _veo_created(kie, "veo_retry")
    user = make_staff_user()
    with pytest.raises(InsufficientCredits):
        _start(user=user, options={"aspect_ratio": "9:16"}, image_urls=["https://x.example/a.png"])
    failed = VideoTask.objects.get()

    retried = retry_task(failed, user=user)

    assert retried.pk != failed.pk
    assert (retried.retry_of_id, retried.state, retried.kie_task_id) == (
        failed.pk,
        State.QUEUED,
        "veo_retry",
    )
    assert sent_json(kie.calls[1]) == sent_json(kie.calls[0])
    assert (retried.prompt, retried.options) == (failed.prompt, failed.options)


@pytest.mark.parametrize("state", [State.SUBMITTING, State.QUEUED, State.GENERATING, State.SUCCESS])
def test_only_failed_or_unknown_tasks_can_be_retried(kie, state):
    task = make_video_task(state=state)

    with pytest.raises(TaskNotRetryable, match=str(state)):
        retry_task(task, user=make_staff_user())

    assert len(kie.calls) == 0
