"""What the sandbox's Veo and Jobs endpoints accept: a loose copy of Kie's checks.

See docs/kie.md#veo and docs/kie.md#model-inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

VEO_MODELS = ("veo3", "veo3_fast", "veo3_lite")
VEO_DEFAULT_MODEL = "veo3_fast"
VEO_ASPECT_RATIOS = ("16:9", "9:16", "Auto")


@dataclass(frozen=True)
class JobsModel:
    required: tuple[str, ...]
    prompt_max_chars: int | None = None
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)


_SORA_CHOICES = {
    "aspect_ratio": ("portrait", "landscape"),
    "n_frames": ("10", "15"),
    "size": ("standard", "high"),
    "upload_method": ("s3", "oss"),
}
_KLING_CHOICES = {"duration": ("5", "10")}

JOBS_MODELS: dict[str, JobsModel] = {
    "sora-2-pro-image-to-video": JobsModel(("prompt", "image_urls"), 10000, _SORA_CHOICES),
    "sora-2-pro-text-to-video": JobsModel(("prompt",), 10000, _SORA_CHOICES),
    "sora-2-image-to-video": JobsModel(("prompt", "image_urls"), 10000, _SORA_CHOICES),
    "sora-2-text-to-video": JobsModel(("prompt",), 10000, _SORA_CHOICES),
    "kling-2.6/image-to-video": JobsModel(("prompt", "image_urls"), 1000, _KLING_CHOICES),
    "kling-2.6/text-to-video": JobsModel(("prompt",), 1000, _KLING_CHOICES),
    "kling-2.6/motion-control": JobsModel(
        ("input_urls", "video_urls"),
        2500,
        {"mode": ("720p", "1080p"), "character_orientation": ("image", "video")},
    ),
}


def veo_problem(body: dict[str, Any]) -> str | None:
    """Kie's 422 message for a Veo generate body, or None when it would be accepted."""
    if not isinstance(body.get("prompt"), str) or not body["prompt"].strip():
        return "prompt is required and must be a non-empty string"
    model = body.get("model") or VEO_DEFAULT_MODEL
    if model not in VEO_MODELS:
        return f"model {model!r} is unsupported; use one of {', '.join(VEO_MODELS)}"
    ratio = body.get("aspect_ratio", body.get("aspectRatio"))
    if ratio is not None and ratio not in VEO_ASPECT_RATIOS:
        return f"aspect_ratio must be one of {', '.join(VEO_ASPECT_RATIOS)}"
    images = body.get("imageUrls")
    if images is not None and not (
        isinstance(images, list) and all(isinstance(u, str) and u for u in images)
    ):
        return "imageUrls must be a list of URLs"
    return _generation_type_problem(body, model, len(images or []))


def _generation_type_problem(body: dict[str, Any], model: str, image_count: int) -> str | None:
    kind = body.get("generationType")
    if kind == "REFERENCE_2_VIDEO" and (model != "veo3_fast" or not 1 <= image_count <= 3):
        return "REFERENCE_2_VIDEO needs model veo3_fast and 1-3 imageUrls"
    if kind == "FIRST_AND_LAST_FRAMES_2_VIDEO" and not 1 <= image_count <= 2:
        return "FIRST_AND_LAST_FRAMES_2_VIDEO needs 1 or 2 imageUrls"
    if kind not in (None, "TEXT_2_VIDEO", "REFERENCE_2_VIDEO", "FIRST_AND_LAST_FRAMES_2_VIDEO"):
        return f"generationType {kind!r} is not supported"
    return None


def jobs_input_problem(model: JobsModel, payload: Any) -> str | None:
    """Kie's 422 message for a createTask `input`, or None when it would be accepted."""
    if not isinstance(payload, dict):
        return "input is required and must be an object"
    for name in model.required:
        if payload.get(name) in (None, "", []):
            return f"input.{name} is required"
    prompt = payload.get("prompt")
    if prompt is not None and not isinstance(prompt, str):
        return "input.prompt must be a string"
    if prompt and model.prompt_max_chars and len(prompt) > model.prompt_max_chars:
        return f"input.prompt is too long: {len(prompt)} characters (max {model.prompt_max_chars})"
    for name, allowed in model.choices.items():
        # Kie's schemas type these as strings ("10", not 10); refusing numbers here catches a
        # client that would send the wrong type upstream.
        if name in payload and payload[name] not in allowed:
            shown = ", ".join(f'"{a}"' for a in allowed)
            return f"input.{name} must be one of {shown} (strings)"
    return None
