"""Checking a motion-control reference video before the job is paid for.

Kie takes the reference video's URL and only fails the job later (after it is billed) when the
video is too long, too short or too big (docs/kie.md, Kling 2.6 motion control: MP4/MOV/MKV,
≤ 100 MB, 3–30 s, at most 10 s with `character_orientation` `image`). So the start path fetches the
video once — from any public host, through the outbound gate, within a size cap and a time budget
(REFERENCE_VIDEO_TIMEOUT_SECONDS) — measures it with PyAV, and answers a 400 naming `videoUrl` and
the numbers when it does not fit, before anything calls Kie.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings

from kie.registry import VideoModel
from kie.registry.validation import is_http_url

from . import video_facts
from .errors import ValidationFailed
from .media_copy import CopyFailed, copy_to_tempfile

MAX_BYTES = 100 * 1024 * 1024
MIN_SECONDS = 3.0
MAX_SECONDS = {"image": 10.0, "video": 30.0}
FIELD = "videoUrl"


def check_request(
    model: VideoModel, options: Mapping[str, Any] | None, video_urls: Sequence[str] | None
) -> video_facts.VideoFacts | None:
    """Measure the request's reference video when its model takes one; None when there is
    nothing to measure yet (the registry's validation reports a missing or malformed URL)."""
    urls = list(video_urls or [])
    if model.media.videos != 1 or len(urls) != 1 or not is_http_url(urls[0]):
        return None
    resolved, option_errors = model.parse_options(options)
    if option_errors:
        return None
    orientation = str(resolved.get("character_orientation", "video"))
    return check_reference_video(urls[0].strip(), model=model, orientation=orientation)


def check_reference_video(
    url: str, *, model: VideoModel, orientation: str = "video"
) -> video_facts.VideoFacts:
    """The video's facts when Kie will take it as a reference; else ValidationFailed(videoUrl)."""
    try:
        copied = copy_to_tempfile(
            url,
            max_bytes=MAX_BYTES,
            budget_seconds=settings.REFERENCE_VIDEO_TIMEOUT_SECONDS,
            any_public_host=True,
        )
    except CopyFailed as exc:
        raise _refused(_fetch_problem(exc, model)) from exc
    with copied.file:
        try:
            facts = video_facts.probe(copied.file.name)
        except video_facts.NotAVideo as exc:
            raise _refused(f"the reference video is {exc}") from exc
    _check_facts(facts, model, orientation)
    return facts


def _fetch_problem(exc: CopyFailed, model: VideoModel) -> str:
    if exc.size is not None:  # the message names the size and the limit
        return f"the reference video is too big for {model.label}: {exc.message}"
    return f"the reference video could not be fetched: {exc.message}"


def _check_facts(facts: video_facts.VideoFacts, model: VideoModel, orientation: str) -> None:
    seconds, longest = facts.duration_seconds, MAX_SECONDS.get(orientation, MAX_SECONDS["video"])
    if seconds < MIN_SECONDS:
        raise _refused(
            f"the reference video is {seconds:g} s long; {model.label} needs at least "
            f"{MIN_SECONDS:g} s (at most {longest:g} s)"
        )
    if seconds > longest:
        other = "video" if orientation == "image" else None
        hint = f" ({MAX_SECONDS['video']:g} s with character_orientation 'video')" if other else ""
        raise _refused(
            f"the reference video is {seconds:g} s long; with character_orientation "
            f"'{orientation}' {model.label} takes at most {longest:g} s{hint}"
        )


def _refused(message: str) -> ValidationFailed:
    sentence = message[0].upper() + message[1:].rstrip(".")
    return ValidationFailed.for_fields({FIELD: f"{sentence}."})
