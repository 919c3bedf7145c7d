"""Make videos: choose models and options, review prompts and price, start each job once."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from campaigns.models import JobState, VideoPrompt, VideoTask
from tests.factories import make_campaign, make_idea, make_product, make_video_prompt

pytestmark = pytest.mark.django_db

KLING = "kling-2.6/image-to-video"
MOTION = "kling-2.6/motion-control"


@pytest.fixture
def idea():
    return make_idea(title="Refill at the source", suggested_model="veo3_fast")


def _make_url(idea) -> str:
    return f"/products/{idea.product_id}/make?ideas={idea.pk}"


def _choose(staff, idea, models, **fields):
    data = {"ideas": [idea.pk], "models": models, "draft": "draft-1"} | fields
    return staff.post(f"/products/{idea.product_id}/make", data)


def test_make_videos_without_picked_ideas_goes_back_saying_what_to_do(staff, idea):
    response = staff.get(f"/products/{idea.product_id}/make", follow=True)

    assert response.redirect_chain[-1][0] == f"/products/{idea.product_id}#ideas"
    assert "Pick at least one idea first" in response.content.decode()


def test_models_page_preselects_the_suggested_model_and_each_options_default(staff, idea):
    page = staff.get(_make_url(idea)).content.decode()

    assert '<input type="checkbox" name="models" value="veo3_fast" checked>' in page
    assert f'<input type="checkbox" name="models" value="{KLING}">' in page
    assert f'<select id="model-kling-2-6-image-to-video-duration" name="opt.{KLING}.duration"' in (
        page
    )
    assert '<option value="5" selected>5 seconds</option>' in page
    assert f'<input type="checkbox" name="opt.{KLING}.sound" value="true">' in page
    assert "upload_method" not in page  # sent with its default, never asked


def test_unavailable_model_is_shown_disabled_with_the_reason_and_alternatives(
    staff, idea, settings
):
    settings.KIE_UNAVAILABLE_MODELS = {"veo3": "Retired upstream"}

    page = staff.get(_make_url(idea)).content.decode()

    assert 'value="veo3" disabled aria-describedby="model-veo3-why"' in page
    assert "Unavailable: Retired upstream. Use Veo 3.1 Fast" in page


def test_choosing_no_model_says_so_above_the_form(staff, idea):
    response = _choose(staff, idea, [])

    assert response.status_code == 400
    assert "Pick at least one model to make the videos with." in response.content.decode()
    assert not VideoPrompt.objects.exists()


def test_an_invalid_option_value_is_named_beside_its_field(staff, idea):
    response = _choose(staff, idea, [KLING], **{f"opt.{KLING}.duration": "7"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "must be one of &quot;5&quot;, &quot;10&quot; (got &quot;7&quot;)" in page
    assert not VideoPrompt.objects.exists()


def test_motion_control_asks_for_its_reference_video(staff, idea):
    response = _choose(staff, idea, [MOTION], video_url="")

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_video_url_error"' in page
    assert "copies the moves of a reference video: paste its http(s) link." in page


def test_a_model_made_unavailable_meanwhile_is_refused_with_the_reason(staff, idea, settings):
    settings.KIE_UNAVAILABLE_MODELS = {"veo3": "Retired upstream"}

    response = _choose(staff, idea, ["veo3"])

    assert response.status_code == 400
    assert "Veo 3.1 Quality is unavailable: Retired upstream." in response.content.decode()


def test_chosen_models_get_one_background_prompt_per_idea_and_model(staff, idea):
    second = make_idea(product=idea.product)
    data = {"ideas": [idea.pk, second.pk], "models": ["veo3_fast", KLING], "draft": "d1"}
    data[f"opt.{KLING}.duration"] = "10"
    data[f"opt.{KLING}.sound"] = "true"

    response = staff.post(f"/products/{idea.product_id}/make", data)

    prompts = VideoPrompt.objects.all()
    assert prompts.count() == 4
    assert {p.state for p in prompts} == {JobState.PENDING}
    kling = prompts.filter(model_id=KLING).first()
    assert kling.options == {"duration": "10", "sound": True}
    query = parse_qs(urlsplit(response["Location"]).query)
    assert sorted(map(int, query["prompt"])) == sorted(p.pk for p in prompts)


def test_a_resent_models_form_writes_no_second_set_of_prompts(staff, idea):
    first = _choose(staff, idea, ["veo3_fast"])
    again = _choose(staff, idea, ["veo3_fast"])

    assert VideoPrompt.objects.count() == 1
    assert again["Location"] == first["Location"]


def _review(staff, product, *prompts, **params):
    query = "&".join(f"prompt={p.pk}" for p in prompts)
    extra = "".join(f"&{k}={v}" for k, v in params.items())
    return staff.get(f"/products/{product.pk}/make/review?{query}{extra}")


def test_review_shows_each_prompt_editable_with_its_limit_price_total_and_budget(staff):
    product = make_product(campaign=make_campaign(name="Summer", credit_budget=Decimal(200)))
    idea = make_idea(product=product, title="Refill at the source")
    veo = make_video_prompt(idea=idea, model_id="veo3_fast", options={"aspect_ratio": "9:16"})
    kling = make_video_prompt(
        idea=idea, model_id=KLING, options={"duration": "10", "sound": False}, text="Kling text"
    )

    page = _review(staff, product, veo, kling).content.decode()

    assert f'name="text.{veo.pk}" rows="7" data-limit="5000"' in page
    assert f'name="text.{kling.pk}" rows="7" data-limit="1000"' in page
    assert "Kling text" in page
    assert "60 credits" in page and "110 credits" in page
    assert '<td class="num price-total">170</td>' in page
    assert "<dd>200 of 200</dd>" in page  # budget left before
    assert "<dd>30</dd>" in page  # left after these videos
    assert "Start 2 videos · 170 credits" in page
    assert page.count('name="key.') == 2


def test_review_warns_when_the_videos_cost_more_than_the_budget_left(staff):
    product = make_product(campaign=make_campaign(credit_budget=Decimal(50)))
    prompt = make_video_prompt(idea=make_idea(product=product), model_id="veo3_fast")

    page = _review(staff, product, prompt).content.decode()

    assert "This is more than the campaign's budget allows" in page
    assert '<dd class="is-over">-10</dd>' in page


def test_a_prompt_still_being_written_polls_and_stops_once_written(staff):
    idea = make_idea()
    prompt = make_video_prompt(idea=idea, state=JobState.RUNNING, text="")

    page = _review(staff, idea.product, prompt).content.decode()
    writing = staff.get(f"/prompts/{prompt.pk}")
    VideoPrompt.objects.filter(pk=prompt.pk).update(state=JobState.DONE, text="Written now")
    written = staff.get(f"/prompts/{prompt.pk}")

    assert f'hx-get="/prompts/{prompt.pk}" hx-trigger="every 2s"' in page
    assert "Gemini is writing the prompt for Veo 3.1 Fast…" in page
    assert writing.status_code == 200
    assert written.status_code == 286 and "Written now" in written.content.decode()


def test_a_failed_prompt_says_why_and_lets_the_user_write_it(staff):
    idea = make_idea()
    prompt = make_video_prompt(
        idea=idea, state=JobState.FAILED, text="", error_message="Gemini is overloaded"
    )

    page = _review(staff, idea.product, prompt).content.decode()

    assert "Gemini couldn't write this prompt (Gemini is overloaded)" in page
    assert f'name="text.{prompt.pk}"' in page


def _start(staff, product, lines, *, follow=False):
    data = {"prompt": [p.pk for p, _ in lines]}
    for prompt, text in lines:
        data[f"key.{prompt.pk}"] = f"key-{prompt.pk}"
        if text is not None:
            data[f"text.{prompt.pk}"] = text
    return staff.post(f"/products/{product.pk}/make/start", data, follow=follow)


@pytest.fixture
def two_prompts():
    idea = make_idea(title="Refill at the source")
    veo = make_video_prompt(idea=idea, model_id="veo3_fast", options={"aspect_ratio": "16:9"})
    kling = make_video_prompt(idea=idea, model_id=KLING, options={"duration": "5", "sound": False})
    return idea.product, veo, kling


def test_start_makes_one_task_per_prompt_with_its_idempotency_key(staff, kie_sandbox, two_prompts):
    product, veo, kling = two_prompts

    response = _start(staff, product, [(veo, veo.text), (kling, kling.text)])

    assert response.status_code == 302 and response["Location"] == "/tasks"
    tasks = VideoTask.objects.order_by("model_id")
    assert [t.model_id for t in tasks] == [KLING, "veo3_fast"]
    assert {t.idempotency_key for t in tasks} == {f"key-{veo.pk}", f"key-{kling.pk}"}
    assert all(t.created_by == staff.user and t.prompt for t in tasks)
    page = staff.get(response["Location"]).content.decode()
    assert "2 videos started." in page


def test_a_second_click_or_resent_form_never_starts_a_job_twice(staff, kie_sandbox, two_prompts):
    product, veo, kling = two_prompts
    lines = [(veo, veo.text), (kling, kling.text)]

    _start(staff, product, lines)
    again = _start(staff, product, lines)

    assert VideoTask.objects.count() == 2
    creates = [path for method, path in kie_sandbox.request_log if method == "POST"]
    assert len(creates) == 2
    assert (
        "2 already started; nothing was started twice."
        in staff.get(again["Location"]).content.decode()
    )


def test_a_prompt_over_the_models_limit_is_refused_beside_it_and_nothing_starts(
    staff, kie_sandbox, two_prompts
):
    product, veo, kling = two_prompts

    response = _start(staff, product, [(veo, veo.text), (kling, "x" * 1001)])

    page = response.content.decode()
    assert response.status_code == 400
    assert f'id="text-{kling.pk}-error"' in page
    assert "accepts at most 1,000 characters; this prompt has 1,001. Shorten it by 1." in page
    assert f'value="key-{veo.pk}"' in page  # the same keys ride along on the next try
    assert not VideoTask.objects.exists()


def test_an_edited_prompt_is_the_one_sent_and_is_kept_in_the_history(
    staff, kie_sandbox, two_prompts
):
    product, veo, _ = two_prompts

    _start(staff, product, [(veo, "A bottle on a mossy rock, slow orbit, morning mist.")])

    task = VideoTask.objects.get()
    assert task.prompt == "A bottle on a mossy rock, slow orbit, morning mist."
    assert kie_sandbox.tasks[task.kie_task_id].request["prompt"] == task.prompt
    kept = VideoPrompt.objects.get(source=VideoPrompt.Source.USER)
    assert (kept.text, kept.created_by) == (task.prompt, staff.user)


def test_a_prompt_still_being_written_starts_as_waiting_for_its_prompt(staff, kie_sandbox):
    idea = make_idea()
    writing = make_video_prompt(idea=idea, state=JobState.RUNNING, text="")

    _start(staff, idea.product, [(writing, None)])

    task = VideoTask.objects.get()
    assert (task.state, task.needs_prompt) == (VideoTask.State.PENDING, True)


def test_a_job_over_the_budget_is_refused_in_words_and_the_review_stays(staff, kie_sandbox):
    product = make_product(campaign=make_campaign(name="Tiny", credit_budget=Decimal(10)))
    prompt = make_video_prompt(idea=make_idea(product=product), model_id="veo3_fast")

    response = _start(staff, product, [(prompt, prompt.text)], follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(f"/products/{product.pk}/make/review?")
    assert "campaign &#x27;Tiny&#x27; has 0 of its 10 credit budget committed" in page
    assert not VideoTask.objects.exists()


def test_kies_refusal_is_shown_and_the_failed_task_is_on_the_board(staff, kie_sandbox, two_prompts):
    kie_sandbox.set_faults(
        create_error={"code": 402, "msg": "The current credits are insufficient."}
    )
    product, veo, _ = two_prompts

    response = _start(staff, product, [(veo, veo.text)], follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/tasks"
    assert "The current credits are insufficient." in page
    assert "Top up Kie credits at kie.ai, then try again." in page
    assert VideoTask.objects.get().state == VideoTask.State.FAILED
