"""docs/frontend-example.html, served from a second origin, drives the API in a real browser.

The page is served by a tiny static server on its own port; the API is the live server, which
lists that origin in CORS_ALLOWED_ORIGINS. The sandbox moves a task one state per status read and
GET /api/video asks Kie on every poll (KIE_POLL_MIN_INTERVAL=0), so the page's own polling takes
the job to the end, as a frontend's would.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect
from rest_framework.authtoken.models import Token

from campaigns.models import Product, VideoTask
from tests.api.sandbox_helpers import SAMPLE_MP4, image_url
from tests.factories import make_staff_user

from .conftest import save_screenshot

DOCS = Path(__file__).resolve().parents[2] / "docs"


class _QuietDocsHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def example_origin() -> Iterator[str]:
    """docs/ served over http from 127.0.0.1 on a port of its own: another origin than the API."""
    handler = functools.partial(_QuietDocsHandler, directory=str(DOCS))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@dataclass(frozen=True)
class Frontend:
    page: Page
    api_base: str
    token: str
    requested: list[str]  # every URL the page asked for, from its first load on


@pytest.fixture
def frontend(new_page, live_server: Any, example_origin: str, settings) -> Frontend:
    """The example page open on its own origin, which the API allows."""
    assert not live_server.url.startswith(example_origin)
    settings.CORS_ALLOWED_ORIGINS = [example_origin]
    settings.KIE_POLL_MIN_INTERVAL = 0
    token = Token.objects.create(user=make_staff_user(username="frontend-dev")).key
    page = new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{example_origin}/frontend-example.html")
    return Frontend(page=page, api_base=live_server.url, token=token, requested=requested)


def origin_of(url: str) -> str:
    if url.startswith("blob:"):  # the downloaded video, offered from memory
        return "blob:"
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def connect(frontend: Frontend, *, max_polls: int = 30) -> None:
    page = frontend.page
    page.get_by_label("API base URL").fill(frontend.api_base)
    page.get_by_label("API token").fill(frontend.token)
    page.get_by_label("Poll every (seconds)").fill("0.2")
    page.get_by_label("Give up after (polls)").fill(str(max_polls))


def get_ideas(page: Page, sandbox: Any) -> None:
    page.get_by_label("Product photo URL").fill(image_url(sandbox))
    page.get_by_label("Product name (optional)").fill("Trail Bottle")
    page.get_by_role("button", name="Get 10 ideas").click()


def write_prompt(page: Page, model: str = "veo3_fast") -> None:
    expect(page.get_by_role("radio")).to_have_count(10)
    page.get_by_role("radio").nth(1).check()
    page.get_by_label("Video model").select_option(model)
    page.get_by_role("button", name="Write the prompt").click()
    expect(page.get_by_label("Video prompt")).not_to_have_value("")


def test_example_page_on_another_origin_runs_photo_to_downloaded_video(frontend, kie_sandbox):
    page = frontend.page
    connect(frontend)
    get_ideas(page, kie_sandbox)
    write_prompt(page)
    save_screenshot(page, "frontend-example-prompt")
    page.get_by_label("Video prompt").press_sequentially(" End on the logo.")

    page.get_by_role("button", name="Start the video").click()

    expect(page.get_by_role("status")).to_have_text("success")
    link = page.get_by_role("link", name=re.compile(r"^Download .+\.mp4$"))
    expect(link).to_have_attribute("href", re.compile(r"^blob:"))
    with page.expect_download() as downloaded:
        link.click()
    assert Path(downloaded.value.path()).read_bytes() == SAMPLE_MP4
    task = VideoTask.objects.get()
    assert task.state == VideoTask.State.SUCCESS and task.idempotency_key
    assert task.prompt.endswith("End on the logo.")
    expect(page.get_by_text(task.public_id, exact=True)).to_be_visible()
    expect(page.get_by_role("alert")).to_be_hidden()
    # No CDN, no fonts: the page itself, the API, and the photo it was given.
    page_origin = origin_of(page.url)
    expected = {page_origin, frontend.api_base, kie_sandbox.base_url, "blob:"}
    assert {origin_of(url) for url in frontend.requested} <= expected


def test_example_page_is_refused_when_its_origin_is_not_allowed(frontend, settings):
    settings.CORS_ALLOWED_ORIGINS = []
    connect(frontend)
    frontend.page.get_by_label("Product photo URL").fill("https://example.com/bottle.jpg")

    frontend.page.get_by_role("button", name="Get 10 ideas").click()

    alert = frontend.page.get_by_role("alert")
    expect(alert).to_contain_text("Could not reach the API")
    expect(alert).to_contain_text("CORS_ALLOWED_ORIGINS")
    assert not Product.objects.exists()  # the browser stopped at the preflight


def test_example_page_shows_the_apis_error_message_and_hint(frontend, kie_sandbox):
    kie_sandbox.set_faults(chat_error={"code": 422, "msg": "Image unclear"})
    connect(frontend)

    get_ideas(frontend.page, kie_sandbox)

    alert = frontend.page.get_by_role("alert")
    expect(alert.locator("strong")).to_have_text("Image unclear")
    expect(alert).to_contain_text("use a different photo")
    expect(frontend.page.get_by_role("radio")).to_have_count(0)


def test_example_page_reports_a_wrong_token_with_the_apis_message(frontend, kie_sandbox):
    connect(frontend)
    frontend.page.get_by_label("API token").fill("not-a-real-token")

    get_ideas(frontend.page, kie_sandbox)

    expect(frontend.page.get_by_role("alert")).to_contain_text("Invalid token")


def test_example_page_stops_polling_when_the_video_fails(frontend, kie_sandbox):
    page = frontend.page
    connect(frontend)
    get_ideas(page, kie_sandbox)
    write_prompt(page, model="kling-2.6/image-to-video")
    kie_sandbox.set_faults(fail_tasks={"code": "500", "msg": "Internal generation error"})

    page.get_by_role("button", name="Start the video").click()

    expect(page.get_by_role("status")).to_have_text("failed")
    expect(page.get_by_role("alert")).to_contain_text("start again")
    expect(page.get_by_role("link", name=re.compile("^Download"))).to_be_hidden()
    expect(page.get_by_role("button", name="Check again")).to_be_hidden()


def test_example_page_gives_up_after_its_polls_and_can_check_again(frontend, kie_sandbox):
    page = frontend.page
    connect(frontend, max_polls=1)
    get_ideas(page, kie_sandbox)
    write_prompt(page)
    page.get_by_role("button", name="Start the video").click()
    expect(page.get_by_text("Stopped after 1 poll;")).to_be_visible()
    expect(page.get_by_role("status")).not_to_have_text("success")

    page.get_by_label("Give up after (polls)").fill("30")
    page.get_by_role("button", name="Check again").click()

    expect(page.get_by_role("status")).to_have_text("success")
    expect(page.get_by_role("link", name=re.compile("^Download"))).to_be_visible()


def test_example_page_follows_a_start_that_waits_for_its_turn(frontend, kie_sandbox):
    page = frontend.page
    connect(frontend, max_polls=2)
    get_ideas(page, kie_sandbox)
    write_prompt(page)
    kie_sandbox.set_faults(create_429=1)  # Kie turns the first create away: the API answers 202

    page.get_by_role("button", name="Start the video").click()
    expect(page.get_by_text("waits for its turn")).to_be_visible()
    expect(page.get_by_text("Stopped after 2 polls;")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("pending")
    # The page is idle now; the worker sends the task, as if its back-off had passed.
    VideoTask.objects.update(next_check_at=timezone.now())
    call_command("db_worker", batch=True, verbosity=0)
    page.get_by_label("Give up after (polls)").fill("30")
    page.get_by_role("button", name="Check again").click()

    expect(page.get_by_role("status")).to_have_text("success")
    expect(page.get_by_role("link", name=re.compile("^Download"))).to_be_visible()
    assert len(kie_sandbox.tasks) == 1


def test_example_page_lists_the_fields_a_refused_start_names(frontend, kie_sandbox):
    page = frontend.page
    connect(frontend)
    get_ideas(page, kie_sandbox)
    write_prompt(page)
    page.get_by_label("Video prompt").fill("")

    page.get_by_role("button", name="Start the video").click()

    alert = page.get_by_role("alert")
    expect(alert.get_by_role("listitem")).to_have_text(re.compile(r"^prompt: .+"))
    expect(page.get_by_role("status")).to_be_hidden()
    assert not VideoTask.objects.exists()
