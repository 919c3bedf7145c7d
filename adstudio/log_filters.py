"""Logging filters referenced from settings.LOGGING."""

from __future__ import annotations

import logging


class SkipResponsesDjangoLogs(logging.Filter):
    """Drop runserver's access line for a 4xx/5xx: django.request already logs every one.

    Without this each refused request is printed twice in development. In production (gunicorn)
    runserver is absent and django.request's line is the only one, so nothing is lost.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", 0) < 400
