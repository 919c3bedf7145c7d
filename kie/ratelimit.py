"""The client asks a rate limiter before every attempt; Kie's limits are per API key.

Kie refuses (HTTP 429, not queued) more than 20 new generation requests per 10 s and more than
10 status look-ups per second per key (docs/kie.md, "Rate limits"). Every process sharing a key
must share the count, so the limiter's state lives outside this package (the database or Redis,
see campaigns/services/ratelimit.py); here are only the contract and the bucket of each call.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from .envelope import Kind


class Bucket(StrEnum):
    CREATE = "create"
    STATUS = "status"


# Chat and uploads have no published limit: they are not counted.
_BUCKETS: dict[Kind, Bucket] = {
    Kind.CREATE: Bucket.CREATE,
    Kind.STATUS: Bucket.STATUS,
    Kind.FILE_1080P: Bucket.STATUS,
    Kind.CREDITS: Bucket.STATUS,
}


def bucket_for(kind: Kind) -> Bucket | None:
    return _BUCKETS.get(kind)


class Admission(Protocol):
    def sent(self) -> None:
        """The request leaves now: the limiter counts it from this moment, not from acquire().

        Kie counts a call when it arrives. A thread may be held up between taking its turn and
        sending (the GIL, a busy machine); stamping the send keeps those delays from bunching
        calls into one of Kie's windows.
        """


class RateLimiter(Protocol):
    def acquire(self, bucket: Bucket) -> Admission:
        """Return once a call in `bucket` may be sent; raise KieThrottledError when it may not."""


class _Free:
    def sent(self) -> None:
        return None


class Unlimited:
    """For scripts and tests that talk to a Kie without limits."""

    def acquire(self, bucket: Bucket) -> Admission:
        return _Free()
