"""Benchmark 5: downloading an archived 250 MB video, against fetching the same file from a plain
file server, and what long downloads do to everything else.

The video is written into the stack's MEDIA_ROOT and recorded as archived (`MEDIA_DELIVERY=stream`:
gunicorn's threaded workers stream it). Then:

1. throughput: one client downloads the whole file, unthrottled, from `GET /api/video/download`
   and from `python -m http.server` serving the same directory (its source, no Django), in
   turns, 15 times each (at loopback speeds one download varies 2-3x), timed from the first body
   byte to the last; the table gives the ratio of the median rates. Then a Range request for the
   last 1 MB must get exactly those bytes;
2. stalls: polls of `GET /api/video`, one after another, first idle, then while 8 clients
   download at 1 MB/s and one at 5 MB/s; the slowest poll and the p50 ratio;
3. no cut: the 5 MB/s client must receive every byte (length and SHA-256) although its download
   lasts longer than gunicorn's 30 s worker timeout; the slow clients' bytes are counted too.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Context, Row, Spec, main, ms, ratio_text  # noqa: E402

SPEC = Spec(5, "downloads", "Download of a 250 MB video vs fetching it from its source")

MB = 1024 * 1024
READ_CHUNK = 1024 * 1024
CLIENT_TIMEOUT_SECONDS = 30
# A poll slower than this is a stall (the baseline's polls waited 11 s behind four downloads).
STALL_SECONDS = 1.0


def run(ctx: Context) -> list[Row]:
    from bench.stack import Stack, answers, free_port, wait_until

    size = int(ctx.pick(250, 4) * MB)
    media = ctx.work_dir / "media"
    extra = {"MEDIA_ROOT": str(media), "MEDIA_STORAGE": "file", "MEDIA_DELIVERY": "stream"}
    with Stack(ctx, web_workers=3, db_workers=0, extra_env=extra) as stack:
        name, digest = write_video(media, size)
        token, public_id = seed_archived_task(name, size, digest)
        source_port = free_port(avoid={stack.web_port, stack.sandbox_port})
        source = stack._spawn(
            "source",
            [sys.executable, "-m", "http.server", str(source_port)]
            + ["--bind", "127.0.0.1", "--directory", str(media)],
        )
        source_url = f"http://127.0.0.1:{source_port}/{name}"
        wait_until(lambda: answers(source_url), "the file server", processes=[source])

        headers = {"Authorization": f"Token {token}"}
        archive_url = f"{stack.web_url}/api/video/download?taskId={public_id}"
        rates = compare_throughput(archive_url, source_url, headers, rounds=ctx.pick_int(15, 1))
        tail = last_megabyte(archive_url, headers, media / name)
        loaded = under_slow_downloads(
            ctx, f"{stack.web_url}/api/video?taskId={public_id}", archive_url, headers, size
        )
        stack.check_alive()
    return rows(rates, tail, loaded, size, digest)


def write_video(media_root: Path, size: int) -> tuple[str, str]:
    """`size` pseudo-random bytes where an archived video lives; (storage name, SHA-256)."""
    name = "videos/bench/original.mp4"
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


def seed_archived_task(name: str, size: int, digest: str) -> tuple[str, str]:
    from django.utils import timezone

    from bench import seed
    from campaigns.models import VideoTask

    task = seed.finished_task()
    VideoTask.objects.filter(pk=task.pk).update(
        archive_state="done",
        video_file=name,
        video_bytes=size,
        video_sha256=digest,
        video_content_type="video/mp4",
        archived_at=timezone.now(),
    )
    return seed.staff_token(), task.public_id


# -- the clients ------------------------------------------------------------------------------


@dataclass
class Download:
    rate: float  # bytes per second
    received: int = 0
    status: int = 0
    seconds: float = 0.0
    error: str = ""
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)

    def whole(self, size: int, sha256: str) -> bool:
        return self.received == size and self.digest.hexdigest() == sha256


def download(url: str, headers: dict, result: Download, stop: threading.Event) -> None:
    """GET the whole file, no faster than `result.rate`, until done or `stop`."""
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


def compare_throughput(
    archive_url: str, source_url: str, headers: dict, rounds: int
) -> dict[str, list[float]]:
    """MB/s of whole-file downloads from each, alternating so both meet the same machine."""
    rates: dict[str, list[float]] = {"archive": [], "source": []}
    for turn in range(rounds * 2):
        label = ("source", "archive")[turn % 2]
        rates[label].append(
            transfer_rate(archive_url if label == "archive" else source_url, headers)
        )
    return rates


def transfer_rate(url: str, headers: dict) -> float:
    """MB/s from the first body byte to the last, read into one buffer (the client does as
    little as it can). The time before the first byte (login, the task's query) is a request's
    latency, which benchmark 4 measures; here it would only add a constant to each download."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request("GET", f"{parts.path}?{parts.query}", headers=headers)
        response = connection.getresponse()
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
        buffer = memoryview(bytearray(READ_CHUNK))
        received = response.readinto(buffer)
        started = time.monotonic()
        while got := response.readinto(buffer):
            received += got
        seconds = time.monotonic() - started
    finally:
        connection.close()
    if received != int(response.getheader("Content-Length")):
        raise RuntimeError(
            f"{url}: {received} bytes, not the {response.getheader('Content-Length')} announced"
        )
    return received / MB / seconds


def last_megabyte(url: str, headers: dict, path: Path) -> tuple[int, int, bool]:
    """Range: the last 1 MB, as a player seeking to the end asks. (status, bytes, exact?)"""
    with path.open("rb") as stored:
        stored.seek(-MB, os.SEEK_END)
        expected = stored.read()
    answer = requests.get(
        url, headers={**headers, "Range": f"bytes=-{MB}"}, timeout=CLIENT_TIMEOUT_SECONDS
    )
    return answer.status_code, len(answer.content), answer.content == expected


@dataclass
class Loaded:
    idle: list[float]  # poll seconds
    during: list[float]
    failed: int
    fast: Download
    slow: list[Download]


def poll(url: str, headers: dict, count: int | None, until: threading.Event | None):
    """Polls one after another: `count` of them, or until `until` is set. (seconds, failed)"""
    seconds: list[float] = []
    failed = 0
    while (count is None or len(seconds) < count) and not (until and until.is_set()):
        started = time.monotonic()
        try:
            ok = requests.get(url, headers=headers, timeout=CLIENT_TIMEOUT_SECONDS).ok
        except requests.RequestException:
            ok = False
        seconds.append(time.monotonic() - started if ok else CLIENT_TIMEOUT_SECONDS)
        failed += not ok
        time.sleep(0.05)
    return seconds, failed


def under_slow_downloads(
    ctx: Context, poll_url: str, file_url: str, headers: dict, size: int
) -> Loaded:
    poll(poll_url, headers, 10, None)  # every worker thread has its imports done
    idle, idle_failed = poll(poll_url, headers, ctx.pick_int(200, 20), None)
    stop, fast_done = threading.Event(), threading.Event()
    slow = [Download(rate=ctx.pick(1, 0.5) * MB) for _ in range(ctx.pick_int(8, 2))]
    fast = Download(rate=ctx.pick(5, 1) * MB)

    def fast_client() -> None:
        download(file_url, headers, fast, threading.Event())
        fast_done.set()

    threads = [threading.Thread(target=download, args=(file_url, headers, d, stop)) for d in slow]
    threads.append(threading.Thread(target=fast_client))
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # every download under way before measuring
    during, during_failed = poll(poll_url, headers, None, fast_done)
    stop.set()
    for thread in threads:
        thread.join(timeout=CLIENT_TIMEOUT_SECONDS + 5)
    return Loaded(idle, during, idle_failed + during_failed, fast, slow)


# -- the report -------------------------------------------------------------------------------


def rows(
    rates: dict[str, list[float]],
    tail: tuple[int, int, bool],
    loaded: Loaded,
    size: int,
    sha256: str,
) -> list[Row]:
    archive, source = statistics.median(rates["archive"]), statistics.median(rates["source"])
    throughput = archive / source
    slowest = max(loaded.during)
    p50 = statistics.median(loaded.during) / statistics.median(loaded.idle)
    fast = loaded.fast
    whole = fast.whole(size, sha256)
    cut = [d for d in loaded.slow if d.error]
    return [
        Row(
            5,
            "throughput, archive / source",
            ratio_text(throughput),
            throughput >= 0.9,
            "0.87×",
            "≥ 0.9×",
            f"archive {archive:.0f} MB/s, plain file server {source:.0f} MB/s, "
            f"median of {len(rates['archive'])} whole-file downloads each",
        ),
        Row(
            5,
            "Range for the last 1 MB: bytes sent",
            f"{tail[1] / MB:.2f} MB, HTTP {tail[0]}",
            tail == (206, MB, True),
            "262 MB",
            "1 MB",
            "the file's last 1 MB exactly" if tail[2] else "NOT the file's last 1 MB",
        ),
        Row(
            5,
            f"slowest poll during {len(loaded.slow) + 1} downloads",
            ms(slowest),
            slowest < STALL_SECONDS and loaded.failed == 0,
            "11 s",
            f"no stall (< {STALL_SECONDS:g} s)",
            f"p50 {ratio_text(p50)} of idle; {len(loaded.during)} polls, {loaded.failed} failed",
        ),
        Row(
            5,
            "the 5 MB/s client, longer than gunicorn's 30 s timeout",
            f"{'whole file' if whole else 'CUT'}: {fast.received / MB:.0f} of {size / MB:.0f} MB "
            f"in {fast.seconds:.1f} s" + (f" ({fast.error})" if fast.error else ""),
            whole,
            "cut at 31 s",
            "no cut",
            "SHA-256 matches" if whole else f"HTTP {fast.status}",
        ),
        Row(
            5,
            "slow clients cut off",
            f"{len(cut)} of {len(loaded.slow)}",
            not cut,
            "",
            "0",
            ", ".join(f"{d.received / MB:.1f} MB" for d in loaded.slow),
        ),
    ]


if __name__ == "__main__":
    main(SPEC, run)
