"""Is the service usable. Two questions, two costs:

- liveness (`check_liveness`, GET /healthz): the database answers a trivial query. Never calls
  Kie, so probes as often as a load balancer likes cost nothing upstream.
- readiness (`check_health`, GET /readyz): the database and Kie.ai's credits call. Kie's answer
  is cached for KIE_HEALTH_CACHE_SECONDS (≥ 30 s) in the default cache, so at most one Kie call
  per interval per cache (per process with the local-memory cache, once overall with a shared one).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection

from kie.errors import KieError

from . import kie_client
from .kie_errors import translate_kie_error

if TYPE_CHECKING:
    from kie.client import KieClient

logger = logging.getLogger(__name__)

# A health probe must answer fast: one short attempt, no retries with backoff.
HEALTH_TIMEOUT_SECONDS = (2.0, 5.0)
MIN_KIE_CACHE_SECONDS = 30
KIE_CACHE_KEY = "health:kie"


def check_liveness() -> dict[str, Any]:
    database = {"ok": _database_ok()}
    return {"status": "ok" if database["ok"] else "degraded", "database": database}


def check_health(*, client: KieClient | None = None) -> dict[str, Any]:
    """Readiness: the database and Kie.ai (Kie's answer cached, see the module docstring)."""
    database = {"ok": _database_ok()}
    kie = _kie_status(client or kie_client.for_request())
    status = "ok" if database["ok"] and kie["ok"] else "degraded"
    return {"status": status, "database": database, "kie": kie}


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.exception("Health check: database query failed")
        return False


def _kie_status(client: KieClient) -> dict[str, Any]:
    status = cache.get(KIE_CACHE_KEY)
    if status is None:
        ok, detail = _kie_reachable(client)
        status = {"ok": ok, "detail": detail}
        seconds = max(MIN_KIE_CACHE_SECONDS, settings.KIE_HEALTH_CACHE_SECONDS)
        cache.set(KIE_CACHE_KEY, status, seconds)
    return status


def _kie_reachable(client: KieClient) -> tuple[bool, str]:
    # Public knobs of KieClient: a probe must not spend long on Kie while Kie is down.
    client.timeout = HEALTH_TIMEOUT_SECONDS
    client.max_attempts = 1
    try:
        client.get_credits()
    except KieError as exc:
        logger.warning("Health check: Kie.ai credits call failed: %r", exc)
        return False, translate_kie_error(exc).message
    return True, "Kie.ai answered the credits call."
