"""Make videos: pick models for the chosen ideas, review Gemini's prompts and the price, start.

Step 1 (`make_videos`) asks Gemini for one prompt per idea and model, in the background
(`prompts.request_prompt`). Step 2 (`review`) shows each prompt as it is written (editable, with
the model's limit), the credits of exactly the chosen options, the total and the campaign's
remaining budget. Step 3 (`start`) starts one job per prompt, each with the idempotency key that
was rendered into the form, so a second click or a resubmitted form never starts a job twice.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns import selectors
from campaigns.models import Idea, JobState, Product, VideoPrompt
from campaigns.services import catalog, prompts
from campaigns.services.errors import ValidationFailed

from . import model_choices, review
from .access import found_or_404, staff_required
from .htmx import render_poll
from .model_choices import Picked

DRAFTS_SESSION_KEY = "portal_make_drafts"
DRAFTS_KEPT = 20


@staff_required
@require_http_methods(["GET", "POST"])
def make_videos(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(product_id)
    source = request.POST if request.method == "POST" else request.GET
    ideas = _ideas(product, source.getlist("ideas"))
    if not ideas:
        messages.error(request, "Pick at least one idea first: tick its card, then Make videos.")
        return redirect(reverse("portal:product", args=[product.pk]) + "#ideas")
    if request.method == "GET":
        suggested = {idea.suggested_model for idea in ideas}
        return _render_models(request, product, ideas, model_choices.build(suggested=suggested))
    picked = model_choices.parse(request.POST)
    resolved, errors, form_errors = _check(picked)
    if errors or form_errors:
        choices = model_choices.build(picked, errors=errors)
        context = {
            "form_errors": form_errors,
            "video_url": picked.video_url,
            "video_url_error": errors.get(model_choices.VIDEO_URL_FIELD, ""),
        }
        return _render_models(request, product, ideas, choices, status=400, **context)
    prompt_ids = _request_prompts(request, ideas, resolved)
    return redirect(review_url(product, prompt_ids, picked.video_url))


@staff_required
@require_GET
def review_page(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(product_id)
    context = review.build(product, request.GET.getlist("prompt"), request.GET.get("video_url", ""))
    if not context["lines"]:
        messages.error(request, "Those prompts are gone. Pick ideas and models again.")
        return redirect(reverse("portal:product", args=[product.pk]) + "#ideas")
    return render(request, "portal/make/review.html", context)


@staff_required
@require_GET
def prompt_body(request: HttpRequest, prompt_id: int) -> HttpResponse:
    """One prompt on the review page, polled while Gemini writes it (286 once written or failed)."""
    prompt = get_object_or_404(VideoPrompt.objects.select_related("idea"), pk=prompt_id)
    line = review.line_for(prompt, key="")
    writing = prompt.state in (JobState.PENDING, JobState.RUNNING)
    return render_poll(
        request, "portal/make/review.html#prompt-body", {"line": line}, keep_polling=writing
    )


@staff_required
@require_POST
def start(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(product_id)
    video_url = request.POST.get("video_url", "").strip()
    context = review.build(product, request.POST.getlist("prompt"), video_url, posted=request.POST)
    if not context["lines"]:
        raise Http404("No prompts to start.")
    if context["has_errors"]:
        return render(request, "portal/make/review.html", context, status=400)
    outcome = review.start_all(context["lines"], user=request.user, video_url=video_url)
    _report(request, outcome)
    if not outcome.started:
        prompt_ids = [line.prompt.pk for line in context["lines"]]
        return redirect(review_url(product, prompt_ids, video_url))
    return redirect("portal:tasks")


def review_url(product: Product, prompt_ids: list[int], video_url: str) -> str:
    query = [("prompt", pk) for pk in prompt_ids]
    if video_url:
        query.append(("video_url", video_url))
    return reverse("portal:make-review", args=[product.pk]) + "?" + urlencode(query)


def _report(request: HttpRequest, outcome: review.StartOutcome) -> None:
    for problem in outcome.problems:
        messages.error(request, problem)
    if outcome.created:
        count = len(outcome.created)
        videos_started = f"{count} video{'s' if count != 1 else ''} started"
        messages.success(request, f"{videos_started}. They update here as Kie makes them.")
    if outcome.replayed:
        replayed = len(outcome.replayed)
        messages.info(request, f"{replayed} already started; nothing was started twice.")


def _render_models(
    request: HttpRequest, product: Product, ideas: list[Idea], choices, status: int = 200, **extra
) -> HttpResponse:
    context = {
        "product": product,
        "ideas": ideas,
        "choices": choices,
        "draft": uuid.uuid4().hex,
        "video_url_field": model_choices.VIDEO_URL_FIELD,
        **extra,
    }
    return render(request, "portal/make/models.html", context, status=status)


def _check(picked: Picked) -> tuple[dict[str, dict], dict[str, str], list[str]]:
    """(options resolved per model, errors by field, errors about the whole form)."""
    resolved: dict[str, dict] = {}
    errors: dict[str, str] = {}
    if not picked.model_ids:
        return resolved, errors, ["Pick at least one model to make the videos with."]
    for model_id in picked.model_ids:
        try:
            model = catalog.check_model_available(model_id)
            resolved[model_id] = catalog.resolve_options(model, picked.options[model_id])
        except ValidationFailed as exc:
            errors |= _option_errors(model_id, exc)
            continue
        if model.media.videos and not _is_web_url(picked.video_url):
            errors[model_choices.VIDEO_URL_FIELD] = (
                f"{model.label} copies the moves of a reference video: paste its http(s) link."
            )
    return resolved, errors, []


def _option_errors(model_id: str, exc: ValidationFailed) -> dict[str, str]:
    errors = {}
    for name, message in (exc.fields or {"model": exc.message}).items():
        if name.startswith("options."):
            errors[model_choices.field_name(model_id, name.removeprefix("options."))] = message
        else:
            errors[f"model.{model_id}"] = message
    return errors


def _is_web_url(value: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return True


def _request_prompts(request: HttpRequest, ideas: list[Idea], resolved: dict[str, dict]) -> list:
    """One background prompt per idea and model; a resubmitted form gets its first prompts back."""
    drafts = request.session.get(DRAFTS_SESSION_KEY, {})
    draft = request.POST.get("draft", "")
    if draft and draft in drafts:
        return drafts[draft]
    prompt_ids = [
        prompts.request_prompt(idea=idea, model_id=model_id, options=options, user=request.user).pk
        for idea in ideas
        for model_id, options in resolved.items()
    ]
    if draft:
        kept = list(drafts.items())[-(DRAFTS_KEPT - 1) :]
        request.session[DRAFTS_SESSION_KEY] = dict(kept) | {draft: prompt_ids}
    return prompt_ids


def _product(product_id: int) -> Product:
    return found_or_404(selectors.get_product, product_id)


def _ideas(product: Product, raw_ids: list[str]) -> list[Idea]:
    ids = [int(value) for value in raw_ids if value.isdigit()]
    return list(product.ideas.filter(pk__in=ids).order_by("-batch", "rank"))
