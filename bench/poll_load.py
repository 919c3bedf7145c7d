"""Benchmark 2: 100 live tasks polled by 50 clients. Every task wants a status check more often
than Kie's 10 status calls per second allow, so the limiter decides: Kie should answer at least
9 calls a second (its limit, used up), never 429, and a poll should stay within 2× a bare
authenticated view (a web request never waits for Kie's limit).

Tasks are seeded straight into the sandbox and the database (starting 100 through Kie's create
limit would take 50 s); the worker's sweeper refreshes them too. Each client polls once a second,
then asks the bare view; the status rate is the sandbox's own count, second by second.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Context, Row, Spec, main, ratio_text  # noqa: E402

SPEC = Spec(2, "poll_load", "100 live tasks polled by 50 clients")

# The first seconds fill the limiter's windows; the rate is judged on the rest.
WARM_UP_SECONDS = 3


def run(ctx: Context) -> list[Row]:
    from bench.load import Client, paced, run_clients
    from bench.stack import Stack

    clients, task_count = ctx.pick_int(50, 3), ctx.pick_int(100, 4)
    seconds = ctx.pick(40, 2)
    with Stack(ctx, web_workers=3, db_workers=1) as stack:
        from bench import seed

        token = seed.staff_token()
        tasks = seed.live_tasks(stack.sandbox.seed_veo_tasks(task_count))
        task_ids = [task.public_id for task in tasks]
        pace = paced(1.0)

        def step(client: Client, index: int, iteration: int) -> None:
            pace(iteration)
            client.get(
                "poll", f"/api/video?taskId={task_ids[(index + iteration * clients) % task_count]}"
            )
            client.get("bare", "/bench/bare")

        started = time.time()
        recorder = run_clients(
            clients=clients, base_url=stack.web_url, token=token, step=step, seconds=seconds
        )
        ended = time.time()
        stack.check_alive()
        stats = stack.sandbox.stats()
    return rows(stats, recorder, started + ctx.pick(WARM_UP_SECONDS, 0), ended)


def status_rate(stats: dict, start: float, end: float) -> tuple[float, int, int]:
    """(mean admitted status calls per second, slowest second, 429s) over the whole seconds
    between `start` and `end`."""
    seconds = [s for s in stats["seconds"] if start <= s["second"] and s["second"] + 1 <= end]
    admitted = [s["status"]["admitted"] for s in seconds]
    refused = sum(s["status"]["refused"] for s in stats["seconds"])
    if not admitted:
        return 0.0, 0, refused
    return sum(admitted) / len(admitted), min(admitted), refused


def rows(stats, recorder, start: float, end: float) -> list[Row]:
    from bench.load import medians

    rate, slowest, refused = status_rate(stats, start, end)
    p50 = recorder.percentile("poll", 50) / recorder.percentile("bare", 50)
    errors = sum(1 for s in recorder.of("poll") if s.status != 200)
    return [
        Row(
            2,
            "Kie status calls answered per second",
            f"{rate:.2f}/s",
            rate >= 9,
            "7.7–8.2/s",
            "≥ 9/s",
            f"slowest second {slowest}; peak in any 1 s {stats['maxStatusPerSecond']}",
        ),
        Row(
            2,
            "Kie 429s",
            str(stats["refusedTotal"]),
            stats["refusedTotal"] == 0,
            "30% of calls",
            "0",
        ),
        Row(
            2,
            "p50 poll / bare view",
            ratio_text(p50),
            p50 <= 2,
            "5.5 s",
            "≤ 2×",
            f"{medians(recorder, 'poll', 'bare')}; {len(recorder.of('poll'))} polls, "
            f"{errors} not 200",
        ),
    ]


if __name__ == "__main__":
    main(SPEC, run)
