#!/usr/bin/env python3
"""Bench: long downloads of an archived video never cut off, nor slow down, everything else.

Serves AdStudio the way the README's production section does (gunicorn, threaded workers, debug
off) on 127.0.0.1, on PostgreSQL when DATABASE_URL names one (SQLite in a temporary folder
otherwise), with one archived video of --size-mb in a temporary MEDIA_ROOT. Then:

1. idle: a client polls GET /api/video for --polls requests, one after another;
2. loaded: --slow-clients download the video at --slow-rate MB/s each, and one client downloads
   the whole video at --fast-rate MB/s, while the same client polls again until that download ends.

It prints a table: poll latency idle and loaded (and their ratio), whether the fast client got
every byte (length and SHA-256), and how much each slow client received. `--smoke` runs the same
with tiny sizes in a few seconds (a test in `make test` runs it so the script never rots).
Traffic never leaves 127.0.0.1, and every loop is bounded in count and time.

    python bench/downloads.py                 # 250 MB, 8 slow clients, a 5 MB/s client
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/adstudio_bench python bench/downloads.py
    python bench/downloads.py --smoke
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
# The README's production command, with a free port (--timeout is gunicorn's default, 30 s).
SERVERS = {
    "gthread": "--worker-class gthread --workers 3 --threads 16 --timeout 30".split(),
    # What production ran before: one download holds a whole worker until it ends or times out.
    "sync": "--worker-class sync --workers 3 --timeout 30".split(),
}
PUBLIC_ID = "vt_bench0000000000"
READ_CHUNK = 64 * 1024
CLIENT_TIMEOUT_SECONDS = 30
STARTUP_SECONDS = 60


@dataclass
class Options:
    size_mb: float
    slow_clients: int
    slow_rate_mb: float
    fast_rate_mb: float
    polls: int
    port: int
    server: str


SMOKE = {"size_mb": 2, "slow_clients": 2, "slow_rate_mb": 0.5, "fast_rate_mb": 1, "polls": 20}


def parse_args(argv: list[str] | None = None) -> tuple[Options, bool]:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mb", type=float, default=250, help="archived video size (250)")
    parser.add_argument("--slow-clients", type=int, default=8, help="slow downloaders (8)")
    parser.add_argument("--slow-rate", type=float, default=1.0, help="MB/s per slow client (1)")
    parser.add_argument("--fast-rate", type=float, default=5.0, help="MB/s of the whole-file one")
    parser.add_argument("--polls", type=int, default=200, help="idle polls to measure (200)")
    parser.add_argument("--port", type=int, default=0, help="port for gunicorn (default: free)")
    parser.add_argument(
        "--server",
        choices=sorted(SERVERS),
        default="gthread",
        help="gthread: the README's production command (default); sync: the old one, to compare",
    )
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, a few seconds")
    args = parser.parse_args(argv)
    values = {
        "size_mb": args.size_mb,
        "slow_clients": args.slow_clients,
        "slow_rate_mb": args.slow_rate,
        "fast_rate_mb": args.fast_rate,
        "polls": args.polls,
    }
    if args.smoke:
        values |= SMOKE
    return Options(**values, port=args.port or free_port(), server=args.server), args.smoke


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- The server ------------------------------------------------------------------------------


def server_env(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KIE_"))}
    env.update(
        DJANGO_ENV_FILE=os.devnull,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_LOG_LEVEL="WARNING",
        MEDIA_ROOT=str(workdir / "media"),
        MEDIA_STORAGE="file",
        MEDIA_DELIVERY="stream",
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    return env


SETUP_CODE = """
import hashlib, json, os
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.authtoken.models import Token
from campaigns.models import Product, VideoTask
name, size = os.environ["BENCH_FILE"], int(os.environ["BENCH_SIZE"])
digest = os.environ["BENCH_SHA"]
user, _ = get_user_model().objects.get_or_create(
    username="bench-staff", defaults={"is_staff": True}
)
token, _ = Token.objects.get_or_create(user=user)
VideoTask.objects.filter(public_id="%(id)s").delete()
product, _ = Product.objects.get_or_create(name="Bench product", defaults={"source_image_url": "https://example.com/p.png"})
VideoTask.objects.create(
    public_id="%(id)s", product=product, model_id="kling-2.6/image-to-video", provider="jobs",
    state="success", kie_task_id="bench-kie-task", result_urls=["https://example.com/gone.mp4"],
    archive_state="done", video_file=name, video_bytes=size, video_sha256=digest,
    video_content_type="video/mp4", archived_at=timezone.now(),
)
print(json.dumps({"token": token.key}))
""" % {"id": PUBLIC_ID}  # noqa: UP031


def write_video(media_root: Path, size: int) -> tuple[str, str]:
    """A file of `size` pseudo-random bytes where an archived video lives; (name, SHA-256)."""
    name = f"videos/{PUBLIC_ID}/original.mp4"
    path = media_root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    block = os.urandom(MB)
    with path.open("wb") as out:
        for offset in range(0, size, MB):
            part = block[: min(MB, size - offset)]
            digest.update(part)
            out.write(part)
    return name, digest.hexdigest()


def prepare(env: dict[str, str], size: int) -> str:
    """Migrate, store the video, record it as archived; the staff API token."""
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    name, digest = write_video(Path(env["MEDIA_ROOT"]), size)
    setup_env = {**env, "BENCH_FILE": name, "BENCH_SIZE": str(size), "BENCH_SHA": digest}
    out = subprocess.run(
        [*manage, "shell", "-c", SETUP_CODE],
        cwd=ROOT,
        env=setup_env,
        check=True,
        capture_output=True,
        text=True,
    )
    env["BENCH_SHA"] = digest
    return json.loads(out.stdout.strip().splitlines()[-1])["token"]


def start_server(env: dict[str, str], port: int, kind: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "adstudio.wsgi", *SERVERS[kind]]
    command += ["--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit(f"gunicorn did not answer on port {port}: {server.stderr.read()[-2000:]!r}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --- The clients -------------------------------------------------------------------------------


@dataclass
class Download:
    rate: float  # bytes per second
    received: int = 0
    status: int = 0
    seconds: float = 0.0
    error: str = ""
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)


def download(url: str, headers: dict, result: Download, stop: threading.Event) -> None:
    """GET the whole file no faster than `result.rate` (until `stop`): a slow client."""
    started = time.monotonic()
    try:
        with requests.get(url, headers=headers, stream=True, timeout=CLIENT_TIMEOUT_SECONDS) as r:
            result.status = r.status_code
            for chunk in r.iter_content(READ_CHUNK):
                result.received += len(chunk)
                result.digest.update(chunk)
                ahead = result.received / result.rate - (time.monotonic() - started)
                if ahead > 0 and stop.wait(ahead):
                    break
    except requests.RequestException as exc:
        result.error = type(exc).__name__
    result.seconds = time.monotonic() - started


@dataclass
class Polls:
    latencies: list[float] = field(default_factory=list)  # ms; a failed poll counts as the timeout
    failed: int = 0


def poll(url: str, headers: dict, count: int | None, until: threading.Event | None) -> Polls:
    """`count` polls, or polls until `until` is set (at most 20 a second), one at a time."""
    polls = Polls()
    latencies = polls.latencies
    limit = count if count is not None else 100_000
    while len(latencies) < limit and not (until is not None and until.is_set()):
        started = time.monotonic()
        try:
            ok = requests.get(url, headers=headers, timeout=CLIENT_TIMEOUT_SECONDS).ok
        except requests.RequestException:
            ok = False
        elapsed = time.monotonic() - started if ok else CLIENT_TIMEOUT_SECONDS
        latencies.append(elapsed * 1000)
        polls.failed += not ok
        time.sleep(0.05)
    return polls


@dataclass
class Results:
    idle: Polls
    loaded: Polls
    fast: Download
    slow: list[Download]
    size: int
    sha256: str


def run(opts: Options, base: str, token: str, sha256: str) -> Results:
    headers = {"Authorization": f"Token {token}"}
    poll_url = f"{base}/api/video?taskId={PUBLIC_ID}"
    file_url = f"{base}/api/video/download?taskId={PUBLIC_ID}"
    size = int(opts.size_mb * MB)
    poll(poll_url, headers, 10, None)  # warm up: every worker thread has its imports done
    idle = poll(poll_url, headers, opts.polls, None)
    stop, fast_done = threading.Event(), threading.Event()
    slow = [Download(opts.slow_rate_mb * MB) for _ in range(opts.slow_clients)]
    fast = Download(opts.fast_rate_mb * MB)
    threads = [threading.Thread(target=download, args=(file_url, headers, d, stop)) for d in slow]

    def fast_client() -> None:
        download(file_url, headers, fast, threading.Event())
        fast_done.set()

    threads.append(threading.Thread(target=fast_client))
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # every download under way before measuring
    loaded = poll(poll_url, headers, None, fast_done)
    stop.set()
    for thread in threads:
        thread.join(timeout=CLIENT_TIMEOUT_SECONDS + 5)
    return Results(idle, loaded, fast, slow, size, sha256)


# --- The report --------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def table(opts: Options, res: Results, database: str) -> str:
    rows = [
        ("Poll latency", "idle", f"during {opts.slow_clients + 1} downloads", "ratio"),
        ("---", "---", "---", "---"),
    ]
    for label, value in (
        ("p50 (ms)", lambda v: statistics.median(v)),
        ("p95 (ms)", lambda v: percentile(v, 0.95)),
        ("max (ms)", max),
    ):
        idle, loaded = value(res.idle.latencies), value(res.loaded.latencies)
        rows.append((label, f"{idle:.1f}", f"{loaded:.1f}", f"{loaded / idle:.2f}×"))
    rows.append(("polls (failed)", _count(res.idle), _count(res.loaded), ""))
    fast = res.fast
    whole = fast.received == res.size and fast.digest.hexdigest() == res.sha256
    verdict = "whole file, SHA-256 matches" if whole else f"INCOMPLETE {fast.error}"
    lines = [
        f"AdStudio download bench: {platform.node()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {database}",
        f"gunicorn {' '.join(SERVERS[opts.server])}; archived video {res.size:,} bytes",
        "",
        *(f"| {' | '.join(row)} |" for row in rows),
        "",
        f"{opts.fast_rate_mb:g} MB/s client: HTTP {fast.status}, {fast.received:,} of "
        f"{res.size:,} bytes in {fast.seconds:.1f} s: {verdict}.",
        f"{opts.slow_clients} slow clients at {opts.slow_rate_mb:g} MB/s: "
        + ", ".join(f"{d.received / MB:.1f} MB" for d in res.slow)
        + (" (errors: " + ", ".join(d.error for d in res.slow if d.error) + ")")
        * any(d.error for d in res.slow),
    ]
    return "\n".join(lines)


def _count(polls: Polls) -> str:
    return f"{len(polls.latencies)} ({polls.failed})"


def main(argv: list[str] | None = None) -> int:
    opts, smoke = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="adstudio-bench-"))
    env = server_env(workdir)
    database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    server = None
    try:
        token = prepare(env, int(opts.size_mb * MB))
        server = start_server(env, opts.port, opts.server)
        results = run(opts, f"http://127.0.0.1:{opts.port}", token, env["BENCH_SHA"])
        print(table(opts, results, database + (" (smoke)" if smoke else "")))
        complete = results.fast.received == results.size
        return 0 if complete and results.fast.digest.hexdigest() == results.sha256 else 1
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
