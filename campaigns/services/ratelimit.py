"""The one Kie rate limiter every process shares: web requests, workers, sweepers, commands.

A sliding window: a call is admitted only if fewer than `limit` calls were admitted in the last
`window` seconds. The state is the `limit` most recent admission times of each bucket, kept in
the database (`RateLimitSlot`, works on SQLite and PostgreSQL) or in Redis when
KIE_RATE_LIMIT_REDIS_URL is set. Admitting a call overwrites the oldest time, and only if it is
older than the window; in the database that is a conditional UPDATE, so of two processes
racing for one slot exactly one wins and the other tries the next slot.

Why not a token bucket: it admits a full burst and then keeps refilling, so some windows see
almost twice the limit, and Kie answers those extra calls 429. Why a margin: each process stamps
admissions with its own clock and the request reaches Kie a little later; windows a few percent
longer than Kie's keep clock skew and network jitter from adding a call to Kie's window; and
each admission is stamped again when its request is really sent (`Admission.sent`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, transaction

from campaigns.models import RateLimitSlot
from kie.errors import KieThrottledError
from kie.ratelimit import Admission, Bucket

# How many times one acquire re-reads the slots after losing a race before it reports a wait.
_MAX_RACES = 8
_RACE_WAIT_SECONDS = 0.01


@dataclass(frozen=True)
class Rate:
    limit: int
    window_seconds: float

    @classmethod
    def parse(cls, text: str) -> Rate:
        """'20/10' -> 20 calls per 10 seconds."""
        limit, _, seconds = text.partition("/")
        rate = cls(int(limit), float(seconds or 1))
        if rate.limit < 1 or rate.window_seconds <= 0:
            raise ValueError(
                f"rate {text!r}: need at least 1 call per a positive number of seconds"
            )
        return rate


class SlotStore(Protocol):
    def try_acquire(self, bucket: str, rate: Rate, now: float) -> tuple[float, Any]:
        """(0, slot) when a call was admitted at `now`, else (seconds until one could be, None)."""

    def mark_sent(self, bucket: str, slot: Any, now: float) -> bool:
        """Move the admission in `slot` forward to when its request really left; False when the
        slot was given to another call meanwhile (this one was held up past the window)."""


class DatabaseSlots:
    """Slots as rows: one SELECT of the oldest slot and one conditional UPDATE per admission."""

    def __init__(self) -> None:
        self._ensured: set[tuple[str, int]] = set()

    def try_acquire(self, bucket: str, rate: Rate, now: float) -> tuple[float, Any]:
        if (bucket, rate.limit) not in self._ensured:
            _create_slots(bucket, rate.limit)  # also when the limit was raised
            self._ensured.add((bucket, rate.limit))
        slots = RateLimitSlot.objects.filter(bucket=bucket, slot__lt=rate.limit)
        for _ in range(_MAX_RACES):
            oldest = slots.order_by("used_at", "slot").values_list("slot", "used_at").first()
            if oldest is None:  # the rows were removed (a test's rollback, a manual clean-up)
                _create_slots(bucket, rate.limit)
                continue
            slot, used_at = oldest
            if used_at > now - rate.window_seconds:
                return used_at + rate.window_seconds - now, None
            with _without_waiting_for_disk():
                won = slots.filter(slot=slot, used_at=used_at).update(used_at=now)
            if won:
                return 0.0, (slot, now)
        return _RACE_WAIT_SECONDS, None

    def mark_sent(self, bucket: str, slot: Any, now: float) -> bool:
        number, admitted_at = slot
        # Conditional: the slot is ours until its window has passed and another call took it.
        with _without_waiting_for_disk():
            moved = RateLimitSlot.objects.filter(
                bucket=bucket, slot=number, used_at=admitted_at
            ).update(used_at=max(now, admitted_at))
        return moved == 1


@contextmanager
def _without_waiting_for_disk() -> Iterator[None]:
    """On PostgreSQL, a slot write commits without waiting for the WAL flush.

    Each admission is two writes, both on the path between a slot freeing and the next call
    leaving; a flush costs ~4-12 ms on a busy disk, which at 10 status calls per second was a
    tenth of Kie's limit (bench 8). A crash can lose only the last instants of slot times,
    which the margin on each window already absorbs.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def _create_slots(bucket: str, limit: int) -> None:
    RateLimitSlot.objects.bulk_create(
        [RateLimitSlot(bucket=bucket, slot=n, used_at=0.0) for n in range(limit)],
        ignore_conflicts=True,
    )


