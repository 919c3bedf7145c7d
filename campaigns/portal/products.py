"""Products: the list, a new product (photo + "Generate ideas"), its page, and asking for ideas."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns import selectors
from campaigns.models import Campaign, IdeaBatch
from campaigns.services import ideas, products
from campaigns.services.errors import ServiceError, ValidationFailed

from . import reads
from .access import found_or_404, staff_required
from .forms import ProductForm, add_service_errors
from .htmx import render_poll

PAGE_SIZE = 24


@staff_required
@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(reads.product_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/products/list.html", {"page": page})


@staff_required
@require_http_methods(["GET", "POST"])
def product_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = ProductForm(initial={"campaign": _campaign_from(request)})
        return render(request, "portal/products/new.html", {"form": form})
    form = ProductForm(request.POST, request.FILES)
    if form.is_valid():
        product = _create(request, form)
        if product is not None:
            return _ask_for_ideas(request, product, first=True)
    return render(request, "portal/products/new.html", {"form": form}, status=400)


@staff_required
@require_GET
def product_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    context = found_or_404(reads.product_page, product_id)
    return render(request, "portal/products/detail.html", context)


@staff_required
@require_POST
def request_ideas(request: HttpRequest, product_id: int) -> HttpResponse:
    """Ten (more) ideas for a saved product; also the retry after a failed round."""
    product = found_or_404(selectors.get_product, product_id)
    return _ask_for_ideas(request, product, first=False)


@staff_required
@require_GET
def idea_batch(request: HttpRequest, product_id: int, batch_id: int) -> HttpResponse:
    """One round of ideas, polled while Gemini writes it (286 once it is done or failed)."""
    batch = get_object_or_404(IdeaBatch, pk=batch_id, product_id=product_id)
    ideas_of_batch = list(batch.product.ideas.filter(batch=batch.number))
    group = reads.IdeaGroup(batch.number, batch, ideas_of_batch)
    context = {"group": group, "product": batch.product, "newest": True}
    return render_poll(
        request, "portal/products/detail.html#idea-group", context, keep_polling=group.is_working
    )


def _create(request: HttpRequest, form: ProductForm):
    data = form.cleaned_data
    campaign = data.get("campaign")
    try:
        return products.create_product(
            user=request.user,
            image=data.get("image"),
            image_url=data.get("image_url") or "",
            name=data.get("name") or "",
            notes=data.get("notes") or "",
            campaign_id=campaign.pk if campaign else None,
        )
    except ValidationFailed as exc:
        add_service_errors(form, exc, ProductForm.service_fields)
    return None


def _ask_for_ideas(request: HttpRequest, product, *, first: bool) -> HttpResponse:
    try:
        batch = ideas.request_ideas(product, user=request.user)
    except ServiceError as exc:
        messages.error(request, f"{exc.message} {exc.hint or ''}".strip())
    else:
        if first:
            messages.success(request, f"{product} is saved. Gemini is writing ten ideas for it.")
        elif batch.number > 1:
            messages.info(request, "Gemini is writing ten more ideas; they appear at the top.")
    return redirect(reverse("portal:product", args=[product.pk]) + "#ideas")


def _campaign_from(request: HttpRequest) -> Campaign | None:
    value = request.GET.get("campaign", "")
    return Campaign.objects.filter(pk=value).first() if value.isdigit() else None
