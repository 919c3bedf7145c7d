"""A copy of the repository as a newcomer's clone has it, and the commands they would type.

The copy holds the files git would check out (no `.env`, no database, no `.demo-password`). Its
`.venv` borrows this checkout's installed packages through symlinks, so no test reinstalls them;
everything else (make, manage.py, the first-run `.env`) runs for real in the copy.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
# What the developer's or CI's environment must not lend a newcomer's shell.
_FOREIGN_ENV_PREFIXES = ("DJANGO_", "KIE_", "MAKE", "MFLAGS", "PYTEST_", "VIRTUAL_ENV")
_FOREIGN_ENV_NAMES = {"DATABASE_URL", "PORT", "SANDBOX_PORT", "MEDIA_ROOT"}
SERVER_START_SECONDS = 90
# Generous: the suite runs these servers on a busy machine, and no assertion is about speed.
REQUEST_SECONDS = 30


def make_fresh_clone(target: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    _borrow_venv(target / ".venv")
    return target


def _borrow_venv(venv: Path) -> None:
    venv.mkdir()
    for entry in (ROOT / ".venv").iterdir():
        if entry.name != ".installed":
            (venv / entry.name).symlink_to(entry)
    # Newer than the copied requirements.txt: make treats the packages as installed.
    (venv / ".installed").touch()


def newcomer_env() -> dict[str, str]:
    """This process's environment minus settings a newcomer's shell would not have."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(_FOREIGN_ENV_PREFIXES) and name not in _FOREIGN_ENV_NAMES
    }


def run_script(clone: Path, script: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=clone,
        env=newcomer_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(clone: Path, script: str, port: int, probe_path: str = "/") -> Iterator[Background]:
    """Run a script that ends in a server; yield once `port` answers HTTP; then press Ctrl-C."""
    process = Background(clone, script)
    try:
        process.wait_for_http(port, probe_path)
        yield process
    finally:
        process.interrupt()


class Background:
    """A script in its own process group, as if typed into a terminal."""

    def __init__(self, clone: Path, script: str) -> None:
        self.log = clone / f".background-{time.monotonic_ns()}.log"
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(
            ["bash", "-c", script],
            cwd=clone,
            env=newcomer_env(),
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_http(self, port: int, path: str) -> requests.Response:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"exited {self.process.returncode}:\n{self.output}")
            try:
                return requests.get(f"http://127.0.0.1:{port}{path}", timeout=REQUEST_SECONDS)
            except (requests.ConnectionError, requests.Timeout):
                # Not listening yet, or listening while its workers still start.
                time.sleep(0.3)
        raise AssertionError(f"nothing answered on port {port}:\n{self.output}")

    def wait(self, timeout: float) -> int:
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self._log_file.close()

    def interrupt(self) -> int:
        """Ctrl-C: SIGINT to the whole group, as a terminal sends it."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            return self.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise AssertionError(f"Ctrl-C did not stop it:\n{self.output}") from None


def group_is_gone(process: Background) -> bool:
    try:
        os.killpg(process.process.pid, 0)
    except ProcessLookupError:
        return True
    return False


def readme_blocks(readme: str, skip_sections: set[str]) -> list[tuple[str, str]]:
    """(section title, script) for every ```sh block outside `skip_sections`."""
    blocks = []
    for section in re.split(r"^## ", readme, flags=re.MULTILINE)[1:]:
        title = section.splitlines()[0].strip()
        if title in skip_sections:
            continue
        for script in re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL):
            blocks.append((title, script))
    return blocks
