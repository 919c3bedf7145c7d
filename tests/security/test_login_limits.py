"""Login attempts are limited per username and address (django-axes), for every login form."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from campaigns.login_limits import client_ip
from tests.factories import make_staff_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LIMIT = 3


@pytest.fixture(autouse=True)
def _low_limit(settings) -> None:
    settings.AXES_FAILURE_LIMIT = LIMIT


@pytest.fixture
def staff():
    user = make_staff_user(username="ada")
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client: Client, password: str, *, username: str = "ada", path: str = "/admin/login/"):
    return client.post(path, {"username": username, "password": password, "next": "/admin/"})


def _fail(client: Client, times: int, **kwargs) -> None:
    for _ in range(times):
        assert _login(client, "wrong", **kwargs).status_code == 200  # the form again, with an error


def test_admin_login_locks_after_the_limit_even_with_the_right_password(staff):
    client = Client()
    _fail(client, LIMIT - 1)
    assert _login(client, "wrong").status_code == 429  # the failure that reaches the limit

    response = _login(client, PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    page = response.content.decode()
    assert f"after {LIMIT} failed attempts" in page and "Try again in 15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_address(staff):
    make_staff_user(username="grace").set_password(PASSWORD)
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    _fail(attacker, LIMIT - 1)
    _login(attacker, "wrong")

    owner_elsewhere = Client(REMOTE_ADDR="198.51.100.2")

    assert _login(owner_elsewhere, PASSWORD).status_code == 302  # logged in
    assert _login(attacker, "wrong", username="grace").status_code == 200  # not locked


def test_a_successful_login_resets_the_count(staff):
    client = Client()
    _fail(client, LIMIT - 1)
    assert _login(client, PASSWORD).status_code == 302
    client.logout()

    _fail(client, LIMIT - 1)

    assert _login(client, PASSWORD).status_code == 302


def test_api_clients_get_a_json_lockout(staff):
    client = Client(HTTP_ACCEPT="application/json")
    _fail(client, LIMIT - 1)

    response = _login(client, "wrong")

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"


@pytest.mark.urls("tests.security.login_urls")
def test_djangos_login_view_is_limited_too(staff):
    client = Client()
    _fail(client, LIMIT - 1, path="/login/")

    assert _login(client, PASSWORD, path="/login/").status_code == 302
    client.logout()
    _fail(client, LIMIT - 1, path="/login/")
    assert _login(client, "wrong", path="/login/").status_code == 429
    assert _login(client, PASSWORD, path="/login/").status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "10.0.0.9"),
        (0, "203.0.113.7", "10.0.0.9"),  # not behind a proxy: the header is the client's word
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # a spoofed first entry is ignored
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (1, "", "10.0.0.9"),
    ],
)
def test_client_address_trusts_only_the_configured_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected
