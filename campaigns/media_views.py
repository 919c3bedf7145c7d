"""Media for signed-in staff: task videos and posters, product photos. Never a public /media/.

The portal's `<video>` and `<img>` tags and the admin point here. For now a video streams from
Kie's result URL (like GET /api/video/download) and posters are not made yet; archiving (kept
copies, posters, ranged serving from our storage) replaces the insides, not these URLs.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect

from campaigns import selectors
from campaigns.api.views.videos import streaming_response
from campaigns.portal.access import staff_required
from campaigns.services import downloads
from campaigns.services.errors import NotFound, ServiceError


@staff_required
def task_video(request: HttpRequest, public_id: str) -> HttpResponse:
    """The finished video, inline for a <video> element, `?download=1` to save it."""
    task = _task(public_id)
    quality = "1080p" if request.GET.get("quality") == "1080p" else "original"
    try:
        download = downloads.open_download(
            task, quality=quality, range_header=request.headers.get("Range")
        )
    except ServiceError as exc:
        return HttpResponse(exc.message, status=exc.http_status, content_type="text/plain")
    return streaming_response(download, attachment=request.GET.get("download") == "1")


@staff_required
def task_poster(request: HttpRequest, public_id: str) -> HttpResponse:
    _task(public_id)
    raise Http404("No poster yet for this video.")


@staff_required
def product_image(request: HttpRequest, product_id: int) -> HttpResponse:
    try:
        product = selectors.get_product(product_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if product.image:
        return FileResponse(product.image.open("rb"))
    return HttpResponseRedirect(product.source_image_url)


def _task(public_id: str):
    try:
        return selectors.get_task(public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
