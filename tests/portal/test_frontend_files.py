"""The portal's front end: vendored files as pinned, and pages a strict CSP can serve."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import success
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.template import engines
from django.urls import reverse

from campaigns.models import VideoTask
from tests.factories import make_idea, make_staff_user, make_video_task

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "portal" / "vendor"


def test_vendored_htmx_is_the_pinned_file() -> None:
    readme = (VENDOR / "README.md").read_text()
    pinned = re.search(r"sha256 of `htmx.min.js`: ([0-9a-f]{64})", readme).group(1)

    actual = hashlib.sha256((VENDOR / "htmx.min.js").read_bytes()).hexdigest()

    assert actual == pinned
    assert "| htmx.org | 2." in readme


class InlineCodeFinder(HTMLParser):
    """Collects what a `script-src 'self'; style-src 'self'` policy would block."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("inline <style>")
        self.problems += [f"{tag}[{n}]" for n in names if n.startswith("on") or n == "style"]
        self.problems += [
            f"{tag}[{n}=javascript:]" for n, v in attrs if (v or "").startswith("javascript:")
        ]


def _inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    ["portal:dashboard", "portal:styleguide", "portal:products", "portal:dashboard-tasks"],
)
def test_staff_pages_have_no_inline_scripts_styles_or_handlers(client, url_name: str) -> None:
    make_video_task(idea=make_idea(), state=VideoTask.State.GENERATING)
    client.force_login(make_staff_user())

    html = client.get(reverse(url_name)).content.decode()

    assert _inline_code(html) == []


@pytest.mark.django_db
def test_login_and_refused_pages_have_no_inline_code(client) -> None:
    login = client.get("/login").content.decode()
    client.force_login(make_staff_user(is_staff=False))
    refused = client.get("/").content.decode()

    assert _inline_code(login) == []
    assert _inline_code(refused) == []


@pytest.mark.django_db
def test_messages_partial_can_ride_out_of_band_on_an_htmx_fragment(rf) -> None:
    request = rf.get("/")
    request.session, request.user = SessionStore(), AnonymousUser()
    request._messages = FallbackStorage(request)
    success(request, "Two videos started.")
    fragment = engines["django"].from_string(
        '<p>rows</p>{% include "portal/base.html#messages" with oob=True %}'
    )

    html = fragment.render({}, request)

    assert '<div id="messages" class="messages" aria-live="polite" hx-swap-oob="true">' in html
    assert "Two videos started." in html
