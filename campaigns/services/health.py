"""Is the service usable: the database answers a trivial query and Kie.ai answers a credits call."""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, connection

from kie.errors import KieError

from . import kie_client
from .kie_errors import translate_kie_error

logger = logging.getLogger(__name__)

# A health probe must answer fast: one short attempt, no retries with backoff.
HEALTH_TIMEOUT_SECONDS = (2.0, 5.0)


def check_health() -> dict[str, Any]:
    database = {"ok": _database_ok()}
    kie_ok, detail = _kie_reachable()
    status = "ok" if database["ok"] and kie_ok else "degraded"
    return {"status": status, "database": database, "kie": {"ok": kie_ok, "detail": detail}}


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.exception("Health check: database query failed")
        return False


def _kie_reachable() -> tuple[bool, str]:
    client = kie_client.get_kie_client()
    # Public knobs of KieClient: a probe must not spend ~15 s in retries while Kie is down.
    client.timeout = HEALTH_TIMEOUT_SECONDS
    client.max_attempts = 1
    try:
        client.get_credits()
    except KieError as exc:
        logger.warning("Health check: Kie.ai credits call failed: %r", exc)
        return False, translate_kie_error(exc).message
    return True, "Kie.ai answered the credits call."
