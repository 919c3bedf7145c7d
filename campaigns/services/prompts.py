"""Video prompts for an idea: written by Gemini for a given model, or typed by a person.

`write_video_prompt` asks Gemini inside the request (the API's POST /api/prompts);
`request_prompt` queues the same work for the worker with its progress on the row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from campaigns.models import Idea, JobState, VideoPrompt
from kie.errors import KieError
from kie.registry import VideoModel
from kie.registry.validation import prompt_error

from . import catalog, kie_client
from .errors import KieFailed, ServiceError, ValidationFailed
from .kie_errors import translate_kie_error

if TYPE_CHECKING:
    from kie.client import KieClient

_FENCE = re.compile(r"^```[a-zA-Z0-9_-]*\s*\n?(.*?)\n?```$", re.DOTALL)
_LABEL_PREFIX = re.compile(r"^\s*(?:\*\*)?(?:video\s+)?prompt(?:\*\*)?\s*:\s*(?:\*\*)?", re.I)
_QUOTES = ('"', "'", "“", "”", "‘", "’", "`")
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*(?=\s|$)")


def write_video_prompt(
    *,
    idea: Idea,
    model_id: str,
    user: Any = None,
    options: Mapping[str, Any] | None = None,
    client: KieClient | None = None,
) -> VideoPrompt:
    """Ask Gemini (text only) for a prompt tailored to the model, cleaned and within its limit.

    `options` (the job's model options) decide the clip length the prompt is planned for.
    """
    model = catalog.get_model(model_id)
    resolved = catalog.resolve_options(model, options)
    text = compose_prompt(idea, model, resolved, client=client or kie_client.for_request())
    return _save(idea, model, text, VideoPrompt.Source.GENERATED, user, options=resolved)


def request_prompt(
    *, idea: Idea, model_id: str, user: Any = None, options: Mapping[str, Any] | None = None
) -> VideoPrompt:
    """Queue a Gemini prompt for the worker: a `pending` row now, the text once written."""
    from campaigns import tasks as jobs

    model = catalog.get_model(model_id)
    resolved = catalog.resolve_options(model, options)
    with transaction.atomic():
        prompt = VideoPrompt.objects.create(
            idea=idea,
            model_id=model.id,
            options=resolved,
            state=JobState.PENDING,
            created_by=_user(user),
        )
        prompt_id = prompt.pk
        transaction.on_commit(lambda: jobs.write_prompt_task.enqueue(prompt_id))
    return prompt


def run_prompt(prompt_id: int, *, client: KieClient) -> VideoPrompt | None:
    """The worker's side of `request_prompt`."""
    claimed = VideoPrompt.objects.filter(pk=prompt_id, state=JobState.PENDING).update(
        state=JobState.RUNNING
    )
    prompt = VideoPrompt.objects.select_related("idea__product").filter(pk=prompt_id).first()
    if not claimed or prompt is None:
        return prompt
    fields: dict[str, Any]
    try:
        model = catalog.get_model(prompt.model_id)
        fields = {
            "text": compose_prompt(prompt.idea, model, prompt.options, client=client),
            "state": JobState.DONE,
        }
    except ServiceError as exc:
        fields = {"state": JobState.FAILED, "error_code": exc.code, "error_message": exc.message}
    fields["finished_at"] = timezone.now()
    VideoPrompt.objects.filter(pk=prompt.pk).update(**fields)
    prompt.refresh_from_db()
    return prompt


def compose_prompt(
    idea: Idea, model: VideoModel, options: Mapping[str, Any], *, client: KieClient
) -> str:
    """Gemini's prompt for the idea on this model, cleaned and cut to the model's limit."""
    instruction = build_instruction(idea, model, options)
    messages = [{"role": "user", "content": [{"type": "text", "text": instruction}]}]
    try:
        answer = client.chat(messages).content
    except KieError as exc:
        raise translate_kie_error(exc, extra={"ideaId": idea.pk}) from exc
    text = fit_to_limit(clean_prompt(answer), model.prompt_max_chars)
    if not text:
        raise KieFailed(
            "Gemini returned an empty video prompt; try again or write the prompt yourself.",
            extra={"ideaId": idea.pk},
            hint="Try again, or write the prompt yourself.",
        )
    return text


def save_user_prompt(*, idea: Idea, model_id: str, text: str, user: Any = None) -> VideoPrompt:
    """Store a person's own prompt after checking it fits the model."""
    model = catalog.get_model(model_id)
    text = (text or "").strip()
    if not text:
        message = f"Write a prompt describing the video for {model.label}."
        raise ValidationFailed(message, fields={"prompt": message})
    check_length(model, text)
    return _save(idea, model, text, VideoPrompt.Source.USER, user)


def check_length(model: VideoModel, text: str) -> None:
    """Refuse a prompt longer than the model takes, saying by how much."""
    message = prompt_error(model, text)
    if message:
        raise ValidationFailed(message, fields={"prompt": message})


def build_instruction(
    idea: Idea, model: VideoModel, options: Mapping[str, Any] | None = None
) -> str:
    """The request to Gemini: the idea, the model's constraints, and how to treat the product."""
    return "\n\n".join(
        [
            "You write prompts for AI video generators. Write ONE prompt for the video model "
            f"{model.label} that turns the video-ad idea below into a single clip.",
            _idea_block(idea),
            _model_block(model, options or model.default_options()),
            "Answer with the prompt text only: no title, no quotes, no markdown, no explanation.",
        ]
    )


def _idea_block(idea: Idea) -> str:
    product = idea.product
    lines = [
        f"Product: {product.name or 'the product'}",
        f"Product notes: {product.notes}" if product.notes else "",
        f"Idea title: {idea.title}",
        f"Hook: {idea.hook}",
        f"Concept: {idea.concept}",
        "Scenes: " + " | ".join(idea.scenes or []),
        f"On-screen text: {idea.on_screen_text}",
        f"Voice-over: {idea.voice_over}",
        f"Call to action: {idea.call_to_action}",
        f"Target audience: {idea.target_audience}",
        f"Aspect ratio: {idea.aspect_ratio}" if idea.aspect_ratio else "",
    ]
    return "\n".join(line for line in lines if line)


def _model_block(model: VideoModel, options: Mapping[str, Any]) -> str:
    rules = []
    seconds = model.clip_seconds(options)
    if seconds:
        rules.append(f"The clip lasts {seconds} seconds: plan only what fits in {seconds} seconds.")
    if model.prompt_max_chars:
        rules.append(
            f"{model.label} accepts at most {model.prompt_max_chars:,} characters: keep the "
            f"whole prompt under {model.prompt_max_chars:,} characters."
        )
    if model.uses_start_image:
        rules.append(
            "The product photo is the first frame of the video. Do not describe how the product "
            "looks; describe the motion, camera movement, action, lighting changes and sound "
            "that follow from that first frame."
        )
    else:
        rules.append(
            "The model sees no image: it is text to video. Describe the product fully (shape, "
            "colours, materials, label, size) so it is recognisable, plus the setting, action, "
            "camera movement, lighting and sound."
        )
    if model.media.videos:
        rules.append("A reference video drives the motion; describe the scene and style.")
    return "Constraints:\n- " + "\n- ".join(rules)


def clean_prompt(answer: str) -> str:
    """The bare prompt: no code fence, label ("Prompt:") or wrapping quotes."""
    text = answer.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1).strip()
    text = _LABEL_PREFIX.sub("", text, count=1).strip()
    while len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    return text


def fit_to_limit(text: str, limit: int | None) -> str:
    """`text`, or when too long, cut at the last sentence end within `limit` (else a word end)."""
    if limit is None or len(text) <= limit:
        return text
    head = text[:limit]
    ends = list(_SENTENCE_END.finditer(head))
    if ends and ends[-1].end() >= limit // 3:
        return head[: ends[-1].end()].strip()
    space = head.rfind(" ")
    return (head[:space] if space > 0 else head).strip()


def _save(
    idea: Idea,
    model: VideoModel,
    text: str,
    source: str,
    user: Any,
    *,
    options: Mapping[str, Any] | None = None,
) -> VideoPrompt:
    return VideoPrompt.objects.create(
        idea=idea,
        model_id=model.id,
        options=dict(options or {}),
        text=text,
        source=source,
        state=JobState.DONE,
        created_by=_user(user),
        finished_at=timezone.now(),
    )


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None
