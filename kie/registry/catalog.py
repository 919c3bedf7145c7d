"""The six video models AdStudio offers, declared as data (docs/kie.md#model-inputs).

To add a model, declare it here: parameter names, options, limits, clip length and prices.
Validation and payload building read these declarations and need no change.
"""

from __future__ import annotations

from kie.types import Provider

from .errors import UnknownModelError
from .spec import (
    CHOICE,
    CreditTable,
    MediaNeeds,
    OptionSpec,
    VideoModel,
    bool_option,
    choice_option,
)

# Kie documents no maximum prompt length for Veo. Gemini writes prompts of a few hundred words,
# so 5000 characters leaves room while still refusing pasted documents before they cost credits.
VEO_PROMPT_MAX_CHARS = 5000

_VEO_ASPECT_RATIO = OptionSpec(
    name="aspect_ratio",
    kie_param="aspect_ratio",  # snake_case: Kie silently ignores the old `aspectRatio` name.
    kind=CHOICE,
    choices=("16:9", "9:16", "Auto"),
    default="16:9",
    label="Aspect ratio",
    help="Auto crops to whichever of 16:9 or 9:16 is closer to the image.",
)


def _veo(model_id: str, label: str, credits: int) -> VideoModel:
    return VideoModel(
        id=model_id,
        label=label,
        provider=Provider.VEO,
        # 1 image: the video unfolds around it; 2 images: first frame -> last frame.
        media=MediaNeeds(min_images=0, max_images=2, image_param="imageUrls"),
        options=(_VEO_ASPECT_RATIO,),
        prompt_max_chars=VEO_PROMPT_MAX_CHARS,
        prompt_required=True,
        credits=CreditTable.flat(credits),
        fixed_clip_seconds=8,
        # Kie: "generation usually takes 2-5 minutes"; six times that is a stuck task.
        deadline_seconds=30 * 60,
    )


def _sora_options(default_size: str) -> tuple[OptionSpec, ...]:
    return (
        choice_option("aspect_ratio", ("landscape", "portrait"), "landscape", "Orientation"),
        choice_option(
            "n_frames",
            ("10", "15"),
            "10",
            "Length (seconds)",
            "Kie calls it n_frames, but the value is the clip length in seconds.",
        ),
        choice_option(
            "size", ("standard", "high"), default_size, "Quality", "High costs about twice as much."
        ),
        bool_option("remove_watermark", True, "Remove watermark"),
        # The schema marks upload_method required although it has a default: always send it.
        choice_option(
            "upload_method", ("s3", "oss"), "s3", "Upload storage", "Where Kie stores the result."
        ),
    )


_SORA_CREDITS = CreditTable(
    ("size", "n_frames"),
    {("standard", "10"): 150, ("standard", "15"): 270, ("high", "10"): 330, ("high", "15"): 630},
)


def _sora(model_id: str, label: str, images: int, default_size: str) -> VideoModel:
    return VideoModel(
        id=model_id,
        label=label,
        provider=Provider.JOBS,
        media=MediaNeeds(min_images=images, max_images=images),
        options=_sora_options(default_size),
        prompt_max_chars=10_000,
        prompt_required=True,
        credits=_SORA_CREDITS,
        clip_seconds_option="n_frames",
        # Sora 2 Pro at high quality and 15 s is the slowest job we start.
        deadline_seconds=60 * 60,
    )


KLING_IMAGE_TO_VIDEO = VideoModel(
    id="kling-2.6/image-to-video",
    label="Kling 2.6 (image to video)",
    provider=Provider.JOBS,
    media=MediaNeeds(min_images=1, max_images=1),
    options=(
        choice_option("duration", ("5", "10"), "5", "Length (seconds)"),
        bool_option("sound", False, "Native sound", "Generate audio too; doubles the cost."),
    ),
    prompt_max_chars=1000,
    prompt_required=True,
    credits=CreditTable(
        ("duration", "sound"),
        {("5", False): 55, ("5", True): 110, ("10", False): 110, ("10", True): 220},
    ),
    clip_seconds_option="duration",
)

# Kie publishes no motion-control price and sources disagree: 6/9 or 11/18 credits per second of
# output (720p/1080p). The output is as long as the reference video, which we never measure, so
# budget for the worst case: the higher rate times the longest reference Kie accepts for the
# orientation (10 s when following the image, 30 s when following the video).
_MOTION_CREDITS_PER_SECOND = {"720p": 11, "1080p": 18}
_MOTION_MAX_REFERENCE_SECONDS = {"image": 10, "video": 30}

KLING_MOTION_CONTROL = VideoModel(
    id="kling-2.6/motion-control",
    label="Kling 2.6 Motion Control",
    provider=Provider.JOBS,
    media=MediaNeeds(min_images=1, max_images=1, videos=1, image_param="input_urls"),
    options=(
        choice_option("mode", ("720p", "1080p"), "720p", "Resolution"),
        choice_option(
            "character_orientation",
            ("image", "video"),
            "video",
            "Character orientation",
            "image: keep the picture's orientation (reference video up to 10 s); "
            "video: follow the video's orientation (reference video up to 30 s).",
        ),
    ),
    prompt_max_chars=2500,
    prompt_required=False,
    credits=CreditTable(
        ("mode", "character_orientation"),
        {
            (mode, orientation): rate * seconds
            for mode, rate in _MOTION_CREDITS_PER_SECOND.items()
            for orientation, seconds in _MOTION_MAX_REFERENCE_SECONDS.items()
        },
    ),
    fixed_clip_seconds=None,  # The clip is as long as the reference video.
)

MODELS_BY_ID: dict[str, VideoModel] = {
    model.id: model
    for model in (
        _veo("veo3", "Veo 3.1 Quality", credits=250),
        _veo("veo3_fast", "Veo 3.1 Fast", credits=60),
        _sora("sora-2-pro-image-to-video", "Sora 2 Pro (image to video)", 1, "standard"),
        _sora("sora-2-pro-text-to-video", "Sora 2 Pro (text to video)", 0, "high"),
        KLING_IMAGE_TO_VIDEO,
        KLING_MOTION_CONTROL,
    )
}


def all_models() -> list[VideoModel]:
    return list(MODELS_BY_ID.values())


def get_model(model_id: str) -> VideoModel:
    model = MODELS_BY_ID.get(model_id) if isinstance(model_id, str) else None
    if model is None:
        raise UnknownModelError(model_id, MODELS_BY_ID)
    return model
