"""Ask Gemini (via Kie) for ten video-ad ideas about a product and store them as a new batch.

Two ways in, one piece of work: `generate_ideas` runs it inside the request (the API's
POST /api/ideas answers with the ideas), `request_ideas` queues it for the worker and returns an
`IdeaBatch` whose state the portal shows while Gemini writes (`run_idea_batch`).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from campaigns.models import Idea, IdeaBatch, JobState, Product
from kie.chat import parse_json_content
from kie.errors import KieBadResponseError, KieError
from kie.registry import all_models

from . import kie_client
from .errors import KieFailed, ServiceError
from .idea_schema import (
    ASPECT_RATIOS,
    IDEA_COUNT,
    MODEL_IDS,
    RESPONSE_FORMAT,
    TEXT_FIELDS,
    fit_aspect_ratio,
    model_aspect_ratios,
)
from .kie_errors import translate_kie_error
from .products import ensure_kie_image_url

if TYPE_CHECKING:
    from kie.client import KieClient

_INSTRUCTIONS = """You are a senior creative director at a performance-marketing agency.
The attached photo shows the product "{name}".{notes}

Propose {count} distinct, production-ready video-ad ideas for this product. Each idea must be a
different creative angle (for example: problem/solution, lifestyle, unboxing, demonstration,
testimonial, humour, luxury close-ups, before/after, seasonal, social-first). Keep the product
exactly as it appears in the photo.

For each idea give: a short unique title; the hook (first 2 seconds); the concept; 3-6 scenes as
short shot descriptions; on-screen text; a voice-over script; a call to action; the target
audience; the best-suited video model (one of: {models}); and the aspect ratio
({ratios}), one the chosen model can make: {model_ratios}.
Answer with JSON only, matching the given schema."""


logger = logging.getLogger(__name__)

# A batch still pending or running after this long lost its worker; it is marked failed.
STUCK_AFTER = timedelta(minutes=15)


def generate_ideas(
    product: Product,
    *,
    user: Any = None,
    client: KieClient | None = None,
    new_product: bool = False,
) -> list[Idea]:
    """A new batch of ten ranked ideas; on a Kie failure nothing is written (the product stays).

    `new_product`: saved in this same request, so it has no batch yet and nobody else knows its
    id: its batch is number 1, without the row lock and the two MAX queries numbering needs."""
    items = _ask_gemini(product, client or kie_client.for_request())
    with transaction.atomic():
        batch = IdeaBatch.objects.create(
            product=product,
            number=1 if new_product else _next_number(product),
            state=JobState.DONE,
            created_by=_user(user),
            started_at=timezone.now(),
            finished_at=timezone.now(),
        )
        return _store_ideas(batch, items)


def request_ideas(product: Product, *, user: Any = None) -> IdeaBatch:
    """Queue ten more ideas for the worker; a batch still in progress is answered instead."""
    from campaigns import tasks as jobs

    with transaction.atomic():
        _lock(product)
        batch = product.idea_batches.filter(state__in=[JobState.PENDING, JobState.RUNNING]).first()
        if batch is not None:
            return batch
        batch = IdeaBatch.objects.create(
            product=product, number=_next_number(product), created_by=_user(user)
        )
        batch_id = batch.pk
        transaction.on_commit(lambda: jobs.generate_ideas_task.enqueue(batch_id))
    return batch


def run_idea_batch(batch_id: int, *, client: KieClient) -> IdeaBatch | None:
    """The worker's side of `request_ideas`: claim the batch, ask Gemini, store or say why not."""
    claimed = IdeaBatch.objects.filter(pk=batch_id, state=JobState.PENDING).update(
        state=JobState.RUNNING, started_at=timezone.now()
    )
    batch = IdeaBatch.objects.select_related("product").filter(pk=batch_id).first()
    if not claimed or batch is None:
        return batch  # already taken by another worker, or deleted
    try:
        items = _ask_gemini(batch.product, client)
    except ServiceError as exc:
        _finish(batch, JobState.FAILED, error_code=exc.code, error_message=exc.message)
        logger.warning("Ideas batch %s failed: %s", batch.pk, exc.message)
        return batch
    with transaction.atomic():
        _store_ideas(batch, items)
        _finish(batch, JobState.DONE)
    return batch


def fail_stuck_batches(*, now=None) -> int:
    """Batches whose worker died mid-way end failed, so the user can ask again."""
    now = now or timezone.now()
    return IdeaBatch.objects.filter(
        state__in=[JobState.PENDING, JobState.RUNNING], created_at__lt=now - STUCK_AFTER
    ).update(
        state=JobState.FAILED,
        error_code="interrupted",
        error_message="The ideas were not written in time (the worker stopped?). Ask again.",
        finished_at=now,
    )


