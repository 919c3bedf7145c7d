"""The shared Kie rate limiter: a sliding window whose state every process sees."""

from __future__ import annotations

import socket
import threading
import time
import uuid

import pytest
from django.db import connection

from campaigns.models import RateLimitSlot
from campaigns.services import ratelimit
from campaigns.services.ratelimit import DatabaseSlots, Rate, RedisSlots, SharedRateLimiter
from kie.errors import KieThrottledError
from kie.ratelimit import Bucket

pytestmark = pytest.mark.django_db

FIVE_PER_SECOND = Rate(5, 1.0)


def wait(slots, bucket: str, rate: Rate, now: float) -> float:
    """How long a call at `now` must wait (0: admitted)."""
    return slots.try_acquire(bucket, rate, now)[0]


class FakeClock:
    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_window_admits_the_limit_then_says_how_long_to_wait():
    slots = DatabaseSlots()

    admitted = [wait(slots, "create", FIVE_PER_SECOND, 1_000.0 + n / 10) for n in range(5)]
    refused = wait(slots, "create", FIVE_PER_SECOND, 1_000.45)

    assert admitted == [0.0] * 5
    assert refused == pytest.approx(0.55)  # the first admission leaves the window at 1001.0


def test_window_slides_instead_of_resetting():
    slots = DatabaseSlots()
    for n in range(5):
        slots.try_acquire("status", FIVE_PER_SECOND, 1_000.0 + n * 0.2)  # 1000.0 … 1000.8

    assert wait(slots, "status", FIVE_PER_SECOND, 1_001.0) == 0.0  # 1000.0 has left
    assert wait(slots, "status", FIVE_PER_SECOND, 1_001.1) > 0  # 1000.2 is still in


def test_buckets_are_counted_apart():
    slots = DatabaseSlots()
    for _ in range(5):
        slots.try_acquire("create", FIVE_PER_SECOND, 1_000.0)

    assert wait(slots, "status", FIVE_PER_SECOND, 1_000.0) == 0.0


def test_an_admission_counts_from_when_its_request_was_sent():
    slots = DatabaseSlots()
    admissions = [slots.try_acquire("status", FIVE_PER_SECOND, 1_000.0)[1] for _ in range(5)]

    for admission in admissions:
        slots.mark_sent("status", admission, 1_000.3)  # held up 300 ms before leaving

    assert wait(slots, "status", FIVE_PER_SECOND, 1_001.0) == pytest.approx(0.3)
    assert wait(slots, "status", FIVE_PER_SECOND, 1_001.3) == 0.0


def test_an_admission_held_up_past_its_window_loses_its_slot_and_is_not_sent():
    clock = FakeClock()
    limiter = SharedRateLimiter(
        DatabaseSlots(), {"status": FIVE_PER_SECOND}, clock=clock, sleep=clock.sleep
    )
    stalled = limiter.acquire(Bucket.STATUS)
    for _ in range(4):
        limiter.acquire(Bucket.STATUS).sent()
    clock.now += 1.5  # the stalled call's window has passed: its slot is the oldest, and free
    limiter.acquire(Bucket.STATUS).sent()  # another call takes it

    with pytest.raises(KieThrottledError):
        stalled.sent()


def test_an_admission_held_up_with_its_slot_still_free_is_sent_late():
    slots = DatabaseSlots()
    _, admission = slots.try_acquire("status", FIVE_PER_SECOND, 1_000.0)

    assert slots.mark_sent("status", admission, 1_002.0) is True
    assert RateLimitSlot.objects.filter(bucket="status", used_at=1_002.0).count() == 1


def test_a_raised_limit_gets_its_extra_slots():
    DatabaseSlots().try_acquire("create", Rate(2, 10), 1_000.0)
    raised = DatabaseSlots()  # a process started after the setting changed

    results = [wait(raised, "create", Rate(4, 10), 1_000.0) for _ in range(4)]

    assert results[:3] == [0.0, 0.0, 0.0] and results[3] > 0
    assert RateLimitSlot.objects.filter(bucket="create").count() == 4


