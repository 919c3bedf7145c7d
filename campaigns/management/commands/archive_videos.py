"""`manage.py archive_videos`: copy finished videos into media storage now, by hand or cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaigns import selectors
from campaigns.services import archive, archive_retention
from campaigns.services.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Without task ids: make every archive copy that is due and delete archives past "
        "ARCHIVE_RETENTION_DAYS (the worker does both continuously). With task ids (ours or "
        "Kie's): copy those tasks' videos again now, e.g. after a failed archive."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("task_ids", nargs="*", help="vt_… ids (or Kie's ids) to archive now.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["task_ids"]:
            for task_id in options["task_ids"]:
                self._archive_one(task_id)
            return
        lines = archive.archive_due(batch=1000)
        expired = archive_retention.expire_archives(batch=1000)
        lines += [f"{name}: archive past its retention deleted" for name in expired]
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"Archive sweep done: {len(lines)} change(s).")

    def _archive_one(self, task_id: str) -> None:
        try:
            task = archive.archive_now(selectors.get_task(task_id), run=True)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        states = f"original {task.archive_state}"
        if task.hd_archive_state != "none":
            states += f", 1080p {task.hd_archive_state}"
        problem = task.archive_error or task.hd_archive_error
        self.stdout.write(f"{task.public_id}: {states}" + (f" ({problem})" if problem else ""))
