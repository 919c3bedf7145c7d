"""The dashboard in a real browser: its look at desktop and phone width, and its live task list."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from campaigns.models import VideoTask
from tests.factories import make_campaign, make_idea, make_product, make_video_task

from .conftest import DESKTOP, PHONE, save_screenshot

State = VideoTask.State
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _some_tasks() -> None:
    campaign = make_campaign(name="Summer launch")
    bottle = make_product(name="Trail bottle", campaign=campaign)
    lamp = make_product(name="Desk lamp", campaign=campaign)
    rows = [
        (bottle, "Refill at the source", "veo3_fast", State.GENERATING),
        (bottle, "A day in one bottle", "kling-2.6/image-to-video", State.SUCCESS),
        (lamp, "Late-night focus", "sora-2-pro-image-to-video", State.FAILED),
        (lamp, "Golden hour desk", "veo3", State.QUEUED),
        (bottle, "Summit sunrise", "veo3_fast", State.UNKNOWN),
    ]
    for product, title, model_id, state in rows:
        idea = make_idea(product=product, title=title)
        make_video_task(idea=idea, model_id=model_id, state=state, estimated_credits=60)


def test_dashboard_fits_desktop_and_phone_without_sideways_scrolling(page: Page) -> None:
    _some_tasks()

    page.goto("/")
    expect(page).to_have_title("Dashboard · AdStudio")
    expect(page.locator("#recent-tasks .badge--generating")).to_have_text("Generating")
    assert page.evaluate("typeof htmx") == "object"  # vendored static files are served
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    save_screenshot(page, "dashboard-desktop")
    page.set_viewport_size(PHONE)
    page.reload()

    expect(page.get_by_role("link", name="Tasks")).to_be_visible()
    expect(page.locator("#recent-tasks .badge--failed")).to_have_text("Failed")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)


def test_dashboard_without_products_says_to_create_one(page: Page) -> None:
    page.goto("/")

    expect(page.get_by_role("heading", name="Create your first product")).to_be_visible()
    save_screenshot(page, "dashboard-empty")
    page.get_by_role("main").get_by_role("link", name="New product").last.click()
    expect(page).to_have_title("New product · AdStudio")
    expect(page.get_by_role("link", name="New product", exact=True).first).to_have_attribute(
        "aria-current", "page"
    )


def test_dashboard_task_list_updates_without_reload_and_then_stops(page: Page) -> None:
    task = make_video_task(idea=make_idea(title="Refill at the source"), state=State.GENERATING)
    page.goto("/")
    expect(page.locator("#recent-tasks")).to_have_attribute("hx-trigger", "every 3s")

    VideoTask.objects.filter(pk=task.pk).update(state=State.SUCCESS)
    # 286 tells htmx to stop polling: nothing shown is in flight any more.
    with page.expect_response(lambda r: r.url.endswith("/dashboard/tasks") and r.status == 286):
        expect(page.locator("#recent-tasks .badge--success")).to_have_text("Success")

    expect(page.locator("#recent-tasks")).not_to_have_attribute("hx-trigger", re.compile(".*"))
    expect(page.get_by_text("Updating live")).to_have_count(0)


def test_user_menu_opens_with_the_keyboard_and_shows_focus(page: Page) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto("/")

    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.get_by_label("Account menu for maya").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
