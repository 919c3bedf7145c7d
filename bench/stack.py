"""The served app for one benchmark: its own database, the Kie sandbox, gunicorn and workers.

Set up as the README's production path does (debug off, plain http, gunicorn, PostgreSQL,
`manage.py db_worker`), with the offline Kie (`manage.py kie_sandbox`, Kie's rate limits on) in
place of api.kie.ai. Each benchmark gets its own database, cloned from a migrated template (a
fresh `migrate` on PostgreSQL takes ~15 s here; the template is rebuilt when a migration or a
pinned package changes). Without a PostgreSQL server (a laptop, the SQLite pass of `make test`)
the smoke runs fall back to a SQLite file and say so.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from bench.common import ROOT, Context

SANDBOX_KEY = "sandbox-key"
# The per-user API throttles are not what these benchmarks measure (bench 3 alone sends 60 starts
# from one user, the default hourly allowance): lifted for the benchmark's user.
THROTTLES = "ideas=100000/hour,prompts=100000/hour,video=100000/hour,quote=100000/hour"
_TEMPLATE_LOCK = 74_122_001  # pg_advisory_lock key: one template build / clone at a time


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


class Stack:
    """`with Stack(ctx, …) as stack:` — Django is set up in this process on the same database, so
    a benchmark seeds and inspects rows with the ORM while it drives the servers over HTTP."""

    def __init__(
        self,
        ctx: Context,
        *,
        web_workers: int = 3,
        db_workers: int = 1,
        web: bool = True,
        sandbox_step_seconds: float = 3600.0,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.ctx = ctx
        # Smoke runs only check that the script works: one gunicorn worker starts fastest.
        self.web_workers = 1 if ctx.smoke else web_workers
        self.db_workers = db_workers
        self.web = web
        self.sandbox_step_seconds = sandbox_step_seconds
        self.extra_env = extra_env or {}
        self.processes: list[Process] = []
        self.database = Database(ctx)
        self.sandbox_port = free_port()
        self.web_port = free_port(avoid={self.sandbox_port}) if web else 0
        self.sandbox = SandboxControl(f"http://127.0.0.1:{self.sandbox_port}")
        self.web_url = f"http://127.0.0.1:{self.web_port}"

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> Stack:
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self) -> None:
        started = time.monotonic()
        # Every process starts at once and Django is set up here meanwhile: each of them spends
        # seconds importing Django, and this machine is small and shared.
        os.environ.update(self.env(self.database.create()))
        sandbox = self._spawn(
            "sandbox",
            self._manage(
                "kie_sandbox",
                *("--port", str(self.sandbox_port)),
                *("--step-seconds", str(self.sandbox_step_seconds)),
                *("-v", "2"),  # a line per request: the benchmarks read Kie call times from it
            ),
        )
        web = None
        if self.web:
            # The README's production command (threaded workers), on a free port.
            web = self._spawn(
                "web",
                [sys.executable, "-m", "gunicorn", "adstudio.wsgi"]
                + ["--bind", f"127.0.0.1:{self.web_port}", "--workers", str(self.web_workers)]
                + ["--worker-class", "gthread", "--threads", "16", "--timeout", "30"],
            )
        workers = self._spawn_workers(self.db_workers)
        import django

        django.setup()
        stats_url = f"{self.sandbox.base_url}/sandbox/stats"
        wait_until(lambda: answers(stats_url), "the sandbox", processes=[sandbox])
        if web is not None:
            wait_until(lambda: answers(f"{self.web_url}/healthz"), "gunicorn", processes=[web])
        self._wait_for_workers(workers)
        trace(f"stack up in {time.monotonic() - started:.1f} s")

    def start_workers(self, count: int) -> None:
        """`manage.py db_worker` processes (each: job loops and the sweeper), once running."""
        self._wait_for_workers(self._spawn_workers(count))

    def _spawn_workers(self, count: int) -> list[Process]:
        first = sum(p.name.startswith("worker") for p in self.processes) + 1
        return [
            self._spawn(f"worker{n}", self._manage("db_worker"))
            for n in range(first, first + count)
        ]

    def _wait_for_workers(self, workers: list[Process]) -> None:
        for process in workers:
            wait_until(
                lambda p=process: "Worker running" in p.log.read_text(errors="replace"),
                process.name,
                processes=[process],
            )

    def __exit__(self, *exc_info: object) -> None:
        started = time.monotonic()
        # The sandbox last: a worker finishing its sweep must not find Kie gone.
        _stop([p for p in self.processes if p.name != "sandbox"])
        _stop([p for p in self.processes if p.name == "sandbox"])
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if not self.ctx.keep:
            self.database.drop()
        trace(f"stopped in {time.monotonic() - started:.1f} s")

    def env(self, database_url: str) -> dict[str, str]:
        sandbox = self.sandbox.base_url
        return {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_ENV_FILE": os.devnull,  # never the developer's .env
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DJANGO_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DATABASE_URL": database_url,
            "KIE_API_KEY": SANDBOX_KEY,
            "KIE_BASE_URL": sandbox,
            "KIE_UPLOAD_BASE_URL": sandbox,
            "KIE_MEDIA_HOSTS": f"127.0.0.1:{self.sandbox_port}",
            "KIE_CALLBACK_BASE_URL": "",
            "API_THROTTLE_RATES": THROTTLES,
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }

    def _manage(self, *args: str) -> list[str]:
        return [sys.executable, str(ROOT / "manage.py"), *args]

    def _spawn(self, name: str, command: list[str]) -> Process:
        log = self.ctx.work_dir / f"{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                command,
                cwd=ROOT,
                env=os.environ.copy(),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def check_alive(self) -> None:
        """Fail loudly (with the log's end) if a server died during the run."""
        for process in self.processes:
            if process.popen.poll() is not None:
                raise RuntimeError(
                    f"{process.name} exited with {process.popen.returncode}:\n{process.tail()}"
                )

    def sandbox_requests(self, since: float = 0.0) -> list[SandboxRequest]:
        """Every Kie API request the sandbox answered, from its log (`-v 2`)."""
        log = next(p.log for p in self.processes if p.name == "sandbox")
        return [r for r in parse_sandbox_log(log.read_text(errors="replace")) if r.at >= since]


def _stop(processes: list[Process]) -> None:
    for process in processes:
        if process.popen.poll() is None:
            process.popen.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.popen.wait(timeout=35)
        except subprocess.TimeoutExpired:
            process.popen.kill()
            process.popen.wait()


# -- the database -------------------------------------------------------------------------


class Database:
    """`bench_<name>` on the PostgreSQL server (a SQLite file when none answers)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        suffix = f"_smoke_{os.getpid()}" if ctx.smoke else ""
        self.name = f"bench_{ctx.spec.name}{suffix}"
        self.server = ctx.pg_url.rstrip("/")
        self.url = ""
        self.on_postgres = False

    def create(self) -> str:
        if not postgres_answers(self.server):
            self.url = f"sqlite:///{self.ctx.work_dir / 'bench.sqlite3'}"
            self.ctx.notes.append(
                f"no PostgreSQL answered at {self.server}: ran on SQLite (figures not comparable)"
            )
            _migrate(self.url)
            return self.url
        self.on_postgres = True
        template = self._template()
        with _admin(self.server) as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", [_TEMPLATE_LOCK])
            try:
                cur.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                cur.execute(f'CREATE DATABASE "{self.name}" TEMPLATE "{template}"')
            finally:
                cur.execute("SELECT pg_advisory_unlock(%s)", [_TEMPLATE_LOCK])
        self.url = f"{self.server}/{self.name}"
        return self.url

    def _template(self) -> str:
        """A migrated database to clone, named after what decides its schema."""
        template = f"bench_template_{schema_fingerprint()}"
        with _admin(self.server) as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", [_TEMPLATE_LOCK])
            try:
                cur.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE 'bench_template_%%'"
                )
                existing = {name for (name,) in cur.fetchall()}
                if template not in existing:
                    for stale in existing:
                        cur.execute(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)')
                    building = f"{template}_building"
                    cur.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
                    cur.execute(f'CREATE DATABASE "{building}"')
                    _migrate(f"{self.server}/{building}")
                    cur.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
            finally:
                cur.execute("SELECT pg_advisory_unlock(%s)", [_TEMPLATE_LOCK])
        return template

    def drop(self) -> None:
        if self.on_postgres:
            with _admin(self.server) as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def schema_fingerprint() -> str:
    """Our migrations and the pinned packages (theirs): a change means a new template."""
    digest = hashlib.sha256((ROOT / "requirements.txt").read_bytes())
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def postgres_answers(server: str) -> bool:
    parts = urlsplit(server)
    try:
        with closing(socket.create_connection((parts.hostname, parts.port or 5432), timeout=2)):
            return True
    except OSError:
        return False


@contextmanager
def _admin(server: str) -> Iterator[Any]:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn, conn.cursor() as cur:
        yield cur


def _migrate(database_url: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_ENV_FILE": os.devnull,
        "DJANGO_SECRET_KEY": "bench-migrate",
        "DJANGO_SETTINGS_MODULE": "adstudio.settings",
    }
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


# -- the sandbox ---------------------------------------------------------------------------


class SandboxControl:
    """The sandbox's own controls (/sandbox/…) and direct Kie calls for seeding."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()

    def _control(self, method: str, path: str, body: dict | None = None) -> Any:
        response = self.session.request(method, f"{self.base_url}{path}", json=body, timeout=10)
        response.raise_for_status()
        return response.json()["data"]

    def stats(self) -> dict[str, Any]:
        return self._control("GET", "/sandbox/stats")

    def set_faults(self, **faults: Any) -> dict[str, Any]:
        return self._control("POST", "/sandbox/faults", faults)

    def set_limits(self, **limits: Any) -> dict[str, Any]:
        return self._control("POST", "/sandbox/limits", limits)

    def create_veo_task(self, prompt: str = "A steel bottle on a mountain stream") -> str:
        response = requests.post(  # not the shared session: seeding calls this from threads
            f"{self.base_url}/api/v1/veo/generate",
            json={"prompt": prompt, "model": "veo3_fast"},
            headers={"Authorization": f"Bearer {SANDBOX_KEY}"},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()["data"]["taskId"]

    def seed_veo_tasks(self, count: int) -> list[str]:
        """`count` running Veo tasks, created with Kie's limits lifted for the moment (seeding
        is not what is measured) and put back on afterwards."""
        from concurrent.futures import ThreadPoolExecutor

        self.set_limits(enabled=False)
        try:
            with ThreadPoolExecutor(8) as pool:
                return list(
                    pool.map(lambda n: self.create_veo_task(f"Bench task {n}"), range(count))
                )
        finally:
            self.set_limits(enabled=True)


@dataclass(frozen=True)
class SandboxRequest:
    at: float  # epoch seconds, when the sandbox answered
    method: str
    path: str
    status: int

    @property
    def task_id(self) -> str:
        match = re.search(r"[?&]taskId=([^&]+)", self.path)
        return match.group(1) if match else ""

    @property
    def is_status(self) -> bool:
        return "/record-info" in self.path or "/recordInfo" in self.path

    @property
    def is_create(self) -> bool:
        return self.path.endswith(("/veo/generate", "/jobs/createTask"))


_LOG_LINE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}) kie\.sandbox \S+ \"(\w+) (\S+) HTTP/[\d.]+\" (\d+)"
)


