"""Kie's per-key rate limits (docs/kie.md, "Rate limits") and the sandbox's request-rate statistics.

Both use one sliding-window rule: the requests "inside a window" of W seconds ending at `now` are
those admitted at times t with now - W < t <= now. The limiter refuses a request when admitting it
would put N+1 admitted requests inside such a window; the statistics report the largest count any
such window ever held, so "max status per second <= 10" is exactly "Kie would never have said 429".
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CREATE = "create"  # Veo generate, Jobs createTask
STATUS = "status"  # record-info, recordInfo, get-1080p-video, chat/credit
OTHER = "other"  # chat completions, uploads, downloads: counted, never limited
KINDS = (CREATE, STATUS, OTHER)
LIMITED_KINDS = (CREATE, STATUS)

# How long the per-second series reaches back.
SERIES_SECONDS = 300


@dataclass(frozen=True)
class RateLimit:
    """At most `max_requests` admitted in any window of `window_seconds`."""

    max_requests: int
    window_seconds: float

    def __post_init__(self) -> None:
        if isinstance(self.max_requests, bool) or not isinstance(self.max_requests, int):
            raise ValueError("maxRequests must be a whole number")
        if self.max_requests < 1:
            raise ValueError("maxRequests must be at least 1")
        if not self.window_seconds > 0:
            raise ValueError("windowSeconds must be greater than 0")

    def as_dict(self) -> dict[str, Any]:
        return {"maxRequests": self.max_requests, "windowSeconds": self.window_seconds}


# Kie's published defaults: 20 new generations per 10 s per account, 10 status reads per second.
KIE_LIMITS: dict[str, RateLimit] = {CREATE: RateLimit(20, 10.0), STATUS: RateLimit(10, 1.0)}


class SlidingWindow:
    """Admission times of the last `window_seconds`, oldest first."""

    def __init__(self, window_seconds: float) -> None:
        self.window_seconds = window_seconds
        self._times: deque[float] = deque()

    def count(self, now: float) -> int:
        while self._times and self._times[0] <= now - self.window_seconds:
            self._times.popleft()
        return len(self._times)

    def add(self, now: float) -> int:
        """Record one admission; the number now inside the window."""
        self._times.append(now)
        return self.count(now)


def _zero_counts() -> dict[str, dict[str, int]]:
    return {kind: {"admitted": 0, "refused": 0} for kind in KINDS}


class Traffic:
    """Admit or refuse each request, and count both, at one instant under one lock.

    Counting at the admission instant (not when the answer is written) keeps the statistics'
    window peaks identical to what the limiter saw, however slowly a handler runs.
    """

    def __init__(self, *, clock: Callable[[], float] = time.time, enabled: bool = True) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self.enabled = enabled
        self.limits = dict(KIE_LIMITS)  # `configure` changes them
        self.reset()

    def reset(self) -> None:
        """Empty the windows and every counter (the limits' settings stay as they are)."""
        with self._lock:
            self._windows = {
                kind: SlidingWindow(self.limits[kind].window_seconds) for kind in self.limits
            }
            # Peaks are always measured against Kie's published windows, whatever the limiter
            # is set to, so a benchmark can tell whether real Kie would have refused anything.
            self._peak_windows = {k: SlidingWindow(v.window_seconds) for k, v in KIE_LIMITS.items()}
            self._peaks = {kind: 0 for kind in KIE_LIMITS}
            self._totals = _zero_counts()
            self._seconds: dict[int, dict[str, dict[str, int]]] = {}
            self._logged_through = -1

    def configure(
        self, *, enabled: bool | None = None, limits: dict[str, RateLimit] | None = None
    ) -> None:
        """Switch the limits on/off or change them; a changed window starts empty."""
        with self._lock:
            if enabled is not None:
                self.enabled = enabled
            for kind, limit in (limits or {}).items():
                if kind not in LIMITED_KINDS:
                    raise ValueError(f"Only {', '.join(LIMITED_KINDS)} requests are limited")
                if limit.window_seconds != self.limits[kind].window_seconds:
                    self._windows[kind] = SlidingWindow(limit.window_seconds)
                self.limits[kind] = limit

    def admit(self, kind: str) -> bool:
        """True when the request may proceed; a refusal is counted and takes no window slot."""
        with self._lock:
            now = self._clock()
            window = self._windows.get(kind)
            over = window is not None and window.count(now) >= self.limits[kind].max_requests
            if self.enabled and over:
                self._count(kind, now, "refused")
                return False
            if window is not None:
                window.add(now)
            self._count(kind, now, "admitted")
            return True

    def refuse(self, kind: str) -> None:
        """Count a 429 the sandbox gave for another reason (the `create_429` fault)."""
        with self._lock:
            self._count(kind, self._clock(), "refused")

    def _count(self, kind: str, now: float, outcome: str) -> None:
        self._totals[kind][outcome] += 1
        second = int(now)
        if second not in self._seconds:  # a new second: forget the ones past the series' reach
            for old in [s for s in self._seconds if s <= second - SERIES_SECONDS]:
                del self._seconds[old]
            self._seconds[second] = _zero_counts()
        self._seconds[second][kind][outcome] += 1
        if outcome == "admitted" and kind in self._peak_windows:
            inside = self._peak_windows[kind].add(now)
            self._peaks[kind] = max(self._peaks[kind], inside)

    def limits_dict(self) -> dict[str, Any]:
        with self._lock:
            return {"enabled": self.enabled} | {k: v.as_dict() for k, v in self.limits.items()}

    def stats(self) -> dict[str, Any]:
        """Totals, 429s and window peaks since the last reset, and the recent per-second series."""
        limits = self.limits_dict()
        with self._lock:
            floor = int(self._clock()) - SERIES_SECONDS
            seconds = [
                {"second": second, **_copy(counts)}
                for second, counts in sorted(self._seconds.items())
                if second > floor
            ]
            return {
                "rateLimits": limits,
                "totals": _copy(self._totals),
                "refusedTotal": sum(c["refused"] for c in self._totals.values()),
                "maxStatusPerSecond": self._peaks[STATUS],
                "maxCreatesPer10Seconds": self._peaks[CREATE],
                "seconds": seconds,
            }

    def finished_seconds(self, *, include_current: bool = False) -> list[tuple[int, dict]]:
        """Seconds with traffic not yet handed out, oldest first (for the once-a-second log)."""
        with self._lock:
            current = int(self._clock())
            last = current if include_current else current - 1
            done = [
                (second, _copy(counts))
                for second, counts in sorted(self._seconds.items())
                if self._logged_through < second <= last
            ]
            self._logged_through = max(self._logged_through, last)
            return done


def _copy(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {kind: dict(outcomes) for kind, outcomes in counts.items()}


def log_line(second: int, counts: dict[str, dict[str, int]]) -> str:
    """`kie sandbox: 10 status/s, 2 creates/s, 1 other/s, 0×429 (14:03:07)`: admitted requests
    per kind in that (local-time) second, then the 429s it answered."""
    refused = sum(c["refused"] for c in counts.values())
    return (
        f"kie sandbox: {counts[STATUS]['admitted']} status/s, "
        f"{counts[CREATE]['admitted']} creates/s, {counts[OTHER]['admitted']} other/s, "
        f"{refused}×429 ({time.strftime('%H:%M:%S', time.localtime(second))})"
    )
