"""Turning a user's "make a video" request into a validated Kie request: prompt, media, budget.

Pure preparation: nothing here writes a VideoTask or calls a video endpoint.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Sum

from campaigns.models import Campaign, Idea, Product, VideoTask
from kie import registry
from kie.registry import RegistryValidationError, VideoModel, VideoRequest
from kie.registry.validation import is_http_url

from . import products, prompts
from .errors import BudgetExceeded, ValidationFailed


def request_fingerprint(
    *,
    idea_id: int,
    model_id: str,
    options: Mapping[str, Any] | None,
    prompt: str | None,
    image_urls: Sequence[str] | None,
    video_url: str | None,
) -> str:
    """SHA-256 of the request as the user sent it (before defaults), for Idempotency-Key replays."""
    body = {
        "idea_id": idea_id,
        "model_id": model_id,
        "options": dict(options or {}),
        "prompt": prompt,
        "image_urls": list(image_urls or []),
        "video_url": video_url or "",
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def resolve_prompt(
    *,
    idea: Idea,
    model_id: str,
    prompt: str | None,
    user: Any,
    options: Mapping[str, Any] | None = None,
) -> str:
    """The user's prompt, or one Gemini writes for this idea, model and clip length."""
    given = (prompt or "").strip()
    if given:
        return given
    written = prompts.write_video_prompt(idea=idea, model_id=model_id, user=user, options=options)
    return written.text


def resolve_image_urls(
    *, product: Product, model: VideoModel, image_urls: Sequence[str] | None
) -> list[str]:
    """The client's image URLs, else the product photo for models that take an image."""
    if image_urls:
        for url in image_urls:
            _require_http_url(url, field="imageUrls")
        return list(image_urls)
    if model.uses_start_image:
        return [products.ensure_kie_image_url(product)]
    return []


def resolve_video_urls(*, model: VideoModel, video_url: str | None) -> list[str]:
    url = (video_url or "").strip()
    if model.media.videos and not url:
        raise ValidationFailed(
            f"{model.label} copies the motion of a reference video: send videoUrl.",
            fields={"videoUrl": f"Required for {model.id}: a public http(s) URL of an mp4 clip."},
        )
    if not url:
        return []
    _require_http_url(url, field="videoUrl")
    return [url]


def validate(
    *,
    model_id: str,
    prompt: str,
    options: Mapping[str, Any] | None,
    images: list[str],
    videos: list[str],
) -> VideoRequest:
    try:
        return registry.validate_request(
            model_id, prompt=prompt, options=options, image_urls=images, video_urls=videos
        )
    except RegistryValidationError as exc:
        raise ValidationFailed.for_fields(exc.fields) from exc


def callback_url() -> str | None:
    """Kie's callback target, only once the deployment has a public base URL for it."""
    base = settings.KIE_CALLBACK_BASE_URL
    return f"{base}/kie/callback" if base else None


def check_budget(campaign: Campaign | None, estimate: Decimal) -> None:
    """Refuse a job that would take the campaign's non-failed jobs past its credit budget."""
    if campaign is None or campaign.credit_budget is None:
        return
    committed = (
        VideoTask.objects.filter(product__campaign=campaign)
        .exclude(state=VideoTask.State.FAILED)
        .aggregate(total=Sum("estimated_credits"))["total"]
    ) or Decimal(0)
    if committed + estimate > campaign.credit_budget:
        raise BudgetExceeded(
            f"This job needs about {_credits(estimate)} credits, but campaign "
            f"'{campaign.name}' has {_credits(committed)} of its {_credits(campaign.credit_budget)}"
            f" credit budget committed to other jobs ({_credits(committed + estimate)} in total)."
            " Raise the budget or choose a cheaper model or shorter clip.",
            extra={
                "creditBudget": str(campaign.credit_budget),
                "committedCredits": str(committed),
                "estimatedCredits": str(estimate),
            },
        )


def _require_http_url(url: str, *, field: str) -> None:
    if not is_http_url(url):
        raise ValidationFailed(
            f"{url!r} is not a public http(s) URL.",
            fields={field: f"Each URL must start with http:// or https:// (got {url!r})."},
        )


def _credits(amount: Decimal) -> str:
    return format(Decimal(amount).quantize(Decimal("0.01")).normalize(), "f")
