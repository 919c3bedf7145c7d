"""Benchmark 4: a cached poll (GET /api/video of a finished task, answered from the database)
against a bare authenticated view, on the same gunicorn, 8 clients, and the SQL queries of each.

Each client alternates the two requests back to back (in turns, so neither always goes first),
so both see the same load at the same moment; the table reports the ratio of their latencies.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Context, Row, Spec, main, ratio_text  # noqa: E402

SPEC = Spec(4, "cached_poll", "Cached poll vs a bare authenticated Django view, 8 clients")

CLIENTS = 8


def run(ctx: Context) -> list[Row]:
    from bench.load import Client, Recorder, run_clients
    from bench.stack import Stack

    with Stack(ctx, web_workers=3, db_workers=0) as stack:
        from bench import seed

        token = seed.staff_token()
        poll_path = f"/api/video?taskId={seed.finished_task().public_id}"

        def step(client: Client, index: int, iteration: int) -> None:
            pair = [("poll", poll_path), ("bare", "/bench/bare")]
            for label, path in pair if (index + iteration) % 2 else reversed(pair):
                answer = client.get(label, path)
                if answer.status != 200:
                    raise RuntimeError(f"{label} answered {answer.status}: {answer.body[:300]!r}")

        # Warm up every gunicorn worker (imports, first connection) before measuring.
        run_clients(clients=3, base_url=stack.web_url, token=token, step=step, iterations=5)
        recorder = run_clients(
            clients=CLIENTS,
            base_url=stack.web_url,
            token=token,
            step=step,
            seconds=ctx.pick(30, 1),
            recorder=Recorder(),
        )
        stack.check_alive()
    return rows(recorder)


def rows(recorder) -> list[Row]:
    from bench.load import medians

    p50 = recorder.percentile("poll", 50) / recorder.percentile("bare", 50)
    p95 = recorder.percentile("poll", 95) / recorder.percentile("bare", 95)
    queries = max(s.queries or 0 for s in recorder.of("poll"))
    bare_queries = max(s.queries or 0 for s in recorder.of("bare"))
    detail = f"{medians(recorder, 'poll', 'bare')}; {len(recorder.of('poll'))} polls"
    return [
        Row(4, "p50 poll / bare", ratio_text(p50), p50 <= 1.5, "1.84×", "≤ 1.5×", detail),
        Row(4, "p95 poll / bare", ratio_text(p95), p95 <= 1.5, "2.24×", "≤ 1.5×"),
        Row(
            4,
            "SQL queries per poll",
            str(queries),
            queries <= 2,
            "3",
            "≤ 2",
            f"bare view: {bare_queries}",
        ),
    ]


if __name__ == "__main__":
    main(SPEC, run)
