"""`manage.py db_worker`: django-tasks-db's worker, plus the Kie sweeper, in one process.

The library's command runs one job loop. AdStudio's worker runs `--threads` job loops (ideas and
prompts take Gemini seconds each) and, unless `--no-sweep`, the sweeper that sends pending tasks
and refreshes running ones (campaigns/services/sweeper.py). Start as many worker processes as you
like, on as many machines as share the database: jobs are claimed with row locks
(`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL) and tasks with conditional updates.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import connection
from django_tasks_db.management.commands import db_worker as library

from campaigns.services.sweeper import Sweeper, sweep_once

logger = logging.getLogger("django_tasks_db")

_JOIN_SECONDS = 30


class Command(library.Command):
    help = (
        "Run background jobs (ideas, prompts, callback re-fetches) and the Kie sweeper "
        "(sends pending video tasks, refreshes running ones)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--threads", type=int, default=2, help="Job loops in this process (default: 2)."
        )
        parser.add_argument(
            "--sweep-threads",
            type=int,
            default=4,
            help="Concurrent Kie calls of the sweeper; the shared rate limiter paces them.",
        )
        parser.add_argument(
            "--no-sweep",
            action="store_false",
            dest="sweep",
            help="Run jobs only (e.g. when another process, or cron with kie_sync, sweeps).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        if options["threads"] < 1 or options["sweep_threads"] < 1:
            raise CommandError("--threads and --sweep-threads must be at least 1.")
        workers = [_worker(options, n) for n in range(options["threads"])]
        if options["batch"]:
            self._run_batch(workers, sweep=options["sweep"])
            return
        sweeper = Sweeper(threads=options["sweep_threads"]) if options["sweep"] else None
        self._run_forever(workers, sweeper)

    def _run_batch(self, workers: list[library.Worker], *, sweep: bool) -> None:
        """Everything due now, once: what tests and cron-style runs want."""
        if sweep:
            sweep_once()
        with _connection_kept_inside_transactions():
            workers[0].run()

    def _run_forever(self, workers: list[library.Worker], sweeper: Sweeper | None) -> None:
        stopping = threading.Event()

        def stop(signum: int, frame: object) -> None:
            logger.warning("Received %s: finishing current jobs, then stopping.", signum)
            for worker in workers:
                worker.running = False
            if sweeper is not None:
                sweeper.stop()
            stopping.set()

        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, stop)
        for n, worker in enumerate(workers):
            threading.Thread(target=worker.run, name=f"jobs-{n}", daemon=True).start()
        sweeping = sweeper.start() if sweeper is not None else []
        logger.info("Worker running: %d job loop(s), sweeper %s", len(workers), bool(sweeper))
        stopping.wait()
        # A sweep may be between a create and recording Kie's answer: let it finish. Idle job
        # loops are only sleeping, and a job under way is let finish too; then exit at once.
        deadline = time.monotonic() + _JOIN_SECONDS
        for thread in sweeping:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        while any(worker.running_task for worker in workers) and time.monotonic() < deadline:
            time.sleep(0.05)


@contextmanager
def _connection_kept_inside_transactions() -> Iterator[None]:
    """The library's loop closes "old" connections; inside a caller's transaction (a test's) that
    would close the caller's connection mid-transaction, so then it leaves it alone."""
    close = library.close_old_connections

    def close_unless_in_transaction() -> None:
        if not connection.in_atomic_block:
            close()

    library.close_old_connections = close_unless_in_transaction
    try:
        yield
    finally:
        library.close_old_connections = close


def _worker(options: dict[str, Any], n: int) -> library.Worker:
    excluded = options["exclude_queues"]
    return library.Worker(
        queue_names=options["queue_name"].split(","),
        interval=options["interval"],
        batch=options["batch"],
        backend_name=options["backend_name"],
        startup_delay=options["startup_delay"],
        max_tasks=options["max_tasks"],
        worker_id=f"{options['worker_id'][:60]}-{n}",
        excluded_queue_names=excluded.split(",") if excluded else [],
    )
