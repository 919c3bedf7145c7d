"""The interface every benchmark script follows, and the table `make bench` prints.

A benchmark is a file `bench/<name>.py` that

1. defines `SPEC = Spec(number=<row of the issue's table>, name="<name>", title="…")` at module
   level and does nothing heavy on import (the harness imports it only to read SPEC: no Django
   setup, no server, no database at import time);
2. defines `run(ctx: Context) -> list[Row]`, which measures and returns its rows (one per metric:
   what was measured, the issue's "before" and target, the figure, and whether it meets the
   target; `met=None` when there is nothing to judge);
3. ends with `if __name__ == "__main__": main(SPEC, run)`.

`main` gives every script the same command line: `--help`; `--smoke` (a few requests, seconds:
what `make test` runs so no script rots; its figures mean nothing); `--json PATH` (write the rows
as JSON for the harness); `--pg-url` (the PostgreSQL server; each script creates and drops its own
database `bench_<name>` there); `--keep` (keep the database and process logs for a look).

`bench/run_all.py` (`make bench`) runs every `bench/*.py` that defines SPEC as its own process,
collects the rows and prints ONE table with a row for every benchmark of the issue (one without a
script, or whose script failed, says so in its row). Helpers: `bench/stack.py` (database,
sandbox, gunicorn, workers), `bench/load.py` (the threaded HTTP client and its statistics).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432"
# The response header bench/web.py puts the request's SQL query count in.
QUERIES_HEADER = "X-Bench-Queries"

# The issue's table ("Benchmarks: how fast and how frugal"): number -> (what, before, target).
ISSUE_TABLE: dict[int, tuple[str, str, str]] = {
    1: (
        "Poll coalescing: 50 clients poll 10 live tasks for 30 s",
        "≤ 1 Kie call per task per 5 s, 0×429",
        "keep",
    ),
    2: (
        "100 live tasks polled by 50 clients",
        "7.7–8.2 status/s, 30% answered 429, p50 poll 5.5 s",
        "≥ 9/s, 0×429, p50 poll ≤ 2× a bare view",
    ),
    3: (
        "60 starts in 10 s",
        "70×429, 9 client 429s, 29.2 s",
        "0×429, 0 client errors, ≤ 22 s",
    ),
    4: (
        "Cached poll vs a bare authenticated view, same gunicorn, 8 clients",
        "p50 1.84×, p95 2.24×, 3 SQL queries",
        "≤ 1.5× at p50 and p95, ≤ 2 queries",
    ),
    5: (
        "Download of a 250 MB video vs fetching it from its source",
        "0.87× throughput; slow clients stall polls 11 s; 5 MB/s client cut at 31 s",
        "≥ 0.9× from the archive; no stall; no cut",
    ),
    6: (
        "Query counts of every list endpoint, portal list page and admin list, 10 vs 1,000 rows",
        "constant (3, 3, 9, 5)",
        "constant",
    ),
    7: (
        "POST /api/ideas beyond a bare authenticated view (sandbox latency subtracted)",
        "about 15 ms",
        "< 10 ms p50",
    ),
    8: (
        "Sweep at Kie's limit: 1,000 in-flight tasks, status latency 200 ms, two workers",
        "—",
        "≥ 9 status calls/s sustained, 0×429",
    ),
}


@dataclass(frozen=True)
class Spec:
    number: int
    name: str  # also the database name: bench_<name>
    title: str


@dataclass
class Row:
    """One line of the table. `what` defaults to the issue's wording for the first metric."""

    number: int
    metric: str
    measured: str
    met: bool | None
    before: str = ""
    target: str = ""
    note: str = ""


@dataclass
class Context:
    spec: Spec
    smoke: bool
    pg_url: str
    keep: bool
    work_dir: Path
    notes: list[str] = field(default_factory=list)

    def pick(self, full: float, smoke: float) -> float:
        """The full figure, or the small one in smoke mode."""
        return smoke if self.smoke else full

    def pick_int(self, full: int, smoke: int) -> int:
        return smoke if self.smoke else full


def main(spec: Spec, run: Callable[[Context], list[Row]], argv: list[str] | None = None) -> None:
    args = _parser(spec).parse_args(argv)
    work_dir = Path(tempfile.mkdtemp(prefix=f"bench-{spec.name}-"))
    ctx = Context(spec, args.smoke, args.pg_url, args.keep, work_dir)
    try:
        rows = run(ctx)
    finally:
        if not args.keep:
            shutil.rmtree(work_dir, ignore_errors=True)
    if args.json:
        payload = {
            "spec": asdict(spec),
            "smoke": ctx.smoke,
            "rows": [asdict(r) for r in rows],
            "notes": ctx.notes,
        }
        Path(args.json).write_text(json.dumps(payload, indent=2))
    print(render_table(rows, smoke=ctx.smoke))
    for note in ctx.notes:
        print(f"  note: {note}")
    if args.keep:
        print(f"  logs and scratch files kept in {work_dir}")


def _parser(spec: Spec) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"bench/{spec.name}.py",
        description=f"Benchmark {spec.number}: {spec.title}",
        epilog="Prints a table (what, before, target, measured, met?). See docs/benchmarks.md.",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="a few requests, seconds: checks the script runs"
    )
    parser.add_argument("--json", metavar="PATH", help="also write the rows as JSON to PATH")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
        help=f"PostgreSQL server (default $BENCH_PG_URL or {DEFAULT_PG_URL}); the script "
        f"creates and drops its own database bench_{spec.name} on it",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the database and the process logs"
    )
    return parser


def placeholder_rows(number: int, reason: str) -> list[Row]:
    return [Row(number, "", f"not run: {reason}", None)]


def render_table(rows: Iterable[Row], *, smoke: bool = False) -> str:
    """A Markdown table: it reads in a terminal and pastes into docs/benchmarks.md as it is."""
    header = ("#", "What", "Before", "Target", "Measured", "Met?")
    lines = [header]
    seen: set[int] = set()
    for row in sorted(rows, key=lambda r: r.number):
        what, before, target = ISSUE_TABLE.get(row.number, (row.metric, "", ""))
        first = row.number not in seen
        seen.add(row.number)
        label = what if first else ""
        if row.metric:
            label = f"{label}: {row.metric}" if label else f"… {row.metric}"
        lines.append(
            (
                str(row.number) if first else "",
                label,
                row.before or (before if first else ""),
                row.target or (target if first else ""),
                row.measured + (f" ({row.note})" if row.note else ""),
                _met_text(row.met, smoke),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = [_table_line(lines[0], widths), _table_line(tuple("-" * w for w in widths), widths)]
    out += [_table_line(line, widths) for line in lines[1:]]
    if smoke:
        out.append("(smoke run: a few requests to check the scripts; the figures mean nothing)")
    return "\n".join(out)


def _met_text(met: bool | None, smoke: bool) -> str:
    if met is None:
        return "—"
    text = "yes" if met else "NO"
    return f"{text} (smoke)" if smoke else text


def _table_line(cells: tuple[str, ...], widths: list[int]) -> str:
    return (
        "| "
        + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
        + " |"
    )


def rows_from_json(path: Path) -> tuple[list[Row], list[str]]:
    """The rows and notes a script wrote with --json."""
    data = json.loads(path.read_text())
    return [Row(**row) for row in data["rows"]], list(data.get("notes", []))


def ratio_text(value: float) -> str:
    return f"{value:.2f}×"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"
