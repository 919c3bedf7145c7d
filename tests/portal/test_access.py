"""Who may see the portal: staff in, anonymous to the login page, everyone else politely refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_staff_user

pytestmark = pytest.mark.django_db

PORTAL_PAGES = [
    "portal:dashboard",
    "portal:dashboard-tasks",
    "portal:styleguide",
    "portal:product-new",
    "portal:products",
    "portal:campaigns",
    "portal:tasks",
]


@pytest.mark.parametrize("url_name", PORTAL_PAGES)
def test_anonymous_visitor_is_sent_to_the_portal_login_and_back(client, url_name: str) -> None:
    url = reverse(url_name)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/login?next={url}"


@pytest.mark.parametrize("url_name", PORTAL_PAGES)
def test_signed_in_non_staff_user_is_refused_with_a_sign_out_button(client, url_name) -> None:
    client.force_login(make_staff_user(username="guest", is_staff=False))

    response = client.get(reverse(url_name))

    assert response.status_code == 403
    page = response.content.decode()
    assert "This area is for AdStudio staff" in page
    assert "<strong>guest</strong>" in page
    assert f'action="{reverse("portal:logout")}"' in page


@pytest.mark.parametrize("url_name", PORTAL_PAGES)
def test_staff_user_sees_every_portal_page(client, url_name: str) -> None:
    client.force_login(make_staff_user())

    response = client.get(reverse(url_name))

    assert response.status_code in (200, 286)


def test_htmx_poll_after_the_session_ended_sends_the_whole_page_to_login(client) -> None:
    response = client.get(
        reverse("portal:dashboard-tasks"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/?tab=recent"},
    )

    assert response.status_code == 204
    assert response["HX-Redirect"] == "/login?next=/%3Ftab%3Drecent"


def test_login_url_is_the_portals_and_the_admin_keeps_its_own(client, settings) -> None:
    assert reverse(settings.LOGIN_URL) == "/login"

    admin = client.get("/admin/")
    docs = client.get("/api/docs/")

    assert admin["Location"].startswith("/admin/login/")
    assert docs["Location"].startswith("/admin/login/")


def test_portal_pages_do_not_accept_posts_they_do_not_handle(client) -> None:
    client.force_login(make_staff_user())

    assert client.post(reverse("portal:dashboard")).status_code == 405
