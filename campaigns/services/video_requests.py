"""A user's "make a video" request, resolved and checked once into a `StartRequest`.

Model availability, options (defaults applied), prompt, media and price are settled here, in one
pass; everything downstream (recording, submitting, retrying) reads the frozen result and never
re-checks raw input. Nothing here writes a VideoTask or calls a video endpoint.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from campaigns import selectors
from campaigns.models import Campaign, Idea, Product, VideoTask
from kie import registry
from kie.registry import RegistryValidationError, VideoRequest

from . import catalog, products, reference_videos
from .errors import BudgetExceeded, ValidationFailed
from .spend import format_credits as _credits

if TYPE_CHECKING:
    from kie.client import KieClient


@dataclass(frozen=True)
class StartRequest:
    """Everything a new task is made from."""

    product: Product
    idea: Idea | None
    video: VideoRequest  # model, options (all, typed), prompt ("" while Gemini has to write it)
    uses_product_image: bool
    estimate: Decimal

    @property
    def needs_prompt(self) -> bool:
        return not self.video.prompt


def resolve(
    *,
    product: Product,
    idea: Idea | None,
    model_id: str,
    options: Mapping[str, Any] | None = None,
    prompt: str | None = None,
    image_urls: Sequence[str] | None = None,
    video_urls: Sequence[str] | None = None,
    client: KieClient,
) -> StartRequest:
    """Check the request in one pass; ValidationFailed names every field that is wrong.

    Without image URLs, models that start from an image get the product photo (uploaded to Kie
    first if Kie no longer holds a copy). Without a prompt, Gemini writes one later. A reference
    video (motion control) is fetched and measured (reference_videos.py).
    """
    model = catalog.check_model_available(model_id)
    explicit_images = [products.public_url(url, field="imageUrls") for url in image_urls or []]
    video_urls = [products.public_url(url, field="videoUrl") for url in video_urls or []]
    # A reference video that Kie would refuse after billing is refused here, before the product
    # photo may be uploaded to Kie or anything else calls Kie.
    reference_videos.check_request(model, options, video_urls)
    uses_product_image = not explicit_images and model.uses_start_image
    if uses_product_image:
        images = [products.ensure_kie_image_url(product, client=client)]
    else:
        images = explicit_images
    prompt_text = (prompt or "").strip()
    try:
        video = registry.validate_request(
            model.id,
            prompt=prompt_text,
            options=options,
            image_urls=images,
            video_urls=video_urls,
            prompt_pending=not prompt_text,
        )
    except RegistryValidationError as exc:
        raise ValidationFailed.for_fields(exc.fields) from exc
    return StartRequest(
        product=product,
        idea=idea,
        video=video,
        uses_product_image=uses_product_image,
        estimate=registry.estimate_credits(video),
    )


def from_task(task: VideoTask, *, client: KieClient) -> StartRequest:
    """The request a task was started with, for its retry (a fresh Kie copy of the photo)."""
    model = catalog.check_model_available(task.model_id)
    images = list(task.image_urls)
    if task.uses_product_image:
        images = [products.ensure_kie_image_url(task.product, client=client)]
    video = VideoRequest(
        model=model,
        prompt=task.prompt,
        options=dict(task.options),
        image_urls=tuple(images),
        video_urls=tuple(task.video_urls),
    )
    return StartRequest(
        product=task.product,
        idea=task.idea,
        video=video,
        uses_product_image=task.uses_product_image,
        estimate=registry.estimate_credits(video),
    )


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


def check_budget(campaign: Campaign | None, estimate: Decimal) -> None:
    """Refuse a job that would take the campaign's non-failed jobs past its credit budget.

    Pending, queued and running jobs count at their estimate (committed spending), finished ones
    at their actual cost once it is known.
    """
    if campaign is None or campaign.credit_budget is None:
        return
    committed = selectors.committed_credits(VideoTask.objects.filter(product__campaign=campaign))
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
