"""The errors media fetches raise.

The server only fetches URLs Kie returned for a task (and a user's reference video, public
addresses only), and only through the outbound gate (outbound.py): anything else would let a
stored URL turn the server into a proxy for arbitrary addresses.
"""

from __future__ import annotations

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

    def response_headers(self) -> dict[str, str]:
        content_range = self.extra.get("contentRange")
        return {"Content-Range": content_range} if content_range else {}
