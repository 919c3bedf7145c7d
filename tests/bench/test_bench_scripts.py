"""Every benchmark script still runs: a smoke run (a few requests, no timing judged) and --help.

The figures of a smoke run mean nothing; `make bench` measures. On PostgreSQL (CI has one) the
scripts run as `make bench` does; without one they fall back to SQLite and say so. A smoke run
starts a sandbox, gunicorn and workers (4-7 s of two cores): `serial`, so that load never
lands on the timing-sensitive tests of the parallel run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import run_all
from bench.common import ISSUE_TABLE, Row, render_table

SCRIPTS = [path for _spec, path in run_all.discover()]
IDS = [path.stem for path in SCRIPTS]


def _run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=run_all.ROOT, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.serial
@pytest.mark.parametrize("script", SCRIPTS, ids=IDS)
def test_benchmark_runs_in_smoke_mode_and_prints_its_table(script: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.json"

    done = _run(str(script), "--smoke", "--json", str(out))

    assert done.returncode == 0, done.stdout + done.stderr
    assert "| # | What" in done.stdout
    rows = json.loads(out.read_text())["rows"]
    assert rows and all(row["measured"] for row in rows)


@pytest.mark.parametrize("script", SCRIPTS, ids=IDS)
def test_benchmark_explains_itself_with_help(script: Path) -> None:
    done = _run(str(script), "--help", timeout=60)

    assert done.returncode == 0
    assert "--smoke" in done.stdout and "--pg-url" in done.stdout


def test_every_benchmark_of_the_issue_has_a_script() -> None:
    numbers = {spec.number for spec, _path in run_all.discover()}

    assert numbers == set(ISSUE_TABLE)


def test_the_table_names_each_benchmark_once_with_the_issues_before_and_target() -> None:
    rows = [Row(2, "429s", "0", True), Row(2, "rate", "9.1/s", True), Row(5, "", "not run", None)]

    table = render_table(rows)

    assert table.count("100 live tasks polled by 50 clients") == 1
    assert "7.7–8.2 status/s" in table and "not run" in table
    assert len(table.splitlines()) == 2 + 3
