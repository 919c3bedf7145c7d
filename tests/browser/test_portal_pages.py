"""Every portal page at phone width, and picking ideas with the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from campaigns.models import IdeaBatch, JobState, VideoTask
from tests.factories import (
    make_campaign,
    make_idea,
    make_product,
    make_video_prompt,
    make_video_task,
)

from .conftest import PHONE, save_screenshot
from .worker import serialize_database_use

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
State = VideoTask.State


@pytest.fixture(autouse=True)
def _one_database_user_at_a_time(live_server) -> None:
    serialize_database_use(live_server)


def _a_product_with_everything() -> dict[str, object]:
    campaign = make_campaign(name="Summer launch", credit_budget=1000)
    product = make_product(name="Trail bottle with a rather long name", campaign=campaign)
    IdeaBatch.objects.create(product=product, number=1, state=JobState.DONE)
    ideas = [make_idea(product=product, title=f"Refill at the source, take {n}") for n in range(10)]
    for state in (State.SUCCESS, State.FAILED, State.UNKNOWN, State.PENDING):
        make_video_task(idea=ideas[0], state=state, error_message="Invalid prompt: restricted")
    prompt = make_video_prompt(idea=ideas[0], model_id="kling-2.6/image-to-video", options={})
    return {
        "product": product.pk,
        "campaign": campaign.pk,
        "idea": ideas[0].pk,
        "prompt": prompt.pk,
    }


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/products",
        "/products/new",
        "/products/{product}",
        "/products/{product}/make?ideas={idea}",
        "/products/{product}/make/review?prompt={prompt}",
        "/tasks",
        "/campaigns",
        "/campaigns/{campaign}",
        "/campaigns/new",
    ],
)
def test_page_fits_a_phone_without_sideways_scrolling(page: Page, path: str) -> None:
    url = path.format(**_a_product_with_everything())
    page.set_viewport_size(PHONE)

    page.goto(url)

    expect(page.locator("h1")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    save_screenshot(page, "phone" + url.split("?")[0].replace("/", "-"))


def test_ideas_are_picked_and_sent_with_the_keyboard_alone(page: Page) -> None:
    rows = _a_product_with_everything()
    page.goto(f"/products/{rows['product']}")

    first = page.locator(".idea-card-check").first
    first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.locator(".idea-card-check:checked")).to_have_count(2)
    outline = page.evaluate(
        "getComputedStyle(document.activeElement.closest('.idea-card')).outlineStyle"
    )
    assert outline != "none"
    page.get_by_role("button", name="Make videos").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_title(f"Make videos · {'Trail bottle with a rather long name'} · AdStudio")
    expect(page.locator("input[name=ideas]")).to_have_count(2)
