"""Check a video request against its model's declaration, reporting every bad field at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from .catalog import get_model
from .errors import RegistryValidationError
from .spec import VideoModel, VideoRequest, quote


def validate_request(
    model_id: str,
    *,
    prompt: str,
    options: Mapping[str, Any] | None = None,
    image_urls: Sequence[str] = (),
    video_urls: Sequence[str] = (),
    prompt_pending: bool = False,
) -> VideoRequest:
    """A VideoRequest ready for `build_payload`; RegistryValidationError naming every bad field.

    `prompt_pending`: the prompt will be written later, so an empty one is not an error yet.
    """
    model = get_model(model_id)
    errors: dict[str, str] = {}
    resolved, option_errors = model.parse_options(options)
    errors.update(option_errors)
    clean_prompt = prompt.strip() if isinstance(prompt, str) else ""
    checks = {
        "prompt": None if prompt_pending and not clean_prompt else prompt_error(model, prompt),
        "imageUrls": image_error(model, _as_tuple(image_urls)),
        "videoUrl": video_error(model, _as_tuple(video_urls)),
    }
    errors.update({name: text for name, text in checks.items() if text})
    if errors:
        raise RegistryValidationError(errors)
    return VideoRequest(
        model=model,
        prompt=clean_prompt,
        options=resolved,
        image_urls=_stripped(image_urls),
        video_urls=_stripped(video_urls),
    )


def _as_tuple(urls: Sequence[str] | str | None) -> tuple[Any, ...]:
    # A lone string is one URL, not a sequence of one-character URLs.
    if urls is None:
        return ()
    if isinstance(urls, str):
        return (urls,)
    return tuple(urls)


def _stripped(urls: Sequence[str] | str | None) -> tuple[str, ...]:
    return tuple(url.strip() for url in _as_tuple(urls))


def prompt_error(model: VideoModel, prompt: Any) -> str | None:
    if prompt is not None and not isinstance(prompt, str):
        return "must be text"
    text = (prompt or "").strip()
    if not text:
        return f"a prompt is required for {model.id}" if model.prompt_required else None
    limit = model.prompt_max_chars
    if limit is not None and len(text) > limit:
        return (
            f"{model.label} accepts at most {limit:,} characters; this prompt has "
            f"{len(text):,}. Shorten it by {len(text) - limit:,}."
        )
    return None


def image_error(model: VideoModel, urls: tuple[Any, ...]) -> str | None:
    low, high, count = model.media.min_images, model.media.max_images, len(urls)
    if high == 0 and count:
        return f"{model.id} takes no images (got {count}); send the prompt only"
    if low == high and count != low:
        return f"{model.id} needs exactly {_images(low)} (got {count})"
    if not low <= count <= high:
        return f"{model.id} takes {low} to {high} images (got {count})"
    return url_error(urls, "image")


def video_error(model: VideoModel, urls: tuple[Any, ...]) -> str | None:
    wanted, count = model.media.videos, len(urls)
    if wanted == 0 and count:
        return f"{model.id} takes no reference video"
    if count != wanted:
        return f"{model.id} needs exactly 1 reference video (got {count})"
    return url_error(urls, "video")


def url_error(urls: tuple[Any, ...], what: str) -> str | None:
    for url in urls:
        if not is_http_url(url):
            return f"each {what} URL must start with http:// or https:// (got {quote(url)})"
    return None


def is_http_url(url: Any) -> bool:
    if not isinstance(url, str):
        return False
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _images(count: int) -> str:
    return "1 image" if count == 1 else f"{count} images"
