"""The portal's own login and logout pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_staff_user

pytestmark = pytest.mark.django_db

LOGIN = "/login"


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_login_page_is_adstudios_not_the_admins(client) -> None:
    page = client.get(LOGIN).content.decode()

    assert "<title>Sign in · AdStudio</title>" in page
    assert "Django administration" not in page
    assert 'autocomplete="current-password"' in page


def test_wrong_password_is_explained_in_plain_words(client) -> None:
    make_staff_user(username="maya", password="right-password")

    response = client.post(LOGIN, {"username": "maya", "password": "wrong"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "don&#x27;t match a staff account" in page
    assert 'role="alert"' in page
    assert 'value="maya"' in page  # the username is kept


def test_empty_fields_get_their_error_beside_them(client) -> None:
    response = client.post(LOGIN, {"username": "", "password": ""})

    page = response.content.decode()
    assert '<ul class="field-errors" id="id_username_error"><li>This field is required.' in page
    assert '<ul class="field-errors" id="id_password_error"><li>This field is required.' in page
    assert 'aria-describedby="id_username_error"' in page
    assert 'aria-invalid="true"' in page


def test_inactive_account_cannot_sign_in(client) -> None:
    make_staff_user(username="gone", password="pw-123456", is_active=False)

    response = client.post(LOGIN, {"username": "gone", "password": "pw-123456"})

    # Django's ModelBackend refuses inactive users before the form can tell them apart.
    assert "don&#x27;t match a staff account" in response.content.decode()


def test_staff_login_goes_to_the_dashboard_or_to_next(client) -> None:
    make_staff_user(username="maya", password="right-password")
    credentials = {"username": "maya", "password": "right-password"}

    plain = client.post(LOGIN, credentials)
    client.logout()
    with_next = client.post(f"{LOGIN}?next=/styleguide", credentials | {"next": "/styleguide"})

    assert plain["Location"] == reverse("portal:dashboard")
    assert with_next["Location"] == "/styleguide"


def test_login_refuses_to_send_people_off_site(client) -> None:
    make_staff_user(username="maya", password="right-password")

    response = client.post(
        LOGIN, {"username": "maya", "password": "right-password", "next": "https://evil.example"}
    )

    assert response["Location"] == reverse("portal:dashboard")


def test_logout_needs_a_post_and_says_goodbye_on_the_login_page(client) -> None:
    client.force_login(make_staff_user())

    refused = client.get("/logout")
    response = client.post("/logout", follow=True)

    assert refused.status_code == 405
    assert response.redirect_chain[-1][0] == LOGIN
    assert "You're signed out. See you soon." in _messages(response)
    assert client.get("/").status_code == 302
