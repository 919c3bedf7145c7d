"""`SandboxServer`: the offline Kie, on a real port, for `make run` and for tests."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from kie.sandbox import callbacks
from kie.sandbox.handler import SandboxHandler, SandboxHTTPServer
from kie.sandbox.state import SandboxState
from kie.sandbox.tasks import JOBS, SandboxTask, jobs_callback, veo_callback
from kie.sandbox.traffic import CREATE, KIE_LIMITS, STATUS, RateLimit, Traffic, log_line

logger = logging.getLogger("kie.sandbox")

DEFAULT_API_KEY = "sandbox-key"
DEFAULT_CREDITS = 5000
_WILDCARD_HOSTS = ("", "0.0.0.0", "::")


class SandboxServer:
    """Serve Kie's contract on `host:port` (0 picks a free port; see `.base_url`).

    Two clocks: `advance_on_poll=True` moves a task one state per status read (tests);
    otherwise tasks move one state every `step_seconds` of wall time (`make run`).

    Kie's per-key rate limits are on unless `rate_limits=False`; `create_limit` and
    `status_limit` replace Kie's 20 per 10 s and 10 per 1 s. `log_traffic=True` logs one line
    per second that had traffic (the management command).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str = DEFAULT_API_KEY,
        step_seconds: float = 2.0,
        advance_on_poll: bool = False,
        hmac_key: str | None = None,
        credits: Decimal | int | str = DEFAULT_CREDITS,
        clock: Callable[[], float] = time.time,
        public_url: str | None = None,
        rate_limits: bool = True,
        create_limit: RateLimit = KIE_LIMITS[CREATE],
        status_limit: RateLimit = KIE_LIMITS[STATUS],
        log_traffic: bool = False,
    ) -> None:
        if step_seconds <= 0:
            raise ValueError("step_seconds must be greater than 0")
        self.api_key = api_key
        self.step_seconds = step_seconds
        self._defaults = {"advance_on_poll": advance_on_poll, "hmac_key": hmac_key}
        self.advance_on_poll = advance_on_poll
        self.hmac_key = hmac_key
        self.state = SandboxState(credits=credits, clock=clock)
        self._limit_defaults = {
            "enabled": rate_limits,
            "create": create_limit,
            "status": status_limit,
        }
        self.traffic = Traffic(clock=clock, enabled=rate_limits)
        self.set_limits(**self._limit_defaults)
        self.log_traffic = log_traffic
        self._httpd = SandboxHTTPServer((host, port), SandboxHandler)
        self._httpd.sandbox = self
        self.host, self.port = self._httpd.server_address[:2]
        public_host = "127.0.0.1" if host in _WILDCARD_HOSTS else host
        # In a container the app reaches the sandbox by service name, not by its bind address.
        self.base_url = (public_url or f"http://{public_host}:{self.port}").rstrip("/")
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> SandboxServer:
        """Serve from a background thread and return at once (tests, `runstack`)."""
        self._spawn(self._httpd.serve_forever, "kie-sandbox-http")
        self._spawn(self._tick_forever, "kie-sandbox-clock")
        return self

    def serve_forever(self) -> None:
        """Serve on this thread until `stop()` or Ctrl-C (the management command)."""
        self._spawn(self._tick_forever, "kie-sandbox-clock")
        try:
            self._httpd.serve_forever()
        finally:
            self._stopped.set()
            self._httpd.server_close()
            self._log_traffic(include_current=True)  # the last, unfinished second too

    def stop(self) -> None:
        self._stopped.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._log_traffic(include_current=True)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _tick_forever(self) -> None:
        interval = min(0.25, self.step_seconds / 4)
        while not self._stopped.wait(interval):
            if not self.advance_on_poll:
                for task in self.state.tick(self.step_seconds):
                    self._send_callback(task)
            self._log_traffic()

    def _log_traffic(self, *, include_current: bool = False) -> None:
        if self.log_traffic:
            for second, counts in self.traffic.finished_seconds(include_current=include_current):
                logger.info(log_line(second, counts))

    # -- test controls -----------------------------------------------------------------------

    def set_faults(self, **faults: Any) -> None:
        """Switch faults on/off (see `Faults`); an unknown name raises ValueError."""
        with self.state.lock:
            self.state.faults.update(**faults)

    def set_limits(
        self,
        *,
        enabled: bool | None = None,
        create: RateLimit | None = None,
        status: RateLimit | None = None,
    ) -> None:
        """Switch the rate limits on/off, or change them (None keeps a setting as it is)."""
        changed = {kind: limit for kind, limit in (("create", create), ("status", status)) if limit}
        self.traffic.configure(enabled=enabled, limits=changed)

    def admit(self, kind: str) -> bool:
        """A request of this kind may go ahead: within the rate limits, and no 429 injected."""
        with self.state.lock:
            injected = kind == CREATE and self.state.faults.take("create_429")
        if injected:
            self.traffic.refuse(kind)
            return False
        return self.traffic.admit(kind)

    def stats(self) -> dict[str, Any]:
        """Request counts since the last reset (the same JSON as GET /sandbox/stats)."""
        return self.traffic.stats()

    def expire_media(
        self, task_id: str | None = None, *, older_than_seconds: float | None = None
    ) -> list[str]:
        """Make result files answer 404, as Kie's do after retention: one task's (KeyError if
        unknown), or those of every task created `older_than_seconds` ago or earlier."""
        if (task_id is None) == (older_than_seconds is None):
            raise ValueError("Give exactly one of task_id or older_than_seconds")
        return self.state.expire_media(task_id, older_than_seconds)

    def reset(self) -> None:
        """Forget tasks, uploads, faults, logs and request counts; restore credits, rate limits
        and the other modes the constructor set."""
        self.state.reset()
        self.advance_on_poll = self._defaults["advance_on_poll"]
        self.hmac_key = self._defaults["hmac_key"]
        self.set_limits(**self._limit_defaults)
        self.traffic.reset()

    @property
    def tasks(self) -> dict[str, SandboxTask]:
        return self.state.tasks

    @property
    def request_log(self) -> list[tuple[str, str]]:
        return self.state.request_log

    @property
    def credits(self) -> Decimal:
        return self.state.credits

    @property
    def callbacks(self) -> list[dict[str, Any]]:
        """Delivery outcomes: {taskId, url, status, error} per callback sent."""
        return self.state.callbacks

    # -- task clock --------------------------------------------------------------------------

    def observe(self, task: SandboxTask) -> None:
        """A status read: advance the task by the active clock, calling back if it finished."""
        with self.state.lock:
            if self.advance_on_poll:
                target = task.step + 1
            else:
                target = int((self.state.clock() - task.created_at) / self.step_seconds)
            finished = self.state.step_task(task, target)
        if finished:
            self._send_callback(task)

    def _send_callback(self, task: SandboxTask) -> None:
        if not task.callback_url:
            return
        with self.state.lock:
            if task.provider == JOBS:
                payload = jobs_callback(task, self.base_url, self.state.credits)
            else:
                legacy = self.state.faults.veo_legacy_result_urls
                payload = veo_callback(task, self.base_url, legacy_result_urls=legacy)
        callbacks.deliver(
            task.callback_url,
            payload,
            task_id=task.task_id,
            hmac_key=self.hmac_key,
            on_done=self.state.record_callback,
        )
