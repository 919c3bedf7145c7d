"""The whole job in a real browser against the Kie sandbox: photo → ideas → prompts and price →
Veo and Kling videos made while the page watches → play → download; and a failure retried.

The sandbox moves a task one state per status read; the worker (tests/browser/worker.py) reads
on its usual schedule while the page polls the live server, exactly as in production.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from campaigns.models import IdeaBatch, JobState, Product, VideoTask
from tests.api.sandbox_helpers import SAMPLE_MP4
from tests.factories import make_campaign, make_idea, make_product, make_video_prompt

from .conftest import SCREENSHOTS, save_screenshot
from .worker import DATABASE_TURN, product_photo, serialize_database_use, work_until

pytestmark = pytest.mark.serial

KLING = "kling-2.6/image-to-video"
CSP_REFUSAL = re.compile(r"Content Security Policy|Refused to (execute|apply|load)", re.I)


@pytest.fixture(autouse=True)
def _one_database_user_at_a_time(live_server) -> None:
    serialize_database_use(live_server)


def save_view(page: Page, name: str) -> Path:
    """The visible part of the page (not the whole length): what the README shows."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def csp_refusals(page: Page) -> list[str]:
    refusals: list[str] = []
    page.on("console", lambda m: refusals.append(m.text) if CSP_REFUSAL.search(m.text) else None)
    return refusals


def scroll_to(page: Page, selector: str) -> None:
    # Below the sticky header, with a little room above.
    page.locator(selector).evaluate(
        "el => { el.scrollIntoView();"
        " window.scrollBy(0, -document.querySelector('.site-header').offsetHeight - 20); }"
    )


def test_from_a_product_photo_to_playing_and_downloading_a_veo_and_a_kling_video(
    page: Page, kie_sandbox
) -> None:
    refusals = csp_refusals(page)
    make_campaign(name="Summer launch", credit_budget=2000)

    # New product: a photo, a name, a campaign; "Generate ideas".
    page.goto("/products/new")
    page.locator("input[name=image]").set_input_files(
        files=[{"name": "trail-bottle.png", "mimeType": "image/png", "buffer": product_photo()}]
    )
    expect(page.locator(".dropzone-preview")).to_be_visible()
    page.get_by_label("Product name").fill("Trail bottle")
    page.get_by_label("Notes for the ideas").fill("Steel, keeps water cold for 24 hours.")
    page.get_by_label("Campaign").select_option(label="Summer launch")
    page.get_by_role("button", name="Generate ideas").click()

    # Gemini works in the background; the page shows progress, then the ten cards.
    expect(page.get_by_text("Writing ten ideas for Trail bottle…")).to_be_visible()
    page.evaluate("window.neverReloaded = true")
    cards = page.locator(".idea-card")
    work_until(page, lambda: cards.count() == 10, what="ten idea cards")
    expect(cards).to_have_count(10)
    assert page.evaluate("window.neverReloaded") is True
    for card in (cards.nth(0), cards.nth(1)):
        expect(card.locator(".idea-card-title")).not_to_be_empty()
        expect(card.locator(".idea-card-hook")).to_be_visible()
        card.get_by_role("checkbox").check()
    scroll_to(page, "#ideas")
    save_view(page, "ideas")
    page.get_by_role("button", name="Make videos").click()

    # Models: Veo 3.1 Fast and Kling 2.6, Kling's options at their defaults.
    expect(page).to_have_title(re.compile("^Make videos"))
    for box in page.locator("input[name=models]:checked").all()[::-1]:
        box.uncheck()
    page.locator("input[name=models][value=veo3_fast]").check()
    page.locator(f"input[name=models][value='{KLING}']").check()
    kling = page.locator("#model-kling-2-6-image-to-video")
    expect(kling.get_by_label("Length (seconds)")).to_have_value("5")
    page.get_by_role("button", name="Write the prompts").click()

    # Review: four prompts (two ideas × two models) written in the background, and the price.
    textareas = page.locator(".prompt-line textarea")
    work_until(page, lambda: textareas.count() == 4, what="four written prompts")
    expect(page.locator(".price-total")).to_have_text("230")
    expect(page.locator(".budget-lines")).to_contain_text("2,000 of 2,000")
    expect(page.locator(".budget-lines")).to_contain_text("1,770")
    expect(page.get_by_text("/ 1000 characters").first).to_be_visible()
    save_view(page, "make-videos-price")
    start = page.get_by_role("button", name="Start 4 videos · 230 credits")
    start.dblclick()  # a double click must not start anything twice

    # The task board: the four tiles move to success by themselves.
    expect(page).to_have_url(re.compile(r"/tasks$"))
    expect(page.get_by_text("4 videos started.")).to_be_visible()
    page.evaluate("window.neverReloaded = true")
    finished = page.locator(".task-tile--success")
    work_until(page, lambda: finished.count() == 4, what="four finished videos", seconds=120)
    assert page.evaluate("window.neverReloaded") is True
    with DATABASE_TURN:
        models = sorted(VideoTask.objects.values_list("model_id", flat=True))
    assert models == [KLING, KLING, "veo3_fast", "veo3_fast"]
    expect(page.locator("#board-summary")).not_to_have_attribute("hx-trigger", re.compile(".*"))

    # Play one inline, then download it.
    tile = finished.filter(has_text="Veo 3.1 Fast").first
    video = tile.locator("video")
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("v => v.currentTime > 0.5", arg=video.element_handle())
    video.evaluate("v => v.pause()")
    scroll_to(page, "#board-summary")
    save_view(page, "task-board")
    with page.expect_download() as download_info:
        tile.get_by_role("link", name="Download", exact=True).click()
    download = download_info.value
    assert re.fullmatch(r"trail-bottle-veo3_fast-vt_[0-9a-f]{16}\.mp4", download.suggested_filename)
    assert Path(download.path()).read_bytes() == SAMPLE_MP4

    # The product page shows the same idea made by both models side by side.
    with DATABASE_TURN:
        product = Product.objects.get()
    page.goto(f"/products/{product.pk}#videos")
    expect(page.locator(".video-group").first.locator(".task-tile")).to_have_count(2)
    assert refusals == []


