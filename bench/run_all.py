"""`make bench`: run every benchmark script against the sandbox and print ONE table.

Every `bench/*.py` that defines `SPEC` (the interface in bench/common.py) runs as its own process
with `--json`; a benchmark of the issue without a script on this branch gets a row saying so.
`--smoke` runs them all in their tiny mode, `--only 1,4` picks some.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    DEFAULT_PG_URL,
    ISSUE_TABLE,
    ROOT,
    Row,
    Spec,
    placeholder_rows,
    render_table,
    rows_from_json,
)

BENCH_DIR = ROOT / "bench"


def discover() -> list[tuple[Spec, Path]]:
    """(SPEC, path) of every benchmark script, in the issue's order.

    A script is a module of this package with a top-level `SPEC = Spec(` line; only those are
    imported (bench/settings.py, say, must not be: it needs the benchmark's environment).
    """
    found = []
    for path in sorted(BENCH_DIR.glob("*.py")):
        if not re.search(r"^SPEC = Spec\(", path.read_text(), flags=re.MULTILINE):
            continue
        spec = getattr(importlib.import_module(f"bench.{path.stem}"), "SPEC", None)
        if isinstance(spec, Spec):
            found.append((spec, path))
    return sorted(found, key=lambda item: (item[0].number, item[0].name))


def run_one(number: int, path: Path, args: argparse.Namespace, out: Path) -> tuple[list[Row], str]:
    command = [sys.executable, str(path), "--json", str(out), "--pg-url", args.pg_url]
    if args.smoke:
        command.append("--smoke")
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    took = f"{time.monotonic() - started:.0f} s"
    if done.returncode != 0 or not out.exists():
        reason = f"{path.name} failed (exit {done.returncode}); see its output above"
        return [Row(number, "", f"not run: {reason}", False)], [], done.stdout + done.stderr
    rows, notes = rows_from_json(out)
    return rows, [f"{number}: {note}" for note in notes], f"{path.name}: {took}\n{done.stdout}"


def _missing(number: int) -> str:
    return f"no script in bench/ defines SPEC number {number} (the interface in bench/common.py)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="every script in its tiny mode")
    parser.add_argument("--only", default="", help="benchmark numbers to run, e.g. 1,4")
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL), help="PostgreSQL server"
    )
    args = parser.parse_args()
    wanted = {int(n) for n in args.only.split(",") if n.strip()}
    scripts = [(spec, path) for spec, path in discover() if not wanted or spec.number in wanted]
    rows: list[Row] = []
    notes: list[str] = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="bench-all-") as scratch:
        for spec, path in scripts:
            print(f"== benchmark {spec.number}: {path.relative_to(ROOT)}", flush=True)
            got, said, output = run_one(
                spec.number, path, args, Path(scratch) / f"{spec.name}.json"
            )
            print(output, flush=True)
            failed |= any(r.measured.startswith("not run") for r in got)
            rows += got
            notes += said
    covered = {spec.number for spec, _ in scripts}
    for number in ISSUE_TABLE:
        if number not in covered and (not wanted or number in wanted):
            rows += placeholder_rows(number, _missing(number))
    print(render_table(rows, smoke=args.smoke))
    for note in notes:
        print(f"  note {note}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
