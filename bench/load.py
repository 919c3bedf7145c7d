"""A threaded HTTP load client: N clients, each a thread running a loop of requests.

Plain `http.client`, a new connection per request (gunicorn's sync workers close every
connection anyway), latency from the first byte sent to the last byte read. Every request is
recorded under a label, so one run can compare two endpoints under the same load: a client that
alternates "poll" and "bare" requests gives both the same machine, the same moment, the same
queue — the ratio of the two is what the benchmarks report, not either time alone.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bench.common import QUERIES_HEADER


@dataclass(frozen=True)
class Sample:
    label: str
    status: int  # 0: no answer (connection refused, timeout)
    seconds: float
    started: float
    queries: int | None


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    queries: int | None
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


class Recorder:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.samples: list[Sample] = []

    def add(self, sample: Sample) -> None:
        with self._lock:
            self.samples.append(sample)

    def of(self, label: str) -> list[Sample]:
        return [s for s in self.samples if s.label == label]

    def seconds(self, label: str) -> list[float]:
        return [s.seconds for s in self.of(label) if s.status]

    def statuses(self, label: str) -> Counter[int]:
        return Counter(s.status for s in self.of(label))

    def percentile(self, label: str, q: float) -> float:
        return percentile(self.seconds(label), q)


class Client:
    """One simulated user: its own connections, the benchmark's API token."""

    def __init__(self, base_url: str, token: str, recorder: Recorder, timeout: float = 60) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.token = token
        self.recorder = recorder
        self.timeout = timeout

    def get(self, label: str, path: str) -> Answer:
        return self.request(label, "GET", path)

    def post(self, label: str, path: str, body: Any) -> Answer:
        return self.request(label, "POST", path, body)

    def request(self, label: str, method: str, path: str, body: Any = None) -> Answer:
        headers = {"Authorization": f"Token {self.token}", "Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.time()
        clock = time.perf_counter()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            data = response.read()
            status, queries = response.status, response.getheader(QUERIES_HEADER)
        except OSError:
            status, data, queries = 0, b"", None
        finally:
            conn.close()
        seconds = time.perf_counter() - clock
        counted = int(queries) if queries is not None else None
        self.recorder.add(Sample(label, status, seconds, started, counted))
        return Answer(status, data, counted, seconds)


Step = Callable[[Client, int, int], None]  # (client, client index, iteration)


def run_clients(
    *,
    clients: int,
    base_url: str,
    token: str,
    step: Step,
    seconds: float | None = None,
    iterations: int | None = None,
    recorder: Recorder | None = None,
) -> Recorder:
    """Run `step` in a loop on `clients` threads until `seconds` pass or each did `iterations`.

    Always bounded: one of the two must be given.
    """
    if seconds is None and iterations is None:
        raise ValueError("give seconds, iterations or both")
    recorder = recorder or Recorder()
    deadline = time.monotonic() + seconds if seconds is not None else None
    errors: list[BaseException] = []

    def loop(index: int) -> None:
        client = Client(base_url, token, recorder)
        iteration = 0
        try:
            while (iterations is None or iteration < iterations) and (
                deadline is None or time.monotonic() < deadline
            ):
                step(client, index, iteration)
                iteration += 1
        except BaseException as exc:  # reported by the caller's thread, not lost in this one
            errors.append(exc)

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return recorder


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, round(q / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def medians(recorder: Recorder, *labels: str) -> str:
    """ "poll p50 12.3 ms, bare p50 8.1 ms": for the table's notes."""
    return ", ".join(
        f"{label} p50 {recorder.percentile(label, 50) * 1000:.1f} ms" for label in labels
    )


def paced(period_seconds: float) -> Callable[[int], None]:
    """Sleep so that a client's iterations start every `period_seconds` (not faster)."""
    local = threading.local()

    def wait(iteration: int) -> None:
        if iteration == 0 or not hasattr(local, "start"):
            local.start = time.monotonic()
            return
        due = local.start + iteration * period_seconds
        time.sleep(max(0.0, due - time.monotonic()))

    return wait


def count_by_status(recorder: Recorder, label: str) -> dict[str, Any]:
    return {str(status): n for status, n in sorted(recorder.statuses(label).items())}


def group_by(samples: list[Sample], key: Callable[[Sample], Any]) -> dict[Any, list[Sample]]:
    groups: dict[Any, list[Sample]] = defaultdict(list)
    for sample in samples:
        groups[key(sample)].append(sample)
    return groups
