"""Benchmark 7: what POST /api/ideas costs beyond a bare authenticated view, once Gemini's own
time (the sandbox's) is taken out: saving the product, the ten ideas and their batch, the
serializers. Target: under 10 ms at the median.

Each iteration sends, back to back: POST /api/ideas (image URL), a POST to the bare view, and the
very chat request the app sends to Kie, straight to the sandbox. The overhead of the iteration is
ideas − bare − sandbox; the table gives the median over all iterations.
"""

from __future__ import annotations

import http.client
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Context, Row, Spec, main, ms  # noqa: E402

SPEC = Spec(7, "ideas_overhead", "POST /api/ideas beyond a bare authenticated view")

CLIENTS = 2


def run(ctx: Context) -> list[Row]:
    from bench.load import Client, Recorder, medians, percentile, run_clients
    from bench.stack import SANDBOX_KEY, Stack

    with Stack(ctx, web_workers=3, db_workers=0) as stack:
        from bench import seed

        token = seed.staff_token()
        chat_body = json.dumps(app_chat_body()).encode()
        body = {"imageUrl": seed.IMAGE_URL, "productName": "Bench bottle", "notes": "Reusable"}
        overheads: list[float] = []
        gemini: list[float] = []

        def sandbox_chat() -> float:
            conn = http.client.HTTPConnection("127.0.0.1", stack.sandbox_port, timeout=60)
            headers = {"Authorization": f"Bearer {SANDBOX_KEY}", "Content-Type": "application/json"}
            clock = time.perf_counter()
            try:
                conn.request("POST", "/gemini-2.5-flash/v1/chat/completions", chat_body, headers)
                response = conn.getresponse()
                response.read()
            finally:
                conn.close()
            return time.perf_counter() - clock

        def step(client: Client, index: int, iteration: int) -> None:
            ideas = client.post("ideas", "/api/ideas", body)
            if ideas.status != 201:
                raise RuntimeError(f"ideas answered {ideas.status}: {ideas.body[:300]!r}")
            bare = client.post("bare", "/bench/bare", body)
            gemini.append(sandbox_chat())
            overheads.append(ideas.seconds - bare.seconds - gemini[-1])

        run_clients(clients=1, base_url=stack.web_url, token=token, step=step, iterations=2)
        overheads.clear()
        gemini.clear()
        recorder = run_clients(
            clients=CLIENTS,
            base_url=stack.web_url,
            token=token,
            step=step,
            seconds=ctx.pick(30, 1),
            recorder=Recorder(),
        )
        stack.check_alive()
    median = percentile(overheads, 50)
    detail = (
        f"{medians(recorder, 'ideas', 'bare')}, sandbox p50 {ms(percentile(gemini, 50))}; "
        f"{max(s.queries or 0 for s in recorder.of('ideas'))} SQL queries; "
        f"{len(overheads)} requests"
    )
    return [Row(7, "overhead, p50", ms(median), median < 0.010, "about 15 ms", "< 10 ms", detail)]


def app_chat_body() -> dict:
    """The chat request POST /api/ideas makes (campaigns/services/ideas.py), built the same way."""
    from bench.seed import IMAGE_URL
    from campaigns.models import Product
    from campaigns.services import ideas
    from campaigns.services.idea_schema import RESPONSE_FORMAT
    from kie.chat import build_chat_body

    product = Product(name="Bench bottle", notes="Reusable", source_image_url=IMAGE_URL)
    return build_chat_body(ideas._build_messages(product, IMAGE_URL), RESPONSE_FORMAT)


if __name__ == "__main__":
    main(SPEC, run)
