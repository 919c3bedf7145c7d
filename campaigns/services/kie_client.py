"""The one place services get a Kie client from, shaped for who is asking.

A web request must never sleep waiting for Kie: its client takes a rate-limit token only if one
is free now, makes one attempt, and gives up after KIE_WEB_TIME_BUDGET_SECONDS whatever Kie does
(Gemini's chat, which the synchronous ideas endpoint waits for by design, has its own timeout).
The worker (inside `background_work()`) may wait for a token and retries with back-off. Both
share the same limiter, so together they never exceed Kie's limits.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.conf import settings

from . import ratelimit

if TYPE_CHECKING:
    from kie.client import KieClient

_in_background: ContextVar[bool] = ContextVar("kie_background_work", default=False)
# How the worker's client and limiter wait; tests replace it so nothing really sleeps.
sleep = time.sleep


@contextmanager
def background_work() -> Iterator[None]:
    """Mark the code inside as worker code: its Kie calls may wait for the rate limiter."""
    token = _in_background.set(True)
    try:
        yield
    finally:
        _in_background.reset(token)


def in_background() -> bool:
    return _in_background.get()


def get_kie_client() -> KieClient:
    from kie.client import KieClient

    if in_background():
        limiter = ratelimit.get_limiter(
            max_wait_seconds=settings.KIE_WORKER_MAX_WAIT_SECONDS, sleep=sleep
        )
        return KieClient.from_settings(limiter=limiter, sleep=sleep)
    return KieClient.from_settings(
        limiter=ratelimit.get_limiter(max_wait_seconds=0),
        max_attempts=1,
        time_budget_seconds=settings.KIE_WEB_TIME_BUDGET_SECONDS,
    )
