"""Alternatives for a model: the other models that take the same kind of input."""

from __future__ import annotations

from collections.abc import Collection

from .catalog import all_models, get_model
from .spec import VideoModel

TEXT, IMAGE, IMAGE_AND_VIDEO = "text", "image", "image+video"


def input_kinds(model: VideoModel) -> frozenset[str]:
    """The kinds of input a model can start from: text only, an image, or image + video."""
    media = model.media
    if media.videos:
        return frozenset({IMAGE_AND_VIDEO})
    kinds = {TEXT} if media.min_images == 0 else set()
    if media.max_images > 0:
        kinds.add(IMAGE)
    return frozenset(kinds)


def alternatives(model_id: str, unavailable: Collection[str] = ()) -> list[VideoModel]:
    """Models outside `unavailable` that take the same kind of input, closest matches first.

    Which models are unavailable is the caller's knowledge (campaigns.services.catalog keeps it,
    from settings and the admin's switches); the registry only knows what each model takes.
    """
    kinds = input_kinds(get_model(model_id))
    blocked = set(unavailable)
    candidates = [
        model
        for model in all_models()
        if model.id != model_id and model.id not in blocked and input_kinds(model) & kinds
    ]
    # Same kinds of input first (Veo for Veo), then models that overlap; catalog order otherwise.
    return sorted(candidates, key=lambda model: input_kinds(model) != kinds)
