"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Fixtures:
- `browser` (per process, so per xdist worker): headless chromium at /usr/bin/chromium.
- `page`: a tab signed in as the staff user `staff_user` (signed in through the real login form
  once per process; later tests reuse that browser storage state).
- `anon_page`: a tab with no session.
- `new_page(storage_state=None)`: more tabs, e.g. a second user.
Every page's final state is saved as `tests/browser/screenshots/<test name>.png` (set
BROWSER_SCREENSHOTS_DIR to put them elsewhere); `save_screenshot(page, name)` saves one mid-test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests.factories import make_staff_user

CHROMIUM = "/usr/bin/chromium"
# The machine's network is closed: every background connection chromium tries would hang or fail.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
SCREENSHOTS = Path(
    os.environ.get("BROWSER_SCREENSHOTS_DIR", Path(__file__).resolve().parent / "screenshots")
)
STAFF_USERNAME = "maya"
STAFF_PASSWORD = "browser-test-password"
# Playwright waits at most this long for an element or a page: a broken page fails fast.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (.ci/run does this)")
    # Playwright's sync API keeps an event loop marked as running in this thread from here on, and
    # Django refuses ORM calls when it sees one (a guard for async views). That loop only drives
    # the browser, so the guard is switched off for the rest of this test process.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _file_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") + ".png"


def save_screenshot(page: Page, name: str) -> Path:
    """Save the whole page as `<screenshots>/<name>.png` and return the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / _file_name(name)
    page.screenshot(path=str(path), full_page=True, timeout=5_000)
    return path


@pytest.fixture
def new_page(
    browser: Browser, live_server: Any, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Page]]:
    """Open tabs at the live server; each one's final state is screenshotted after the test."""
    opened: list[tuple[BrowserContext, Page]] = []

    def open_page(storage_state: dict | None = None) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=DESKTOP,
            storage_state=storage_state,
            locale="en-US",
            timezone_id="UTC",
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        opened.append((context, page))
        return page

    yield open_page
    for index, (context, page) in enumerate(opened):
        suffix = f"-{index + 1}" if index else ""
        try:
            save_screenshot(page, request.node.name + suffix)
        except PlaywrightError:  # a page stuck mid-navigation by a failing test: keep its error
            pass
        context.close()


@pytest.fixture
def anon_page(new_page: Callable[..., Page]) -> Page:
    return new_page()


@dataclass(frozen=True)
class SavedLogin:
    """What a sign-in left behind, to put back after the live server's database is flushed."""

    user_row: dict[str, Any]
    session_row: dict[str, Any]
    storage_state: dict[str, Any]


_saved_login: SavedLogin | None = None  # one per process (per xdist worker)


def login_through_form(page: Page, username: str, password: str) -> None:
    """Sign in on the login page (opened unless the page is on it already, e.g. with ?next=)."""
    if "/login" not in page.url:
        page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def _save_login(page: Page, user: Any) -> SavedLogin:
    state = page.context.storage_state()
    session_key = next(c["value"] for c in state["cookies"] if c["name"] == "sessionid")
    user_model = get_user_model()
    return SavedLogin(
        user_row=user_model.objects.filter(pk=user.pk).values().get(),
        session_row=Session.objects.filter(pk=session_key).values().get(),
        storage_state=state,
    )


@pytest.fixture
def staff_user(live_server: Any) -> Any:
    """The staff user `page` is signed in as (the same row, password and session every test)."""
    if _saved_login is None:
        return make_staff_user(
            username=STAFF_USERNAME, first_name="Maya", last_name="Lopez", password=STAFF_PASSWORD
        )
    user = get_user_model().objects.create(**_saved_login.user_row)
    Session.objects.create(**_saved_login.session_row)
    return user


@pytest.fixture
def page(new_page: Callable[..., Page], staff_user: Any) -> Page:
    global _saved_login
    if _saved_login is None:
        first = new_page()
        login_through_form(first, STAFF_USERNAME, STAFF_PASSWORD)
        _saved_login = _save_login(first, staff_user)
        return first
    return new_page(storage_state=_saved_login.storage_state)
