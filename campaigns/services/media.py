"""Which URLs the server may download generated media from, and the errors media fetches raise.

The server only ever fetches URLs Kie returned for a task, and only from Kie's own media hosts:
anything else would let a stored URL turn the server into a proxy for arbitrary addresses.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from .errors import ServiceError


class MediaHostNotAllowed(ServiceError):
    http_status = 502
    code = "media_host_not_allowed"
    default_message = "The video URL is not on one of Kie.ai's media hosts."


class MediaExpired(ServiceError):
    http_status = 410
    code = "media_expired"
    default_message = (
        "The video link has expired at Kie (Kie keeps generated files for 14 days, some links "
        "only 24 hours). Start the video again to get a new copy."
    )


class RangeNotSatisfiable(ServiceError):
    http_status = 416
    code = "range_not_satisfiable"
    default_message = "The requested byte range is outside the video."


def check_media_url(url: str) -> None:
    """Raise MediaHostNotAllowed unless `url` is http(s) on a host in settings.KIE_MEDIA_HOSTS."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        parts, host = None, ""
    allowed = {name.strip().lower() for name in settings.KIE_MEDIA_HOSTS}
    if parts is None or parts.scheme not in ("http", "https") or host not in allowed:
        raise MediaHostNotAllowed(
            f"Refusing to download {url!r}: its host {host or '(none)'!r} is not one of Kie's "
            "media hosts. Add it to KIE_MEDIA_HOSTS if Kie now serves videos from there."
        )