def parse_sandbox_log(text: str) -> list[SandboxRequest]:
    found = []
    for line in text.splitlines():
        match = _LOG_LINE.match(line)
        if match and not match.group(4).startswith("/sandbox/"):
            stamp = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S")
            at = time.mktime(stamp.timetuple()) + int(match.group(2)) / 1000
            found.append(SandboxRequest(at, match.group(3), match.group(4), int(match.group(5))))
    return found


# -- small helpers -------------------------------------------------------------------------


def trace(message: str) -> None:
    """Progress on stderr, for a person watching a long run (the table goes to stdout)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port(avoid: set[int] | frozenset[int] = frozenset()) -> int:
    """A free port in 18000–18999 (the range this project's tools keep to), not in `avoid`."""
    for port in random.sample(range(18000, 19000), 1000):
        if port in avoid:
            continue
        with closing(socket.socket()) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18000-18999")


def answers(url: str) -> bool:
    """200 from `url`; the body is never read (it may be a 250 MB file)."""
    try:
        with requests.get(url, stream=True, timeout=2) as response:
            return response.status_code == 200
    except requests.RequestException:
        return False


def wait_until(
    condition: Any, what: str, *, timeout_seconds: float = 60.0, processes: list | None = None
) -> None:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if condition():
            return
        for process in processes or []:
            if process.popen.poll() is not None:
                raise RuntimeError(f"{what} exited:\n{process.tail()}")
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not come up within {timeout_seconds:.0f} s")
