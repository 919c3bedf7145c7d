"""Every portal page and action needs a staff login: anonymous → login, others refused."""

from __future__ import annotations

import pytest

from campaigns.models import IdeaBatch
from tests.factories import (
    make_campaign,
    make_idea,
    make_staff_user,
    make_video_prompt,
    make_video_task,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    idea = make_idea()
    batch = IdeaBatch.objects.create(product=idea.product, number=1)
    return {
        "product": idea.product.pk,
        "idea": idea.pk,
        "batch": batch.pk,
        "campaign": make_campaign().pk,
        "prompt": make_video_prompt(idea=idea).pk,
        "task": make_video_task(idea=idea, state="failed").public_id,
    }


GET_PAGES = [
    "/products",
    "/products/new",
    "/products/{product}",
    "/products/{product}/ideas/{batch}",
    "/products/{product}/make?ideas={idea}",
    "/products/{product}/make/review?prompt={prompt}",
    "/prompts/{prompt}",
    "/tasks",
    "/tasks/summary",
    "/tasks/{task}",
    "/campaigns",
    "/campaigns/new",
    "/campaigns/{campaign}",
    "/dashboard/credits",
]
POST_ACTIONS = [
    "/products/new",
    "/products/{product}/ideas",
    "/products/{product}/make?ideas={idea}",
    "/products/{product}/make/start",
    "/tasks/{task}/retry",
    "/campaigns/new",
]


@pytest.mark.parametrize("path", GET_PAGES)
def test_anonymous_visitor_is_sent_to_login_and_back(client, rows, path):
    url = path.format(**rows)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/login?next=")


@pytest.mark.parametrize("path", GET_PAGES)
def test_signed_in_non_staff_user_is_refused(client, rows, path):
    client.force_login(make_staff_user(is_staff=False))

    response = client.get(path.format(**rows))

    assert response.status_code == 403
    assert "This area is for AdStudio staff" in response.content.decode()


@pytest.mark.parametrize("path", GET_PAGES)
def test_staff_sees_every_page(staff, rows, path):
    assert staff.get(path.format(**rows)).status_code in (200, 286)


@pytest.mark.parametrize("path", POST_ACTIONS)
def test_actions_change_nothing_for_anonymous_or_non_staff(client, rows, path):
    url = path.format(**rows)
    anonymous = client.post(url)
    client.force_login(make_staff_user(is_staff=False))
    refused = client.post(url)

    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login")
    assert refused.status_code == 403
    assert IdeaBatch.objects.count() == 1


def test_every_form_carries_a_csrf_token(staff, rows):
    for path in ["/products/new", "/campaigns/new", "/products/{product}/make?ideas={idea}"]:
        page = staff.get(path.format(**rows)).content.decode()
        assert 'name="csrfmiddlewaretoken"' in page, path


def test_forms_are_refused_without_the_csrf_token(rows):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff_user())

    response = client.post(f"/products/{rows['product']}/ideas")

    assert response.status_code == 403
    assert IdeaBatch.objects.count() == 1


def test_unknown_rows_are_404(staff):
    for url in ["/products/999", "/campaigns/999", "/tasks/vt_nope", "/prompts/999"]:
        assert staff.get(url).status_code == 404, url
