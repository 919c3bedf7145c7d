"""Starting video jobs on Kie (and retrying failed ones); polling lives in `polling.py`.

The order matters: the task row is written and committed in state `submitting` before Kie is
called, so a job Kie accepts is never without a row, and the task id Kie returns is recorded in
the same request. No transaction is open during the HTTP call.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns import selectors
from campaigns.models import Campaign, Idea, Product, VideoTask
from kie import registry
from kie.errors import KieError, KieModelUnavailableError
from kie.registry import VideoModel, VideoRequest

from . import catalog, kie_client, products, prompts
from . import video_requests as requests_
from .errors import IdempotencyConflict, ModelUnavailable, ServiceError, ValidationFailed
from .kie_errors import kie_error_code, translate_kie_error
from .polling import refresh_status
from .task_state import transition

__all__ = ["TaskNotRetryable", "refresh_status", "retry_task", "start_video"]

logger = logging.getLogger(__name__)

State = VideoTask.State
IDEMPOTENCY_KEY_MAX_CHARS = 255


class TaskNotRetryable(ServiceError):
    http_status = 409
    code = "not_retryable"
    default_message = "Only failed or unknown tasks can be retried."


@dataclass(frozen=True)
class _StartSpec:
    """Everything a new task is made from, once prompt and media are resolved."""

    user: Any
    product: Product
    idea: Idea | None
    model: VideoModel
    prompt: str
    options: dict[str, Any]
    image_urls: list[str]
    video_urls: list[str]
    retry_of: VideoTask | None = None
    idempotency_key: str = ""
    fingerprint: str = field(default="", repr=False)


def start_video(
    *,
    user: Any,
    idea_id: int,
    model_id: str,
    options: dict | None = None,
    prompt: str | None = None,
    image_urls: list[str] | None = None,
    video_url: str | None = None,
    idempotency_key: str | None = None,
) -> tuple[VideoTask, bool]:
    """Start one video job for an idea; (task, created). A replayed key returns its first task."""
    key = _clean_key(idempotency_key)
    fingerprint = ""
    if key:
        fingerprint = requests_.request_fingerprint(
            idea_id=idea_id,
            model_id=model_id,
            options=options,
            prompt=prompt,
            image_urls=image_urls,
            video_url=video_url,
        )
        replayed = _find_replay(user, key, fingerprint)
        if replayed is not None:
            return replayed, False
    idea = selectors.get_idea(idea_id)
    model = catalog.check_model_available(model_id)
    # Cheap checks first: a bad option or missing video must not cost a Gemini call or an upload.
    catalog.resolve_options(model, options)
    prompts.check_length(model, (prompt or "").strip())
    video_urls = requests_.resolve_video_urls(model=model, video_url=video_url)
    images = requests_.resolve_image_urls(product=idea.product, model=model, image_urls=image_urls)
    spec = _StartSpec(
        user=user,
        product=idea.product,
        idea=idea,
        model=model,
        prompt=requests_.resolve_prompt(
            idea=idea, model_id=model.id, prompt=prompt, user=user, options=options
        ),
        options=dict(options or {}),
        image_urls=images,
        video_urls=video_urls,
        idempotency_key=key,
        fingerprint=fingerprint,
    )
    return _start(spec)


def retry_task(task: VideoTask, *, user: Any) -> VideoTask:
    """A new task (linked by retry_of) with the same model, prompt, options and media."""
    if task.state not in (State.FAILED, State.UNKNOWN):
        raise TaskNotRetryable(
            f"Task {task.pk} is {task.state}; only failed or unknown tasks can be retried."
        )
    model = catalog.check_model_available(task.model_id)
    images, videos = _stored_media(task, model)
    spec = _StartSpec(
        user=user,
        product=task.product,
        idea=task.idea,
        model=model,
        prompt=task.prompt,
        options=dict(task.options),
        image_urls=_refresh_product_image(task.product, images),
        video_urls=videos,
        retry_of=task,
    )
    new_task, _ = _start(spec)
    return new_task


def _start(spec: _StartSpec) -> tuple[VideoTask, bool]:
    request = requests_.validate(
        model_id=spec.model.id,
        prompt=spec.prompt,
        options=spec.options,
        images=spec.image_urls,
        videos=spec.video_urls,
    )
    estimate = registry.estimate_credits(request)
    payload = registry.build_payload(request, callback_url=requests_.callback_url())
    task, created = _insert_task(spec, request, estimate, payload)
    if created:
        _submit(task, spec.model)
    return task, created


def _insert_task(
    spec: _StartSpec, request: VideoRequest, estimate: Decimal, payload: dict
) -> tuple[VideoTask, bool]:
    """Write the `submitting` row and commit; a concurrent twin of the same key wins instead."""
    try:
        with transaction.atomic():
            _lock_budget(spec.product.campaign_id, estimate)
            task = VideoTask.objects.create(
                product=spec.product,
                idea=spec.idea,
                retry_of=spec.retry_of,
                model_id=spec.model.id,
                provider=str(spec.model.provider),
                prompt=request.prompt,
                options=request.options,
                request_payload=payload,
                state=State.SUBMITTING,
                estimated_credits=estimate,
                created_by=spec.user,
                idempotency_key=spec.idempotency_key,
                request_fingerprint=spec.fingerprint,
            )
    except IntegrityError:
        # Another request with this Idempotency-Key inserted first: answer with its task.
        replayed = _find_replay(spec.user, spec.idempotency_key, spec.fingerprint)
        if not spec.idempotency_key or replayed is None:
            raise
        return replayed, False
    return task, True


def _lock_budget(campaign_id: int | None, estimate: Decimal) -> None:
    # Locking the campaign row serialises concurrent starts, so two jobs cannot both fit the
    # budget's last credits.
    if campaign_id is None:
        return
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    requests_.check_budget(campaign, estimate)


def _submit(task: VideoTask, model: VideoModel) -> None:
    client = kie_client.get_kie_client()
    try:
        kie_task_id = client.start_video(task.provider, task.request_payload)
    except KieError as exc:
        _record_start_failure(task, exc)
        raise _start_error(task, model, exc) from exc
    _record_kie_task_id(task, kie_task_id)


def _record_kie_task_id(task: VideoTask, kie_task_id: str) -> None:
    fields = {"kie_task_id": kie_task_id, "submitted_at": timezone.now()}
    if transition(task, State.QUEUED, **fields):
        return
    # Someone else moved the row meanwhile; the id Kie gave us must be kept regardless.
    logger.warning("Task %s left submitting before Kie id %s was recorded", task.pk, kie_task_id)
    VideoTask.objects.filter(pk=task.pk, kie_task_id="").update(**fields)
    task.refresh_from_db()


def _record_start_failure(task: VideoTask, exc: KieError) -> None:
    # A timeout after sending may still have created (and billed) a job: `unknown`, not failed.
    new_state = State.UNKNOWN if exc.outcome_unknown else State.FAILED
    transition(task, new_state, error_code=kie_error_code(exc), error_message=exc.message)
    logger.warning("Kie refused to start task %s (%s): %r", task.pk, new_state, exc)


def _start_error(task: VideoTask, model: VideoModel, exc: KieError) -> ServiceError:
    if isinstance(exc, KieModelUnavailableError):
        return _model_unavailable(task, model, exc)
    error = translate_kie_error(exc, extra={"taskId": task.pk})
    if exc.outcome_unknown:
        error.message = (
            f"We could not tell whether Kie.ai started task {task.pk} ({exc.message}). It is "
            "marked unknown, and Kie may still run and bill it; check Kie before retrying."
        )
        error.args = (error.message,)
    return error


def _model_unavailable(task: VideoTask, model: VideoModel, exc: KieError) -> ModelUnavailable:
    others = _alternatives_for(task, model)
    names = ", ".join(f"{other.label} ({other.id})" for other in others) or "none right now"
    return ModelUnavailable(
        f"{model.label} is unavailable upstream (Kie: {exc.message}). "
        f"Available alternatives for the same input: {names}.",
        kie_code=exc.code,
        extra={"taskId": task.pk, "alternatives": [other.id for other in others]},
    )


def _alternatives_for(task: VideoTask, model: VideoModel) -> list[VideoModel]:
    """Usable models that take this very request's media (a text-only model can't use a photo)."""
    images, videos = _stored_media(task, model)
    return [
        other
        for other in registry.alternatives(model.id, catalog.unavailable_models())
        if other.media.min_images <= len(images) <= other.media.max_images
        and other.media.videos == len(videos)
    ]


def _find_replay(user: Any, key: str, fingerprint: str) -> VideoTask | None:
    if not key:
        return None
    task = VideoTask.objects.filter(created_by=user, idempotency_key=key).first()
    if task is not None and task.request_fingerprint != fingerprint:
        raise IdempotencyConflict(
            f"Idempotency-Key {key!r} was already used for task {task.pk} with a different "
            "request. Send a new key for a new request.",
            extra={"taskId": task.pk},
        )
    return task


def _clean_key(idempotency_key: str | None) -> str:
    key = (idempotency_key or "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX_CHARS:
        raise ValidationFailed(
            fields={"idempotencyKey": f"At most {IDEMPOTENCY_KEY_MAX_CHARS} characters."}
        )
    return key


def _stored_media(task: VideoTask, model: VideoModel) -> tuple[list[str], list[str]]:
    # The task keeps the media only inside the Kie payload (Veo: top level; Jobs: `input`).
    payload = task.request_payload or {}
    body = payload.get("input", payload)
    return list(body.get(model.media.image_param, [])), list(body.get(model.media.video_param, []))


def _refresh_product_image(product: Product, image_urls: Sequence[str]) -> list[str]:
    # Kie deletes uploads after ~24 h: a retry re-uses the product photo through a fresh upload.
    if list(image_urls) in ([product.kie_image_url], [product.source_image_url]):
        return [products.ensure_kie_image_url(product)]
    return list(image_urls)
