"""`make run`: migrate, print the demo login, and serve web + worker (+ the Kie sandbox) together.

One command, one Ctrl-C: every child runs in this process's foreground group and is stopped when
any of them exits or the user interrupts.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from .ensure_demo_user import ensure_demo_user

SANDBOX_API_KEY = "sandbox-local-key"


@dataclass(frozen=True)
class Child:
    name: str
    argv: list[str]


class Command(BaseCommand):
    help = "Run the web server, the background worker and (without KIE_API_KEY) the Kie sandbox."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--sandbox-port", type=int, default=8001)
        parser.add_argument(
            "--sandbox-step-seconds",
            type=float,
            default=3.0,
            help="How long each sandbox task state lasts.",
        )

    def handle(self, *args: object, **options: object) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        # Only does something when CACHE_URL points at a database cache.
        call_command("createcachetable", verbosity=0)
        # WhiteNoise serves from STATIC_ROOT in production and warns when it is missing in dev.
        settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
        username, password = ensure_demo_user()
        env = self._child_env(options["sandbox_port"])
        children = self._children(options)
        self._banner(options["port"], username, password)
        self._supervise(children, env)

    def _child_env(self, sandbox_port: int) -> dict[str, str]:
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
        return env

    def _children(self, options: dict) -> list[Child]:
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        children = [
            Child("web", [*manage, "runserver", f"127.0.0.1:{options['port']}", "--noreload"]),
            Child("worker", [*manage, "db_worker"]),
        ]
        if not settings.KIE_API_KEY:
            children.insert(
                0,
                Child(
                    "sandbox",
                    [
                        *manage,
                        "kie_sandbox",
                        "--port",
                        str(options["sandbox_port"]),
                        "--api-key",
                        SANDBOX_API_KEY,
                        "--step-seconds",
                        str(options["sandbox_step_seconds"]),
                    ],
                ),
            )
        return children

    def _banner(self, port: int, username: str, password: str) -> None:
        target = settings.KIE_BASE_URL if settings.KIE_API_KEY else "the offline Kie sandbox"
        self.stdout.write(self.style.SUCCESS(f"\nAdStudio is starting on http://127.0.0.1:{port}/"))
        self.stdout.write(f"  Staff login : {username} / {password}")
        self.stdout.write(f"  Kie.ai      : {target}")
        self.stdout.write(f"  API docs    : http://127.0.0.1:{port}/api/docs/")
        self.stdout.write("  Press Ctrl-C to stop everything.\n")

    def _supervise(self, children: list[Child], env: dict[str, str]) -> None:
        # `kill`/`docker stop` send SIGTERM: treat it like Ctrl-C so the children stop too.
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        procs = {c.name: subprocess.Popen(c.argv, env=env) for c in children}
        try:
            while all(p.poll() is None for p in procs.values()):
                time.sleep(0.5)
            exited = [name for name, p in procs.items() if p.poll() is not None]
            self.stderr.write(f"{', '.join(exited)} stopped; shutting down the rest.")
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
        finally:
            _stop_all(procs.values())


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
