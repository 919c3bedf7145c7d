"""Small HTML pieces the admin lists and pages share: badges, thumbnails, ages, credits, JSON.

Everything here renders from the row in hand (and URLs): no query, so a list page costs the same
number of queries whatever its length.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Model
from django.db.models.options import Options
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from campaigns.models import Product, VideoTask
from campaigns.services.spend import format_credits
from kie.registry import MODELS_BY_ID

EMPTY = "–"


def state_badge(state: str, label: str | None = None) -> SafeString:
    """A coloured badge; the colour comes from the state's class in campaigns/admin.css."""
    return format_html('<span class="as-badge as-state-{}">{}</span>', state, label or state)


def product_image_url(product: Product) -> str:
    return reverse("media-product-image", args=[product.pk])


def thumbnail(product: Product | None, *, size: int = 40, caption: bool = True) -> SafeString:
    if product is None:
        return format_html("{}", EMPTY)
    image = format_html(
        '<img class="as-thumb" src="{}" alt="" width="{}" height="{}" loading="lazy">',
        product_image_url(product),
        size,
        size,
    )
    if not caption:
        return image
    return format_html('<span class="as-with-thumb">{} {}</span>', image, str(product))


def age(moment: datetime | None) -> str:
    if moment is None:
        return EMPTY
    return f"{timesince(moment, timezone.now(), depth=1)} ago"


def model_label(model_id: str) -> str:
    model = MODELS_BY_ID.get(model_id)
    return model.label if model is not None else f"{model_id} (unknown model)"


def credits(amount: Decimal | None) -> str:
    return EMPTY if amount is None else format_credits(amount)


def credits_difference(task: VideoTask) -> SafeString:
    """Actual minus estimate, signed; over-estimate and under-estimate get their own colour."""
    difference = task.credits_difference
    if difference is None:
        return format_html("{}", EMPTY)
    kind = "over" if difference > 0 else "under" if difference < 0 else "even"
    sign = "+" if difference > 0 else ""
    return format_html(
        '<span class="as-diff as-diff-{}">{}{}</span>', kind, sign, format_credits(difference)
    )


def pretty_json(value: Any) -> SafeString:
    if value in (None, "", {}, []):
        return format_html("{}", EMPTY)
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    return format_html('<pre class="as-pre">{}</pre>', text)


def pre(text: str) -> SafeString:
    if not text:
        return format_html("{}", EMPTY)
    return format_html('<pre class="as-pre as-wrap">{}</pre>', text)


def change_link(row: Model | None, text: str | None = None) -> SafeString:
    """A link to `row`'s admin page."""
    if row is None:
        return format_html("{}", EMPTY)
    return change_link_by_pk(row._meta, row.pk, text or str(row))


def change_link_by_pk(meta: Options, pk: Any, text: str) -> SafeString:
    """A link to the admin page of the row of model `meta` with primary key `pk` (no query)."""
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[pk])
    return format_html('<a href="{}">{}</a>', url, text)


def changelist_link(model: type[Model], text: str, **filters: Any) -> SafeString:
    meta = model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    return format_html('<a href="{}?{}">{}</a>', url, urlencode(filters), text)
