"""Every URL the project serves needs a staff login, except the few that must not."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from tests.factories import make_staff_user

pytestmark = pytest.mark.django_db

# Public on purpose: signing in, probes, Kie's callback (its URL carries a per-task token),
# the admin's own sign-in pages, and the JSON 404 for unknown API paths.
PUBLIC = {
    "portal:login",
    "portal:logout",
    "healthz",
    "readyz",
    "kie-callback",
    "admin:login",
    "admin:logout",
    "api:not-found",
}
# How a refusal looks: the sign-in page for browsers, a JSON 401/403 for the API.
REFUSALS = {302, 401, 403}


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        route = prefix + _route(pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}{pattern.name}" if pattern.name else route), route


def _route(pattern) -> str:
    if isinstance(pattern.pattern, RegexPattern):  # re_path: as written, minus the anchors
        return str(pattern.pattern).lstrip("^").rstrip("$").removesuffix("\\Z")
    return str(pattern.pattern)


def _concrete(route: str) -> str:
    """A URL for `route` with every parameter filled in with something plausible."""
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<(?:str|slug|path):\w+>", "vt_0000000000000000", route)
    route = re.sub(r"<\w+>", "1", route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)  # the admin's regex routes
    route = route.replace(".*", "anything").replace("\\", "")
    return "/" + route


ROUTES = sorted(set(_walk(get_resolver().url_patterns)))


def test_the_walk_finds_the_projects_urls():
    names = {name for name, _ in ROUTES}
    assert {"api:video", "portal:dashboard", "media-video", "admin:index"} <= names


@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[name for name, _ in ROUTES])
def test_anonymous_visitors_are_refused(client, name, route):
    if name in PUBLIC or route.startswith("static/"):
        pytest.skip("public on purpose")
    url = _concrete(route)

    answers = {client.get(url).status_code, client.post(url).status_code}

    assert answers <= REFUSALS | {405}, (url, answers)  # 405: the method does not exist there
    assert answers & REFUSALS, (url, answers)


@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[name for name, _ in ROUTES])
def test_signed_in_non_staff_users_are_refused(client, name, route):
    if name in PUBLIC or route.startswith("static/"):
        pytest.skip("public on purpose")
    client.force_login(make_staff_user(is_staff=False))

    answer = client.get(_concrete(route)).status_code

    assert answer in REFUSALS | {405}, (route, answer)
