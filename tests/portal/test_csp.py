"""The portal's Content-Security-Policy: sent with every page, and no page needs an exception."""

from __future__ import annotations

import pytest

from campaigns.models import IdeaBatch, JobState
from tests.factories import (
    make_campaign,
    make_idea,
    make_video_prompt,
    make_video_task,
)
from tests.portal.test_frontend_files import _inline_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    """A product with every kind of row, so each page shows its richest markup."""
    idea = make_idea()
    product = idea.product
    product.campaign = make_campaign(credit_budget=100)
    product.save()
    IdeaBatch.objects.create(product=product, number=1, state=JobState.DONE)
    IdeaBatch.objects.create(product=product, number=2, state=JobState.RUNNING)
    for state in ("pending", "generating", "success", "failed", "unknown"):
        make_video_task(idea=idea, state=state, error_message="Kie said no")
    return {
        "product": product.pk,
        "idea": idea.pk,
        "batch": 2,
        "campaign": product.campaign_id,
        "prompt": make_video_prompt(idea=idea).pk,
        "writing": make_video_prompt(idea=idea, state=JobState.RUNNING, text="").pk,
        "task": product.tasks.first().public_id,
    }


PAGES = [
    "/",
    "/dashboard/tasks",
    "/dashboard/credits",
    "/products",
    "/products/new",
    "/products/{product}",
    "/products/{product}/make?ideas={idea}",
    "/products/{product}/make/review?prompt={prompt}&prompt={writing}",
    "/prompts/{writing}",
    "/tasks",
    "/tasks/summary",
    "/tasks/{task}",
    "/campaigns",
    "/campaigns/new",
    "/campaigns/{campaign}",
    "/styleguide",
    "/products/999999",  # the 404 page
]


@pytest.mark.parametrize("path", PAGES)
def test_every_portal_page_sends_the_policy_and_needs_no_inline_code(staff, rows, path):
    response = staff.get(path.format(**rows))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert _inline_code(response.content.decode()) == []


def test_policy_allows_the_dropzone_preview_and_our_own_videos(client):
    policy = client.get("/login")["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["img-src"].split() == ["'self'", "blob:", "data:", "https:"]
    assert directives["media-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_admin_and_api_docs_keep_their_own_pages_without_the_portal_policy(staff):
    staff.user.is_superuser = True
    staff.user.save()

    assert "Content-Security-Policy" not in staff.get("/admin/")
    assert "Content-Security-Policy" not in staff.get("/api/docs/")
