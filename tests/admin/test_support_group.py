"""Staff in the "Support" group (made by a migration) work in the admin without being superusers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from campaigns.models import ModelAvailability, UserCreditLimit, VideoTask
from campaigns.services import catalog
from tests.factories import make_campaign, make_idea, make_product, make_staff_user, make_video_task

pytestmark = pytest.mark.django_db

State = VideoTask.State
LISTS = [
    "campaigns_campaign",
    "campaigns_product",
    "campaigns_ideabatch",
    "campaigns_idea",
    "campaigns_videoprompt",
    "campaigns_videotask",
    "campaigns_modelavailability",
    "campaigns_usercreditlimit",
    "django_tasks_database_dbtaskresult",
    "axes_accessattempt",
]


def test_the_migration_creates_the_support_group_with_its_permissions():
    codenames = set(Group.objects.get(name="Support").permissions.values_list("codename", flat=1))

    assert {
        "view_videotask",
        "change_videotask",
        "change_modelavailability",
        "view_usercreditlimit",
        "view_dbtaskresult",
        "delete_accessattempt",
    } <= codenames
    assert not {"delete_videotask", "add_videotask", "change_usercreditlimit"} & codenames
    assert not any(
        codename.endswith("_user") or codename.endswith("_group") for codename in codenames
    )


def test_staff_outside_support_still_see_nothing(client):
    client.force_login(make_staff_user())

    assert client.get(reverse("admin:campaigns_videotask_changelist")).status_code == 403


def test_a_support_user_opens_the_index_and_every_list(support_client, kie_sandbox):
    make_video_task(idea=make_idea(product=make_product(campaign=make_campaign())))

    index = support_client.get(reverse("admin:index"))

    assert index.status_code == 200
    assert "Video credits" in index.content.decode()
    for name in LISTS:
        assert support_client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name


def test_a_support_user_opens_a_task_and_runs_its_buttons(support_client, kie_sandbox):
    failed = make_video_task(state=State.FAILED, kie_task_id="", image_urls=["https://x.e/a.png"])

    page = support_client.get(reverse("admin:campaigns_videotask_change", args=[failed.pk]))
    retried = support_client.post(reverse("admin:campaigns_videotask_retry", args=[failed.pk]))

    assert page.status_code == 200
    assert reverse("admin:campaigns_videotask_retry", args=[failed.pk]) in page.content.decode()
    assert retried.status_code == 302
    assert failed.retries.get().state == State.QUEUED


def test_a_support_user_runs_list_actions(support_client, kie_sandbox, settings):
    settings.KIE_POLL_MIN_INTERVAL = 0
    failed = make_video_task(state=State.FAILED, kie_task_id="", image_urls=["https://x.e/a.png"])

    response = support_client.post(
        reverse("admin:campaigns_videotask_changelist"),
        {"action": "retry_failed", "_selected_action": [failed.pk]},
    )

    assert response.status_code == 302
    assert failed.retries.count() == 1


def test_model_availability_stays_editable_with_its_reason(support_client):
    add_url = reverse("admin:campaigns_modelavailability_add")
    form_page = support_client.get(add_url).content.decode()

    support_client.post(add_url, {"model_id": "veo3", "is_available": "", "reason": "Retired"})

    assert 'value="kling-2.6/motion-control"' in form_page
    assert ModelAvailability.objects.get(model_id="veo3").is_available is False
    assert catalog.unavailable_models()["veo3"] == "Retired"


def test_a_support_user_edits_campaigns_and_product_words(support_client):
    campaign = make_campaign(name="Spring")
    product = make_product(name="Bottle")

    support_client.post(
        reverse("admin:campaigns_campaign_change", args=[campaign.pk]),
        {"name": "Spring launch", "credit_budget": "2500"},
    )
    support_client.post(
        reverse("admin:campaigns_product_change", args=[product.pk]),
        {
            "name": "Steel bottle",
            "notes": "750 ml",
            "campaign": campaign.pk,
            "ideas-TOTAL_FORMS": 0,
            "ideas-INITIAL_FORMS": 0,
        },
    )

    campaign.refresh_from_db()
    product.refresh_from_db()
    assert (campaign.name, str(campaign.credit_budget)) == ("Spring launch", "2500.00")
    assert (product.name, product.notes, product.campaign_id) == (
        "Steel bottle",
        "750 ml",
        campaign.pk,
    )


def test_only_superusers_set_daily_credit_limits_and_manage_users(support_client, support_user):
    add = support_client.post(
        reverse("admin:campaigns_usercreditlimit_add"),
        {"user": support_user.pk, "daily_credits": "100000"},
    )

    assert add.status_code == 403
    assert not UserCreditLimit.objects.exists()
    assert support_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_a_superuser_sets_a_users_daily_limit(superuser_client):
    user = make_staff_user(username="heavy")

    superuser_client.post(
        reverse("admin:campaigns_usercreditlimit_add"),
        {"user": user.pk, "daily_credits": "5000", "reason": "Launch week"},
    )

    listing = superuser_client.get(reverse("admin:campaigns_usercreditlimit_changelist"))
    assert UserCreditLimit.objects.get(user=user).daily_credits == 5000
    assert "heavy" in listing.content.decode() and "5000" in listing.content.decode()
