"""Benchmark 1: 50 clients poll 10 live tasks for 30 s; Kie must see at most one status call per
task per 5 s (KIE_POLL_MIN_INTERVAL), and no 429.

The tasks are started through the API (so they are young, and the worker's sweeper follows them
too, as in production). Every client polls its task once a second. Kie's side is read from the
sandbox's request log: the time of every status call, per task.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Context, Row, Spec, main  # noqa: E402

SPEC = Spec(1, "poll_coalescing", "Poll coalescing: 50 clients poll 10 live tasks for 30 s")

WINDOW_SECONDS = 5.0
# The app stamps a poll before sending it, the sandbox logs it when answering: two calls exactly
# 5 s apart by the app's clock may be logged a few milliseconds closer.
JITTER_SECONDS = 0.1


def run(ctx: Context) -> list[Row]:
    from bench.load import Client, paced, run_clients
    from bench.stack import Stack

    clients, task_count = ctx.pick_int(50, 3), ctx.pick_int(10, 2)
    with Stack(ctx, web_workers=3, db_workers=1) as stack:
        from bench import seed

        token = seed.staff_token()
        task_ids = start_tasks(stack.web_url, token, seed.idea().pk, task_count)
        pace = paced(1.0)

        def step(client: Client, index: int, iteration: int) -> None:
            pace(iteration)
            client.get("poll", f"/api/video?taskId={task_ids[index % task_count]}")

        started = time.time()
        seconds = ctx.pick(30, 2)
        recorder = run_clients(
            clients=clients, base_url=stack.web_url, token=token, step=step, seconds=seconds
        )
        stack.check_alive()
        stats = stack.sandbox.stats()
        calls = [r for r in stack.sandbox_requests(since=started) if r.is_status]
    return rows(calls, stats, recorder, seconds, task_count)


def start_tasks(web_url: str, token: str, idea_id: int, count: int) -> list[str]:
    from bench.load import Client, Recorder

    client = Client(web_url, token, Recorder())
    body = {"ideaId": idea_id, "model": "veo3_fast", "prompt": "A steel bottle on a trail"}
    task_ids = []
    for _ in range(count):
        answer = client.post("start", "/api/video", body)
        if answer.status not in (201, 202):
            raise RuntimeError(f"start answered {answer.status}: {answer.body[:300]!r}")
        task_ids.append(answer.json()["taskId"])
    return task_ids


def most_in_window(times: list[float], window: float) -> int:
    ordered, best, first = sorted(times), 0, 0
    for last, at in enumerate(ordered):
        while at - ordered[first] >= window:
            first += 1
        best = max(best, last - first + 1)
    return best


def rows(calls, stats, recorder, seconds: float, task_count: int) -> list[Row]:
    from bench.load import group_by

    per_task = group_by(calls, lambda r: r.task_id)
    worst = max(
        (
            most_in_window([c.at for c in c_], WINDOW_SECONDS - JITTER_SECONDS)
            for c_ in per_task.values()
        ),
        default=0,
    )
    gaps = [
        later.at - earlier.at
        for task_calls in per_task.values()
        for earlier, later in zip(task_calls, task_calls[1:], strict=False)
    ]
    mean = len(calls) / task_count / (seconds / WINDOW_SECONDS)
    polls = recorder.of("poll")
    errors = sum(1 for s in polls if s.status != 200)
    refused = stats["refusedTotal"]
    min_gap = f"{min(gaps):.2f} s" if gaps else "—"
    return [
        Row(
            1,
            "Kie status calls per task per 5 s",
            f"max {worst}, mean {mean:.2f}",
            worst <= 1,
            "≤ 1",
            "≤ 1",
            f"{len(calls)} calls for {len(polls)} polls; shortest gap {min_gap}",
        ),
        Row(1, "Kie 429s", str(refused), refused == 0, "0", "0"),
        Row(1, "polls not answered 200", str(errors), errors == 0, "—", "0"),
    ]


if __name__ == "__main__":
    main(SPEC, run)
