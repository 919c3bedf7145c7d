"""`manage.py kie_sync`: one sweep by hand, for deployments that run it from cron."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from campaigns.services.sweeper import sweep_once


class Command(BaseCommand):
    help = (
        "Send pending video tasks, refresh running ones from Kie, mark lost or overdue ones, "
        "copy finished videos into media storage and delete archives past their retention; "
        "prints what changed. The worker does this continuously; this is for cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--threads", type=int, default=4, help="Concurrent Kie calls (the limiter paces them)."
        )
        parser.add_argument(
            "--batch", type=int, default=1000, help="At most this many tasks of each kind."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["threads"] > 1:
            with ThreadPoolExecutor(options["threads"]) as pool:
                report = sweep_once(batch=options["batch"], mapper=pool.map)
        else:
            report = sweep_once(batch=options["batch"])
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            f"Sweep done: {len(report.submitted)} sent, {report.refreshed} refreshed, "
            f"{len(report.changed)} changed state, {len(report.marked_unknown)} marked unknown, "
            f"{len(report.timed_out)} timed out."
        )