def _ask_gemini(product: Product, client: KieClient) -> list[dict[str, Any]]:
    image_url = ensure_kie_image_url(product, client=client)
    messages = _build_messages(product, image_url)
    try:
        result = client.chat(messages, response_format=RESPONSE_FORMAT)
        return _parse_ideas(result.content)
    except KieError as exc:
        raise translate_kie_error(exc, extra={"productId": product.pk}) from exc
    except ValueError as exc:
        raise KieFailed(
            f"Gemini's answer could not be read as {IDEA_COUNT} ideas: {exc}",
            extra={"productId": product.pk},
            hint="Ask again for ideas for this product; Gemini answers differently each time.",
        ) from exc


def _finish(batch: IdeaBatch, state: str, **fields: Any) -> None:
    fields |= {"state": state, "finished_at": timezone.now()}
    IdeaBatch.objects.filter(pk=batch.pk).update(**fields)
    for name, value in fields.items():
        setattr(batch, name, value)


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _build_messages(product: Product, image_url: str) -> list[dict]:
    notes = f"\nNotes from the marketing team: {product.notes.strip()}" if product.notes else ""
    text = _INSTRUCTIONS.format(
        name=product.name or "the product",
        notes=notes,
        count=IDEA_COUNT,
        models=", ".join(MODEL_IDS),
        ratios=" or ".join(ASPECT_RATIOS),
        model_ratios=_model_ratios_text(),
    )
    content = [
        {"type": "image_url", "image_url": {"url": image_url}},
        {"type": "text", "text": text},
    ]
    return [{"role": "user", "content": content}]


def _model_ratios_text() -> str:
    """Which ratios each model makes, in words Gemini can follow."""
    parts = []
    for model in all_models():
        ratios = model_aspect_ratios(model)
        made = " or ".join(ratios) if ratios else "no chosen ratio (it keeps its input's frame)"
        parts.append(f"{model.id} makes {made}")
    return "; ".join(parts)


def _parse_ideas(content: str) -> list[dict[str, Any]]:
    """Ten cleaned idea dicts; ValueError saying what is wrong with the answer otherwise."""
    try:
        data = parse_json_content(content)
    except KieBadResponseError as exc:
        raise ValueError(exc.message) from exc
    raw_ideas = data.get("ideas") if isinstance(data, dict) else data
    if not isinstance(raw_ideas, list):
        raise ValueError('expected an object with an "ideas" list (or a bare list)')
    ideas: list[dict[str, Any]] = []
    seen_titles: set[str] = set()
    for raw in raw_ideas:
        idea = _clean_idea(raw)
        if idea is None or idea["title"].casefold() in seen_titles:
            continue
        seen_titles.add(idea["title"].casefold())
        ideas.append(idea)
    if len(ideas) < IDEA_COUNT:
        raise ValueError(
            f"it holds {len(ideas)} usable ideas with distinct, non-empty titles "
            f"(out of {len(raw_ideas)} items); ask again"
        )
    # The schema asks for exactly ten; if Gemini wrote more, the first ten are kept.
    return ideas[:IDEA_COUNT]


def _clean_idea(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        return None
    idea: dict[str, Any] = {name: _text(raw.get(name), name) for name in TEXT_FIELDS}
    if not idea["title"]:
        return None
    idea["scenes"] = _scenes(raw.get("scenes"))
    model = _text(raw.get("suggested_model"), "suggested_model")
    idea["suggested_model"] = model if model in MODEL_IDS else ""
    ratio = _text(raw.get("aspect_ratio"), "aspect_ratio")
    idea["aspect_ratio"] = fit_aspect_ratio(ratio, idea["suggested_model"])
    return idea


def _text(value: Any, field_name: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    max_length = Idea._meta.get_field(field_name).max_length
    return text[:max_length] if max_length else text


def _scenes(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [s.strip() for s in value if isinstance(s, str) and s.strip()]


def _lock(product: Product) -> None:
    # Two concurrent requests for one product must not pick the same batch number.
    Product.objects.select_for_update().filter(pk=product.pk).first()


def _next_number(product: Product) -> int:
    _lock(product)
    batches = IdeaBatch.objects.filter(product=product).aggregate(m=Max("number"))["m"] or 0
    ideas = Idea.objects.filter(product=product).aggregate(m=Max("batch"))["m"] or 0
    return max(batches, ideas) + 1


def _store_ideas(batch: IdeaBatch, items: list[dict[str, Any]]) -> list[Idea]:
    ideas = [
        Idea(product=batch.product, batch=batch.number, rank=rank, **item)
        for rank, item in enumerate(items, start=1)
    ]
    return Idea.objects.bulk_create(ideas)
