"""`make run`: migrate, print the demo login, and serve web + worker (+ the Kie sandbox) together.

One command, one Ctrl-C: every child runs in this process's foreground group and is stopped when
any of them exits or the user interrupts. Each line a child prints is prefixed with its name, the
way honcho and foreman do, so three processes' output stays readable.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from .ensure_demo_user import ensure_demo_user

SANDBOX_API_KEY = "sandbox-local-key"
POLL_SECONDS = 0.2


@dataclass(frozen=True)
class Child:
    name: str
    argv: list[str]


class Command(BaseCommand):
    help = (
        "Run the web server, the background worker and (without KIE_API_KEY) the offline Kie "
        "sandbox together; Ctrl-C stops all of them. `make run` calls this."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port",
            type=int,
            default=8000,
            help="Port of the web server on 127.0.0.1 (default 8000; `make run PORT=…`).",
        )
        parser.add_argument(
            "--sandbox-port",
            type=int,
            default=8001,
            help="Port of the offline Kie sandbox, started when no KIE_API_KEY is set "
            "(default 8001; `make run SANDBOX_PORT=…`).",
        )
        parser.add_argument(
            "--sandbox-step-seconds",
            type=float,
            default=3.0,
            help="How long each sandbox task state lasts.",
        )

    def handle(self, *args: object, **options: Any) -> None:
        # Before anything starts: a busy port would otherwise kill one child after the others ran.
        ensure_ports_free(self._ports(options))
        call_command("migrate", interactive=False, verbosity=0)
        # Only does something when CACHE_URL points at a database cache.
        call_command("createcachetable", verbosity=0)
        # WhiteNoise serves from STATIC_ROOT in production and warns when it is missing in dev.
        settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
        username, password = ensure_demo_user()
        env = self._child_env(options["sandbox_port"], options["port"])
        children = self._children(options)
        self._banner(options, username, password)
        self._supervise(children, env)

    @staticmethod
    def _ports(options: dict[str, Any]) -> list[int]:
        ports = [options["port"]]
        if not settings.KIE_API_KEY:
            ports.append(options["sandbox_port"])
        return ports

    def _child_env(self, sandbox_port: int, web_port: int) -> dict[str, str]:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        env.setdefault("DJANGO_DEBUG", "1" if settings.DEBUG else "0")
        if not settings.KIE_API_KEY:
            sandbox_url = f"http://127.0.0.1:{sandbox_port}"
            env.update(
                KIE_API_KEY=SANDBOX_API_KEY,
                KIE_BASE_URL=sandbox_url,
                KIE_UPLOAD_BASE_URL=sandbox_url,
                # Result links point at the sandbox itself: exactly its host:port, no other port.
                KIE_MEDIA_HOSTS=f"127.0.0.1:{sandbox_port},localhost:{sandbox_port}",
            )
            # The sandbox calls back on this machine, so callbacks work locally as in production.
            env.setdefault("KIE_CALLBACK_BASE_URL", f"http://127.0.0.1:{web_port}")
        return env

    def _children(self, options: dict[str, Any]) -> list[Child]:
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        children = [
            Child("web", [*manage, "runserver", f"127.0.0.1:{options['port']}", "--noreload"]),
            # No autoreloader: its parent would pass our SIGTERM on to nobody.
            Child("worker", [*manage, "db_worker", "--no-reload"]),
        ]
        if not settings.KIE_API_KEY:
            sandbox = [
                *manage,
                "kie_sandbox",
                "--port",
                str(options["sandbox_port"]),
                "--api-key",
                SANDBOX_API_KEY,
                "--step-seconds",
                str(options["sandbox_step_seconds"]),
            ]
            children.insert(0, Child("sandbox", sandbox))
        return children

    def _banner(self, options: dict[str, Any], username: str, password: str) -> None:
        base = f"http://127.0.0.1:{options['port']}"
        sandbox = f"the offline Kie sandbox on http://127.0.0.1:{options['sandbox_port']}"
        kie = settings.KIE_BASE_URL if settings.KIE_API_KEY else sandbox
        lines = [
            self.style.SUCCESS(f"\nAdStudio is starting on {base}/"),
            f"  Portal      : {base}/",
            f"  Admin       : {base}/admin/",
            f"  API docs    : {base}/api/docs/  (ReDoc: {base}/api/redoc/)",
            f"  Staff login : {username} / {password}",
            f"  API token   : make token   (a DRF token for {username})",
            f"  Kie.ai      : {kie}",
            "  Press Ctrl-C to stop everything.\n",
        ]
        for line in lines:
            self.stdout.write(line)

    def _supervise(self, children: list[Child], env: dict[str, str]) -> None:
        # `kill`/`docker stop` send SIGTERM: treat it like Ctrl-C so the children stop too.
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        width = max(len(child.name) for child in children)
        procs: dict[str, subprocess.Popen] = {}
        pumps: list[threading.Thread] = []
        lock = threading.Lock()
        try:
            for child in children:
                procs[child.name] = _start(child, env)
                prefix = f"{child.name:<{width}}| "
                pumps.append(_pump(procs[child.name].stdout, prefix, self.stdout, lock))
            failed = _wait_for_first_exit(procs)
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
            failed = None
        finally:
            # A second Ctrl-C while the children shut down must not leave them orphaned.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            _stop_all(procs.values())
            for pump in pumps:
                pump.join(timeout=5)
        if failed is not None:
            name, code = failed
            others = ", ".join(other for other in procs if other != name) or "nothing else"
            raise CommandError(
                f"{name} exited with code {code}; stopped {others}. See its output above.",
                returncode=code if code > 0 else 1,
            )


def ensure_ports_free(ports: Iterable[int], host: str = "127.0.0.1") -> None:
    """CommandError naming the first port something already listens on."""
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            # As the servers themselves bind: a port left in TIME_WAIT is not busy.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError as exc:
                reason = "already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
                raise CommandError(
                    f"Port {port} on {host} is {reason}; nothing was started. Stop what uses "
                    "it, or pick free ports: make run PORT=9000 SANDBOX_PORT=9001"
                ) from exc


def _start(child: Child, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        child.argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0
    )


def _pump(stream: IO[bytes], prefix: str, out: Any, lock: threading.Lock) -> threading.Thread:
    """Copy a child's output line by line, each prefixed with its name, until it closes."""

    def copy() -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode(errors="replace").rstrip("\r\n")
            with lock:
                out.write(prefix + line)
                out.flush()

    thread = threading.Thread(target=copy, name=f"output of {prefix.strip()}", daemon=True)
    thread.start()
    return thread


def _wait_for_first_exit(procs: dict[str, subprocess.Popen]) -> tuple[str, int]:
    """The name and exit code of the first child to stop; any stop is a failure of the stack."""
    while True:
        for name, proc in procs.items():
            code = proc.poll()
            if code is not None:
                return name, code
        time.sleep(POLL_SECONDS)


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_all(procs: Iterable[subprocess.Popen]) -> None:
    procs = list(procs)
    for proc in procs:
        # SIGTERM, not SIGINT: a child started from a background shell inherits SIGINT ignored.
        if proc.poll() is None:
            proc.terminate()
    deadline = time.monotonic() + 10
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
