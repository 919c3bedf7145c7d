"""Benchmark 8: the sweep at Kie's limit. 1,000 tasks in flight, all due a status check, Kie
answering each status call in 200 ms, two worker processes sharing the limiter: Kie should get
at least 9 status calls a second, sustained, and answer none of them 429.

Tasks are seeded straight into the sandbox and the database; no browser polls (no gunicorn), so
every call is the sweepers'. The rate is the sandbox's own count, second by second.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Context, Row, Spec, main  # noqa: E402

SPEC = Spec(8, "sweep_limit", "Sweep at Kie's limit: 1,000 in-flight tasks, two workers")

STATUS_LATENCY_SECONDS = 0.2
WORKERS = 2
WARM_UP_SECONDS = 3


def run(ctx: Context) -> list[Row]:
    from bench.poll_load import status_rate
    from bench.stack import Stack

    task_count, seconds = ctx.pick_int(1000, 20), ctx.pick(60, 3)
    with Stack(ctx, web=False, db_workers=0) as stack:
        from bench import seed

        seed.live_tasks(stack.sandbox.seed_veo_tasks(task_count))
        stack.sandbox.set_faults(status_slow_seconds=STATUS_LATENCY_SECONDS)
        stack.start_workers(WORKERS)
        started = time.time()
        time.sleep(seconds)
        ended = time.time()
        stack.check_alive()
        stats = stack.sandbox.stats()
    rate, slowest, refused = status_rate(stats, started + ctx.pick(WARM_UP_SECONDS, 0), ended)
    return [
        Row(
            8,
            "Kie status calls per second, sustained",
            f"{rate:.2f}/s",
            rate >= 9,
            "—",
            "≥ 9/s",
            f"slowest second {slowest}; peak in any 1 s {stats['maxStatusPerSecond']}; "
            f"{seconds:.0f} s",
        ),
        Row(8, "Kie 429s", str(refused), refused == 0, "—", "0"),
    ]


if __name__ == "__main__":
    main(SPEC, run)
