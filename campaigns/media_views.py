"""Media for signed-in staff: task videos and posters, product photos. Never a public /media/.

The portal's `<video>` and `<img>` tags and the admin point here. A video comes from our archive
(campaigns/services/archive.py) with Range, validators and the configured delivery mode
(campaigns/media_responses.py); until it is archived, or if its copy failed or expired, it streams
from Kie's result URL. Posters exist once a video is archived.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.views.decorators.http import require_safe

from campaigns import media_responses, selectors
from campaigns.models import VideoTask
from campaigns.portal.access import found_or_404, staff_required
from campaigns.services import downloads
from campaigns.services.errors import ServiceError


@require_safe
@staff_required
def task_video(request: HttpRequest, public_id: str) -> HttpResponseBase:
    """The finished video, inline for a <video> element, `?download=1` to save it;
    `?quality=1080p` for Veo's 1080p file."""
    task = _task(public_id)
    quality = "1080p" if request.GET.get("quality") == "1080p" else "original"
    attachment = request.GET.get("download") == "1"
    try:
        return media_responses.task_video_response(
            request, task, quality=quality, attachment=attachment
        )
    except ServiceError as exc:
        return _error(exc)


@require_safe
@staff_required
def task_poster(request: HttpRequest, public_id: str) -> HttpResponseBase:
    """A JPEG frame ~1 s into the video; 404 until the video is archived."""
    poster = downloads.poster_file(_task(public_id))
    if poster is None:
        raise Http404("No poster yet for this video: it appears once the video is archived.")
    return _stored(request, poster)


@require_safe
@staff_required
def product_image(request: HttpRequest, product_id: int) -> HttpResponseBase:
    product = found_or_404(selectors.get_product, product_id)
    if not product.image:
        return HttpResponseRedirect(product.source_image_url)
    image = downloads.product_image_file(product)
    if image is None:
        raise Http404(f"The photo of product {product_id} is missing from media storage.")
    return _stored(request, image)


def _stored(request: HttpRequest, stored: downloads.StoredFile) -> HttpResponseBase:
    try:
        return media_responses.stored_file_response(request, stored)
    except ServiceError as exc:
        return _error(exc)


def _error(exc: ServiceError) -> HttpResponse:
    response = HttpResponse(exc.message, status=exc.http_status, content_type="text/plain")
    for name, value in exc.response_headers().items():
        response[name] = value
    return response


def _task(public_id: str) -> VideoTask:
    return found_or_404(selectors.get_task, public_id)
