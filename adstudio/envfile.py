"""Write the local `.env` the first `make run` starts from: debug on and a fresh secret key.

With it, every `manage.py` command works from a plain shell, not only through `make` (which sets
DJANGO_DEBUG=1 itself). An existing `.env` is never touched. Standard library only: it runs
before the virtualenv's packages are needed.

    python3 -m adstudio.envfile .env
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

HEADER = (
    "# Written by the first `make run` for local development; yours to edit (it is git-ignored).\n"
    "# Every setting is described in .env.example. For production see README.md.\n"
)


def local_env_text() -> str:
    return f"{HEADER}DJANGO_DEBUG=1\nDJANGO_SECRET_KEY={secrets.token_urlsafe(50)}\n"


def write_local_env(path: Path) -> bool:
    """Create `path` with local-development settings unless it exists; True when written."""
    try:
        # O_EXCL: never overwrite, even if another `make run` creates the file at the same time.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as env_file:
        env_file.write(local_env_text())
    return True


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else ".env")
    if write_local_env(path):
        print(f"Wrote {path} (DJANGO_DEBUG=1 and a new DJANGO_SECRET_KEY) for local development.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
