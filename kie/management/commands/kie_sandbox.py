"""`python manage.py kie_sandbox --port 8001`: serve the offline Kie until Ctrl-C."""

from __future__ import annotations

import logging
import signal
from decimal import Decimal
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from kie.sandbox import DEFAULT_API_KEY, SandboxServer

logger = logging.getLogger("kie.sandbox")


class Command(BaseCommand):
    help = "Serve an offline imitation of the Kie.ai API (no key, no network) on 127.0.0.1."
    # The sandbox never touches the database, so it starts even before `migrate`.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--api-key", default=DEFAULT_API_KEY)
        parser.add_argument(
            "--step-seconds", type=float, default=2.0, help="How long each task state lasts."
        )
        parser.add_argument(
            "--hmac-key",
            default=None,
            help="Sign callbacks with this key (default: KIE_WEBHOOK_HMAC_KEY, if set).",
        )
        parser.add_argument("--credits", type=Decimal, default=Decimal(5000))
        parser.add_argument(
            "--public-url",
            default=None,
            help="Base URL clients reach the sandbox at, for result links (default: host:port).",
        )
        parser.add_argument(
            "--no-rate-limits",
            action="store_true",
            help="Lift Kie's limits (20 creates per 10 s, 10 status reads per second).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        _ensure_logging(debug=options["verbosity"] >= 2)
        server = SandboxServer(
            host=options["host"],
            port=options["port"],
            public_url=options["public_url"],
            api_key=options["api_key"],
            step_seconds=options["step_seconds"],
            hmac_key=options["hmac_key"] or getattr(settings, "KIE_WEBHOOK_HMAC_KEY", "") or None,
            credits=options["credits"],
            rate_limits=not options["no_rate_limits"],
            log_traffic=True,
        )
        logger.info(
            "Kie sandbox on %s (API key %r, %s credits, %ss per task state, rate limits %s). "
            "Point KIE_BASE_URL and KIE_UPLOAD_BASE_URL here. Ctrl-C stops it.",
            server.base_url,
            server.api_key,
            server.credits,
            server.step_seconds,
            "on" if server.traffic.enabled else "off",
        )
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            logger.info("Kie sandbox stopped.")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    # SIGTERM (e.g. from a supervisor) stops as cleanly as Ctrl-C does.
    raise KeyboardInterrupt


def _ensure_logging(*, debug: bool) -> None:
    level = logging.DEBUG if debug else logging.INFO
    if not logging.getLogger().handlers and not logger.handlers:
        logging.basicConfig(level=level, format="%(asctime)s %(name)s %(message)s")
    if debug or logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(level)