def test_worker_limiter_waits_for_a_free_slot():
    clock = FakeClock()
    limiter = SharedRateLimiter(
        DatabaseSlots(),
        {"create": FIVE_PER_SECOND},
        max_wait_seconds=5,
        clock=clock,
        sleep=clock.sleep,
    )

    for _ in range(6):
        limiter.acquire(Bucket.CREATE).sent()

    assert clock.slept == [pytest.approx(1.0)]


def test_web_limiter_refuses_at_once_with_the_wait():
    clock = FakeClock()
    limiter = SharedRateLimiter(
        DatabaseSlots(),
        {"create": FIVE_PER_SECOND},
        max_wait_seconds=0,
        clock=clock,
        sleep=clock.sleep,
    )
    for _ in range(5):
        limiter.acquire(Bucket.CREATE)

    with pytest.raises(KieThrottledError) as caught:
        limiter.acquire(Bucket.CREATE)

    assert clock.slept == []
    assert caught.value.retry_after_seconds == pytest.approx(1.0)


def test_a_bucket_without_a_rate_is_not_limited():
    limiter = SharedRateLimiter(DatabaseSlots(), {}, max_wait_seconds=0)

    for _ in range(100):
        limiter.acquire(Bucket.STATUS)

    assert not RateLimitSlot.objects.exists()


def test_configured_rates_stretch_kies_windows_by_the_margin(settings):
    settings.KIE_RATE_LIMITS = {"create": "20/10", "status": "10/1"}
    settings.KIE_RATE_LIMIT_MARGIN_SECONDS = 0.1

    rates = ratelimit.configured_rates()

    assert rates["create"] == Rate(20, pytest.approx(10.1))
    assert rates["status"] == Rate(10, pytest.approx(1.1))


@pytest.mark.parametrize("text", ["0/10", "20/0", "twenty/10"])
def test_a_bad_rate_setting_is_refused(text):
    with pytest.raises(ValueError):
        Rate.parse(text)


def _admissions_in_threads(acquire, threads: int, seconds: float) -> list[float]:
    """The admission times of `threads` callers racing for `seconds` (as the limiter saw them)."""
    admitted: list[float] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def run() -> None:
        try:
            while time.monotonic() < stop_at:
                now = time.time()
                if acquire(now) == 0.0:
                    with lock:
                        admitted.append(now)
                else:
                    time.sleep(0.005)
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sorted(admitted)


def _most_in_any_window(times: list[float], window: float) -> int:
    return max(
        (sum(1 for t in times[i:] if t < start + window) for i, start in enumerate(times)),
        default=0,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_processes_never_exceed_the_window_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent connections racing for the same rows")
    rate = Rate(5, 0.5)
    slots = DatabaseSlots()

    admitted = _admissions_in_threads(lambda now: wait(slots, "status", rate, now), 6, 1.6)

    assert len(admitted) >= 10  # the race was real: several windows were filled
    assert _most_in_any_window(admitted, rate.window_seconds) <= rate.limit


def _redis_url() -> str:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return "redis://127.0.0.1:6379/15"


def test_redis_store_keeps_the_same_sliding_window():
    slots = RedisSlots(_redis_url())
    bucket = f"test-{uuid.uuid4().hex}"
    rate = Rate(3, 60)

    results = [slots.try_acquire(bucket, rate, time.time()) for _ in range(4)]
    slots.mark_sent(bucket, results[0][1], time.time())

    assert [wait for wait, _ in results[:3]] == [0.0, 0.0, 0.0]
    assert 59 < results[3][0] <= 60 and results[3][1] is None


def test_redis_store_is_used_when_configured(settings):
    settings.KIE_RATE_LIMIT_REDIS_URL = _redis_url()

    assert isinstance(ratelimit.slot_store(), RedisSlots)
