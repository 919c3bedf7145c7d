"""Running the same work in many threads at once, each on its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection, connections


def run_together(work: Callable[[int], Any], count: int) -> tuple[list, list]:
    """`work(i)` for i in range(count), in threads released at once; (results, errors)."""
    barrier = threading.Barrier(count)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            connection.ensure_connection()
            barrier.wait(timeout=10)
            results.append(work(index))
        except BaseException as exc:  # noqa: BLE001 - reported by the calling test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors
