"""Everything the sandbox remembers: tasks, uploads, credits, faults. One lock guards it all."""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kie.sandbox.faults import Faults
from kie.sandbox.tasks import TERMINAL_STEP, VEO, Outcome, SandboxTask, cost_for

FLAG_3_MESSAGE = "Video generation failed upstream. Try again with a different prompt or image."


@dataclass(frozen=True)
class StoredFile:
    data: bytes
    file_name: str
    mime_type: str
    uploaded_at: float


class SandboxState:
    def __init__(self, *, credits: Decimal | int | str, clock: Callable[[], float]) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self._initial_credits = Decimal(str(credits))
        # Never reset: ids stay unique for the server's life even across test resets.
        self._ids = itertools.count(1)
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.tasks: dict[str, SandboxTask] = {}
            self.uploads: dict[str, StoredFile] = {}
            self.credits = self._initial_credits
            self.faults = Faults()
            self.request_log: list[tuple[str, str]] = []
            self.callbacks: list[dict[str, Any]] = []

    def log_request(self, method: str, path: str) -> None:
        with self.lock:
            self.request_log.append((method, path))

    def new_task(self, provider: str, model: str, request: dict[str, Any]) -> SandboxTask:
        now = self.clock()
        with self.lock:
            task = SandboxTask(
                task_id=self._task_id(provider, model, now),
                provider=provider,
                model=model,
                request=request,
                created_at=now,
                updated_at=now,
                cost=cost_for(model),
                outcome=self._outcome_for(provider),
            )
            self.tasks[task.task_id] = task
            return task

    def _task_id(self, provider: str, model: str, now: float) -> str:
        serial = next(self._ids)
        if provider == VEO:
            return f"veo_task_{int(now * 1000)}{serial:04d}"
        slug = re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-")
        return f"task_{slug}_{int(now * 1000)}{serial:04d}"

    def _outcome_for(self, provider: str) -> Outcome:
        if self.faults.fail_tasks:
            code = str(self.faults.fail_tasks.get("code", "500"))
            msg = str(self.faults.fail_tasks.get("msg", "Internal server error"))
            return Outcome(success_flag=2, fail_code=code, fail_msg=msg)
        if provider == VEO and self.faults.veo_success_flag_3:
            return Outcome(success_flag=3, fail_code="501", fail_msg=FLAG_3_MESSAGE)
        return Outcome()

    def get_task(self, task_id: str) -> SandboxTask | None:
        with self.lock:
            return self.tasks.get(task_id)

    def step_task(self, task: SandboxTask, target_step: int) -> bool:
        """Move a task forward (never back); True when this call made it terminal."""
        with self.lock:
            if task.terminal or target_step <= task.step:
                return False
            now = self.clock()
            task.step = min(TERMINAL_STEP, target_step)
            task.updated_at = now
            if task.terminal:
                self._finish(task, now)
            return task.terminal

    def _finish(self, task: SandboxTask, now: float) -> None:
        task.completed_at = now
        if task.outcome.ok:  # failed tasks are not billed
            task.consumed = task.cost
            self.credits -= task.cost

    def tick(self, step_seconds: float) -> list[SandboxTask]:
        """Time-based clock: step every task by elapsed time; return those that just finished."""
        now = self.clock()
        with self.lock:
            pending = [t for t in self.tasks.values() if not t.terminal]
            return [
                t for t in pending if self.step_task(t, int((now - t.created_at) / step_seconds))
            ]

    def take_hd_poll(self, task: SandboxTask) -> bool:
        """True while the 1080p file is still 'processing' for this call."""
        with self.lock:
            task.hd_polls += 1
            return task.hd_polls <= self.faults.hd_processing_polls

    def expire_media(self, task_id: str | None, older_than_seconds: float | None) -> list[str]:
        """Mark result files gone: one task's (KeyError if unknown), or every task created at
        least `older_than_seconds` ago. Returns the task ids expired."""
        with self.lock:
            if task_id is not None:
                chosen = [self.tasks[task_id]]
            else:
                cutoff = self.clock() - (older_than_seconds or 0)
                chosen = [t for t in self.tasks.values() if t.created_at <= cutoff]
            for task in chosen:
                task.media_expired = True
            return [task.task_id for task in chosen]

    def media_expired(self, task_id: str) -> bool:
        with self.lock:
            task = self.tasks.get(task_id)
            return task is not None and task.media_expired

    def store_upload(self, path: str, stored: StoredFile) -> None:
        with self.lock:
            self.uploads[path] = stored

    def record_callback(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.callbacks.append(entry)
