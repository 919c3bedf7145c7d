"""The two Kie clients a service may be handed, shaped for who is asking.

Services receive the client they use (a `client` argument); these build them. A web request's
client (`for_request`) never sleeps waiting for Kie: it takes a rate-limit turn only if one is
free now, makes one attempt, and gives up after KIE_WEB_TIME_BUDGET_SECONDS whatever Kie does
(Gemini's chat, which the synchronous ideas endpoint waits for by design, has its own timeout).
The worker's client (`for_worker`) may wait for a turn and retries with back-off. Both share the
same limiter, so together they never exceed Kie's limits.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.conf import settings

from . import ratelimit

if TYPE_CHECKING:
    from kie.client import KieClient

# How the worker's client and limiter wait; tests replace it so nothing really sleeps.
sleep = time.sleep


def for_request() -> KieClient:
    """For code serving a web request: no waiting, one attempt, a hard time budget."""
    from kie.client import KieClient

    return KieClient.from_settings(
        limiter=ratelimit.get_limiter(max_wait_seconds=0),
        max_attempts=1,
        time_budget_seconds=settings.KIE_WEB_TIME_BUDGET_SECONDS,
    )


def for_worker() -> KieClient:
    """For the worker (jobs, the sweeper, commands): waits for its turn, retries with back-off."""
    from kie.client import KieClient

    limiter = ratelimit.get_limiter(
        max_wait_seconds=settings.KIE_WORKER_MAX_WAIT_SECONDS, sleep=sleep
    )
    return KieClient.from_settings(limiter=limiter, sleep=sleep)