def test_a_failed_video_shows_kies_reason_and_a_working_retry(page: Page, kie_sandbox) -> None:
    product = make_product(name="Desk lamp", image=_uploaded_photo())
    IdeaBatch.objects.create(product=product, number=1, state=JobState.DONE)
    idea = make_idea(product=product, title="Late-night focus")
    prompt = make_video_prompt(idea=idea, model_id=KLING, options={"duration": "5"})
    kie_sandbox.set_faults(fail_tasks={"code": "422", "msg": "Invalid prompt: names a real person"})

    page.goto(f"/products/{product.pk}/make/review?prompt={prompt.pk}")
    page.get_by_role("button", name="Start 1 video · 55 credits").click()
    failed = page.locator(".task-tile--failed")
    work_until(page, lambda: failed.count() == 1, what="the failed video")
    expect(failed).to_contain_text("Kie refused the prompt or the photo.")
    expect(failed).to_contain_text("Kie.ai said: “Invalid prompt: names a real person”")
    save_screenshot(page, "task-board-failure")

    kie_sandbox.set_faults(fail_tasks=None)
    failed.get_by_role("button", name="Retry").click()
    expect(page.get_by_text(re.compile(r"Retry started as a new task"))).to_be_visible()
    finished = page.locator(".task-tile--success")
    work_until(page, lambda: finished.count() == 1, what="the retried video finished")
    with DATABASE_TURN:
        retry = VideoTask.objects.select_related("retry_of").get(retry_of__isnull=False)
    assert (retry.state, retry.retry_of.state) == (VideoTask.State.SUCCESS, VideoTask.State.FAILED)
    page.goto("/tasks")
    expect(page.locator(".task-tile--failed")).to_have_count(1)
    expect(page.locator(".task-tile--success")).to_have_count(1)


def _uploaded_photo():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("lamp.png", product_photo(), content_type="image/png")
