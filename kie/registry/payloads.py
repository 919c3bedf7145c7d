"""The exact JSON Kie expects for a validated request: one builder per provider, none per model."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from kie.types import Provider

from .spec import VideoRequest


def build_payload(request: VideoRequest, *, callback_url: str | None = None) -> dict[str, Any]:
    """The create body for `request`'s provider (Veo generate or Jobs createTask)."""
    return _BUILDERS[Provider(request.model.provider)](request, callback_url)


def estimate_credits(request: VideoRequest) -> Decimal:
    return request.model.estimate_credits(request.options)


def _option_params(request: VideoRequest) -> dict[str, Any]:
    return {option.kie_param: request.options[option.name] for option in request.model.options}


def build_veo_payload(request: VideoRequest, callback_url: str | None) -> dict[str, Any]:
    # https://docs.kie.ai/veo3-api/generate-veo-3-video
    # An explicit generationType instead of letting Kie guess from imageUrls; `enableFallback`
    # is deprecated and never sent.
    payload: dict[str, Any] = {
        "prompt": request.prompt,
        "model": request.model.id,
        "generationType": (
            "FIRST_AND_LAST_FRAMES_2_VIDEO" if request.image_urls else "TEXT_2_VIDEO"
        ),
        **_option_params(request),
    }
    if request.image_urls:
        payload[request.model.media.image_param] = list(request.image_urls)
    if callback_url:
        payload["callBackUrl"] = callback_url
    return payload


def build_jobs_payload(request: VideoRequest, callback_url: str | None) -> dict[str, Any]:
    # https://docs.kie.ai/market/quickstart — {"model", "callBackUrl"?, "input": {...}}
    media = request.model.media
    model_input: dict[str, Any] = {}
    if request.prompt:
        model_input["prompt"] = request.prompt
    if request.image_urls:
        model_input[media.image_param] = list(request.image_urls)
    if request.video_urls:
        model_input[media.video_param] = list(request.video_urls)
    model_input.update(_option_params(request))
    payload: dict[str, Any] = {"model": request.model.id}
    if callback_url:
        payload["callBackUrl"] = callback_url
    payload["input"] = model_input
    return payload


_BUILDERS: dict[Provider, Callable[[VideoRequest, str | None], dict[str, Any]]] = {
    Provider.VEO: build_veo_payload,
    Provider.JOBS: build_jobs_payload,
}
