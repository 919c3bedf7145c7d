"""The local `.env` the first `make run` writes: debug on, a fresh key, never overwritten."""

from __future__ import annotations

import stat
import subprocess
import sys

from adstudio.envfile import write_local_env
from tests.fresh_clone import ROOT


def test_writes_debug_on_and_a_fresh_secret_key_readable_only_by_the_owner(tmp_path) -> None:
    first, second = tmp_path / "a.env", tmp_path / "b.env"

    assert write_local_env(first) and write_local_env(second)

    lines = first.read_text().splitlines()
    assert "DJANGO_DEBUG=1" in lines
    key = next(line for line in lines if line.startswith("DJANGO_SECRET_KEY="))
    assert len(key) > len("DJANGO_SECRET_KEY=") + 50
    assert key not in second.read_text()
    assert stat.S_IMODE(first.stat().st_mode) == 0o600


def test_never_overwrites_an_existing_env(tmp_path) -> None:
    env = tmp_path / ".env"
    env.write_text("KIE_API_KEY=mine\n")

    assert not write_local_env(env)
    assert env.read_text() == "KIE_API_KEY=mine\n"


def test_runs_with_the_system_python_before_any_package_is_installed(tmp_path) -> None:
    env = tmp_path / ".env"

    result = subprocess.run(
        [sys.executable, "-S", "-m", "adstudio.envfile", str(env)],  # -S: no site-packages
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert "DJANGO_DEBUG=1" in env.read_text()
