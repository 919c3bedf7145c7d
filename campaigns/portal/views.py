"""The staff portal. For now a home page that points at the ways in that exist."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from campaigns.models import VideoTask


@staff_member_required
def home(request: HttpRequest) -> HttpResponse:
    recent_tasks = VideoTask.objects.select_related("product")[:10]
    return render(request, "portal/home.html", {"recent_tasks": recent_tasks})
