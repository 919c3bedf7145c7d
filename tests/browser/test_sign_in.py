"""Signing in and out in a real browser, and who is let in."""

from __future__ import annotations

import re

from playwright.sync_api import Page, Route, expect

from tests.factories import make_staff_user

from .conftest import PHONE, STAFF_PASSWORD, STAFF_USERNAME, login_through_form, save_screenshot


def test_login_page_has_adstudios_look_and_signs_staff_in(anon_page: Page, staff_user) -> None:
    anon_page.goto("/login")

    expect(anon_page).to_have_title("Sign in · AdStudio")
    expect(anon_page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(anon_page.get_by_text("From one product photo to finished video ads.")).to_be_visible()
    expect(anon_page.get_by_text("Django administration")).to_have_count(0)
    anon_page.set_viewport_size(PHONE)
    save_screenshot(anon_page, "login-phone")
    login_through_form(anon_page, STAFF_USERNAME, STAFF_PASSWORD)

    expect(anon_page).to_have_title("Dashboard · AdStudio")
    expect(anon_page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()


def test_wrong_password_is_explained_on_the_login_page(anon_page: Page, staff_user) -> None:
    anon_page.goto("/login")
    anon_page.get_by_label("Username").fill(STAFF_USERNAME)
    anon_page.get_by_label("Password").fill("not-the-password")
    anon_page.get_by_role("button", name="Sign in").click()

    expect(anon_page.get_by_role("alert")).to_contain_text("don't match a staff account")
    expect(anon_page.get_by_label("Username")).to_have_value(STAFF_USERNAME)


def test_sign_out_from_the_user_menu_returns_to_the_login_page(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Account menu for maya").click()
    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("You're signed out.")).to_be_visible()
    page.goto("/")
    expect(page).to_have_title("Sign in · AdStudio")


def test_anonymous_visitor_signs_in_and_lands_where_they_were_going(
    anon_page: Page, staff_user
) -> None:
    anon_page.goto("/styleguide")

    assert anon_page.url.endswith("/login?next=/styleguide")
    login_through_form(anon_page, STAFF_USERNAME, STAFF_PASSWORD)
    assert anon_page.url.endswith("/styleguide")
    expect(anon_page.get_by_role("heading", name="Design system", level=1)).to_be_visible()


def test_non_staff_user_is_refused_with_a_way_to_sign_out(anon_page: Page) -> None:
    make_staff_user(username="guest", is_staff=False, password="guest-password")

    login_through_form(anon_page, "guest", "guest-password")

    expect(anon_page).to_have_title("Staff only · AdStudio")
    expect(anon_page.get_by_role("heading", name="This area is for AdStudio staff")).to_be_visible()
    save_screenshot(anon_page, "refused")
    anon_page.get_by_role("button", name="Sign out").click()
    expect(anon_page).to_have_title("Sign in · AdStudio")


def test_a_second_submit_while_the_first_is_on_its_way_is_ignored(
    anon_page: Page, staff_user
) -> None:
    # Chromium itself merges two clicks in one instant; the real double submit is a second click
    # (or Enter) while the first request is travelling, so the browser's POSTs are held here.
    held: list[Route] = []
    anon_page.route("**/login", lambda route: _hold_posts(route, held))
    anon_page.goto("/login")
    anon_page.get_by_label("Username").fill(STAFF_USERNAME)
    anon_page.get_by_label("Password").fill(STAFF_PASSWORD)

    with anon_page.expect_console_message(lambda message: message.text == "second try done"):
        anon_page.evaluate(CLICK_TWICE)
    for route in list(held):
        route.continue_()

    expect(anon_page).to_have_title("Dashboard · AdStudio")
    assert len(held) == 1


# Playwright can't evaluate in a page whose navigation is pending, so the page clicks for itself.
CLICK_TWICE = """() => {
    const button = document.querySelector("main form button[type=submit]");
    button.click();
    setTimeout(() => {
        button.click();
        button.form.requestSubmit();
        console.log("second try done");
    }, 100);
}"""


def _hold_posts(route: Route, held: list[Route]) -> None:
    if route.request.method == "POST":
        held.append(route)
    else:
        route.continue_()
