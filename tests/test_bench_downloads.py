"""bench/downloads.py keeps working: its smoke mode serves a tiny archived video with gunicorn."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench" / "downloads.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    # SQLite in the bench's own temporary folder: never the developer's or CI's database.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, str(BENCH), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_download_bench_explains_itself():
    result = _run("--help")

    assert result.returncode == 0
    assert "--smoke" in result.stdout and "--slow-clients" in result.stdout


def test_download_bench_smoke_run_prints_its_table_and_the_whole_file_arrives():
    result = _run("--smoke")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "| p50 (ms) |" in result.stdout and "| polls (failed) |" in result.stdout
    assert "whole file, SHA-256 matches" in result.stdout