# Redis keeps the admissions in a sorted set and decides with its own clock, atomically.
_REDIS_SCRIPT = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
  return '0'
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tostring(tonumber(oldest[2]) + window - now)
"""


# The send time, also by Redis's clock; only if the admission is still there (1), else 0.
_REDIS_MARK_SENT = """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return 0
end
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
return 1
"""


def _redis_key(bucket: str) -> str:
    return f"adstudio:kie-rate:{bucket}"


class RedisSlots:
    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._script = self._redis.register_script(_REDIS_SCRIPT)
        self._mark_sent_script = self._redis.register_script(_REDIS_MARK_SENT)
        self._serial = 0

    def try_acquire(self, bucket: str, rate: Rate, now: float) -> tuple[float, Any]:
        self._serial += 1
        member = f"{now:.6f}:{id(self)}:{self._serial}"
        key = _redis_key(bucket)
        wait = float(self._script(keys=[key], args=[rate.window_seconds, rate.limit, member]))
        return wait, (member if wait <= 0 else None)

    def mark_sent(self, bucket: str, slot: Any, now: float) -> bool:
        return bool(int(self._mark_sent_script(keys=[_redis_key(bucket)], args=[slot])))


class SharedRateLimiter:
    """kie.ratelimit.RateLimiter over a shared store; waits at most `max_wait_seconds`."""

    def __init__(
        self,
        store: SlotStore,
        rates: dict[str, Rate],
        *,
        max_wait_seconds: float = 0.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._store = store
        self._rates = rates
        self._max_wait_seconds = max_wait_seconds
        self._clock = clock
        self._sleep = sleep

    def acquire(self, bucket: Bucket) -> Admission:
        rate = self._rates.get(str(bucket))
        if rate is None:
            return _Unmetered()
        deadline = self._clock() + self._max_wait_seconds
        while True:
            wait, slot = self._store.try_acquire(str(bucket), rate, self._clock())
            if wait <= 0:
                return _SlotAdmission(self, str(bucket), slot)
            if self._clock() + wait > deadline:
                raise KieThrottledError(retry_after_seconds=wait)
            self._sleep(wait)

    def _mark_sent(self, bucket: str, slot: Any) -> None:
        if not self._store.mark_sent(bucket, slot, self._clock()):
            # Held up so long between its turn and sending that the turn went to another
            # call: sending now would put one call too many in Kie's window.
            raise KieThrottledError(
                "This request waited too long to leave and lost its turn under Kie.ai's rate "
                "limit; it was not sent.",
                retry_after_seconds=_RACE_WAIT_SECONDS,
            )


@dataclass(frozen=True)
class _SlotAdmission:
    limiter: SharedRateLimiter
    bucket: str
    slot: Any

    def sent(self) -> None:
        self.limiter._mark_sent(self.bucket, self.slot)


class _Unmetered:
    def sent(self) -> None:
        return None


def configured_rates() -> dict[str, Rate]:
    """Kie's limits from settings, each window stretched by KIE_RATE_LIMIT_MARGIN_SECONDS."""
    margin = settings.KIE_RATE_LIMIT_MARGIN_SECONDS
    rates = {}
    for bucket, text in settings.KIE_RATE_LIMITS.items():
        rate = Rate.parse(text)
        rates[bucket] = Rate(rate.limit, rate.window_seconds + margin)
    return rates


@cache
def _redis_store(url: str) -> RedisSlots:
    return RedisSlots(url)


_database_slots = DatabaseSlots()


def slot_store() -> SlotStore:
    url = settings.KIE_RATE_LIMIT_REDIS_URL
    return _redis_store(url) if url else _database_slots


def get_limiter(
    *, max_wait_seconds: float = 0.0, sleep: Callable[[float], None] = time.sleep
) -> SharedRateLimiter:
    return SharedRateLimiter(
        slot_store(), configured_rates(), max_wait_seconds=max_wait_seconds, sleep=sleep
    )
