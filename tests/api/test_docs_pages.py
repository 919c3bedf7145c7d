"""/api/docs/ (Swagger UI) and /api/redoc/ work offline: everything they load comes from us."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.factories import make_staff_user

pytestmark = pytest.mark.django_db

DOCS_PAGES = ["/api/docs/", "/api/redoc/"]
# Attributes through which a page makes the browser fetch something.
FETCHING_ATTRIBUTES = {"src", "href", "spec-url"}


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in FETCHING_ATTRIBUTES and value]


def referenced_urls(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return parser.urls


@pytest.fixture
def staff_browser(settings) -> APIClient:
    """A logged-in staff browser on a server that serves static files like `make run` does."""
    settings.WHITENOISE_USE_FINDERS = True  # read when the client builds its middleware
    client = APIClient()
    client.force_login(make_staff_user())
    return client


def _fetch(client: APIClient, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content, url
    return content


@pytest.mark.parametrize("page", DOCS_PAGES)
def test_every_asset_a_docs_page_references_is_served_by_us(staff_browser, page) -> None:
    html = _fetch(staff_browser, page).decode()
    urls = [urljoin(page, url) for url in referenced_urls(html)]

    assert any(url.endswith(".js") for url in urls), urls
    assert "/api/schema/" in urls or page == "/api/docs/"
    for url in urls:
        assert not urlsplit(url).netloc, f"{page} loads {url} from another host"
        _fetch(staff_browser, url)


def test_swagger_ui_start_script_is_a_local_file_that_loads_our_schema(staff_browser) -> None:
    html = _fetch(staff_browser, "/api/docs/").decode()
    script_url = next(url for url in referenced_urls(html) if "script" in url)

    script = _fetch(staff_browser, urljoin("/api/docs/", script_url)).decode()

    assert '"/api/schema/"' in script
    assert not re.findall(r"https?://", script)
    assert '"validatorUrl": null' in script


@pytest.mark.parametrize("page", DOCS_PAGES)
def test_docs_pages_name_no_cdn_and_no_unpinned_version(staff_browser, page) -> None:
    html = _fetch(staff_browser, page).decode()

    assert "@latest" not in html
    assert not re.findall(r"https?://", html)


@pytest.mark.parametrize("page", DOCS_PAGES)
def test_docs_pages_send_anonymous_browsers_to_the_login(anonymous, page) -> None:
    response = anonymous.get(page)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_schema_validates_with_warnings_as_errors(tmp_path) -> None:
    out = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))

    assert out.read_text().startswith("openapi:")
