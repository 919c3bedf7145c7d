"""The design system's behaviours (portal.js, dropzone.js) on the /styleguide page."""

from __future__ import annotations

import base64
import re

from playwright.sync_api import Page, expect

from tests.factories import image_bytes

from .conftest import PHONE, save_screenshot

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
DROP_FILE = """(b64) => {
    const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], "dropped.png", {type: "image/png"}));
    return transfer;
}"""


def test_styleguide_shows_every_component_and_fits_a_phone(page: Page) -> None:
    page.goto("/styleguide")
    expect(page).to_have_title("Design system · AdStudio")
    for state in ("Pending", "Submitting", "Queued", "Generating", "Success", "Failed", "Unknown"):
        expect(page.locator(".badge", has_text=state).first).to_be_visible()
    save_screenshot(page, "styleguide-desktop")

    page.set_viewport_size(PHONE)
    page.reload()

    assert page.evaluate(NO_SIDEWAYS_SCROLL)


def test_dropzone_previews_a_picked_image_before_sending(page: Page) -> None:
    page.goto("/styleguide")

    page.locator("input[name=sg-image]").set_input_files(
        {"name": "bottle.png", "mimeType": "image/png", "buffer": image_bytes(size=(64, 48))}
    )

    expect(page.locator(".dropzone-preview")).to_be_visible()
    expect(page.locator(".dropzone-preview")).to_have_attribute("src", re.compile("^blob:"))
    expect(page.locator(".dropzone-file")).to_contain_text("bottle.png")


def test_dropping_an_image_on_the_dropzone_fills_its_file_input(page: Page) -> None:
    page.goto("/styleguide")
    payload = base64.b64encode(image_bytes()).decode()
    transfer = page.evaluate_handle(DROP_FILE, payload)

    page.dispatch_event(".dropzone", "dragenter", {"dataTransfer": transfer})
    expect(page.locator(".dropzone")).to_have_class(re.compile("is-dragover"))
    page.dispatch_event(".dropzone", "drop", {"dataTransfer": transfer})

    assert page.evaluate("document.querySelector('[name=sg-image]').files[0].name") == "dropped.png"
    expect(page.locator(".dropzone-file")).to_contain_text("dropped.png")
    expect(page.locator(".dropzone")).not_to_have_class(re.compile("is-dragover"))


def test_a_message_can_be_dismissed(page: Page) -> None:
    page.goto("/styleguide")
    messages = page.locator("main .message")
    before = messages.count()

    page.get_by_role("button", name="Dismiss message").first.click()

    expect(messages).to_have_count(before - 1)


def test_prompt_counter_warns_past_the_models_limit(page: Page) -> None:
    page.goto("/styleguide")

    page.get_by_label("Prompt").fill("x" * 130)

    expect(page.locator(".char-count")).to_have_text("130 / 120 characters")
    expect(page.locator(".char-count")).to_have_class("char-count is-over")
