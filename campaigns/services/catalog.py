"""Which video models can be used right now: the registry, settings and the admin's switches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings

from campaigns.models import ModelAvailability
from kie.registry import UnknownModelError, VideoModel, all_models, alternatives
from kie.registry import get_model as registry_get_model

from .errors import ModelUnavailable, ValidationFailed

if TYPE_CHECKING:
    from campaigns.models import VideoTask
    from kie.errors import KieError

ADMIN_DEFAULT_REASON = "Marked unavailable by an administrator"
SETTINGS_DEFAULT_REASON = "Marked unavailable in KIE_UNAVAILABLE_MODELS"


def unavailable_models() -> dict[str, str]:
    """model id -> why it is unavailable; an admin's reason wins over the settings' one."""
    merged = {
        model_id: (reason or SETTINGS_DEFAULT_REASON)
        for model_id, reason in (settings.KIE_UNAVAILABLE_MODELS or {}).items()
    }
    rows = ModelAvailability.objects.filter(is_available=False).values_list("model_id", "reason")
    for model_id, reason in rows:
        merged[model_id] = reason or ADMIN_DEFAULT_REASON
    return merged


@dataclass(frozen=True)
class ModelListing:
    """A registry model and whether it can be used now (and why not)."""

    model: VideoModel
    unavailable_reason: str | None

    @property
    def available(self) -> bool:
        return self.unavailable_reason is None


def list_models() -> list[ModelListing]:
    """Every registry model, in catalogue order, with its availability."""
    unavailable = unavailable_models()
    return [ModelListing(model, unavailable.get(model.id)) for model in all_models()]


def get_model(model_id: str) -> VideoModel:
    """The registry's model, or ValidationFailed on `model` listing the known ids."""
    try:
        return registry_get_model(model_id)
    except UnknownModelError as exc:
        raise ValidationFailed(exc.message, fields=exc.fields) from exc


def check_model_available(model_id: str) -> VideoModel:
    """The model, or ValidationFailed on `model` naming the reason and usable alternatives."""
    model = get_model(model_id)
    unavailable = unavailable_models()
    reason = unavailable.get(model.id)
    if reason is None:
        return model
    options = alternatives(model.id, unavailable)
    if options:
        names = ", ".join(f"{m.label} ({m.id})" for m in options)
        hint = f"Available alternatives for the same input: {names}."
    else:
        hint = "No other model takes the same input right now."
    message = f"{model.label} is unavailable: {reason.rstrip('.')}. {hint}"
    raise ValidationFailed(
        message, fields={"model": message}, extra={"alternatives": [m.id for m in options]}
    )


def resolve_options(model: VideoModel, options: Mapping[str, Any] | None) -> dict[str, Any]:
    """Every option of `model` with defaults applied; ValidationFailed naming each bad one."""
    resolved, errors = model.parse_options(options)
    if errors:
        raise ValidationFailed.for_fields(errors)
    return resolved


def model_unavailable_upstream(
    task: VideoTask, exc: KieError, *, extra: dict[str, Any]
) -> ModelUnavailable:
    """Kie refused `task`'s model as unknown or disabled: say so and name usable alternatives."""
    model = registry_get_model(task.model_id)
    images, videos = len(task.image_urls), len(task.video_urls)
    others = [
        other
        for other in alternatives(model.id, unavailable_models())
        if other.media.min_images <= images <= other.media.max_images
        and other.media.videos == videos
    ]
    names = ", ".join(f"{other.label} ({other.id})" for other in others) or "none right now"
    return ModelUnavailable(
        f"{model.label} is unavailable upstream (Kie: {exc.message}). "
        f"Available alternatives for the same input: {names}.",
        kie_code=exc.code,
        extra={**extra, "alternatives": [other.id for other in others]},
    )
