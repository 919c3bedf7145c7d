"""Campaigns: the list with spend against budget, one campaign's page, and a new campaign."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from campaigns.models import Campaign
from campaigns.services import campaigns as campaign_service
from campaigns.services.errors import ValidationFailed

from . import reads
from .access import staff_required
from .forms import CampaignForm, add_service_errors


@staff_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/campaigns/list.html", {"rows": reads.campaign_list()})


@staff_required
@require_GET
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    return render(request, "portal/campaigns/detail.html", reads.campaign_page(campaign))


@staff_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_service.create_campaign(
                user=request.user,
                name=form.cleaned_data["name"],
                credit_budget=form.cleaned_data.get("credit_budget"),
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc, CampaignForm.service_fields)
        else:
            messages.success(request, f"Campaign “{campaign}” is ready. Add its first product.")
            return redirect("portal:campaign", campaign_id=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/campaigns/new.html", {"form": form}, status=status)
