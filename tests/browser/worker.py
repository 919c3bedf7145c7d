"""The background worker for browser tests, and a product photo worth looking at.

`work_until` runs what `manage.py db_worker` runs (due jobs, then one sweep) between looks at
the page, until the page shows what the test waits for. The browser keeps polling the live
server meanwhile, so what the page shows arrives exactly as in production: by htmx, with no
reload.

With SQLite the test database lives in memory and every thread shares one connection to it
(the live server's request threads included): two threads using it at once fail ("database
schema is locked"). `serialize_database_use` makes the live server's requests and the worker
take turns; on PostgreSQL the turns cost nothing that matters.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from playwright.sync_api import Page

WORKER_PAUSE_MS = 300
DATABASE_TURN = threading.RLock()


def serialize_database_use(live_server: Any) -> None:
    """Each live-server request runs its view while holding DATABASE_TURN."""
    httpd = live_server.thread.httpd
    app = httpd.get_app()

    def one_at_a_time(environ: dict, start_response: Callable) -> Any:
        with DATABASE_TURN:
            return app(environ, start_response)

    httpd.set_app(one_at_a_time)


def run_worker_once() -> None:
    with DATABASE_TURN:
        call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def work_until(page: Page, done: Callable[[], bool], *, what: str, seconds: float = 90) -> None:
    """Run the worker until `done()` is true of the page; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"The page never showed {what} (worker ran for {seconds} s).")
        run_worker_once()
        page.wait_for_timeout(WORKER_PAUSE_MS)


def product_photo() -> bytes:
    """A small PNG of a drink bottle on a warm background (drawn, so nothing is shipped)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 640), (241, 236, 228))
    draw = ImageDraw.Draw(image)
    draw.ellipse((170, 560, 470, 610), fill=(222, 214, 202))
    draw.rounded_rectangle((240, 150, 400, 590), 36, fill=(38, 112, 92))
    draw.rounded_rectangle((272, 96, 368, 160), 10, fill=(34, 34, 40))
    draw.rectangle((240, 330, 400, 410), fill=(233, 196, 82))
    draw.rounded_rectangle((262, 190, 282, 540), 10, fill=(70, 150, 126))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
