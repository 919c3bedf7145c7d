"""Our own frozen answer types: nothing Kie-shaped (successFlag, resultJson…) leaves `kie/`.

`raw` fields carry the untouched payload for storage and support only; never branch on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Provider(StrEnum):
    VEO = "veo"
    JOBS = "jobs"


class TaskState(StrEnum):
    QUEUED = "queued"
    GENERATING = "generating"
    SUCCESS = "success"
    FAILED = "failed"

    @property
    def is_terminal(self) -> bool:
        return self in (TaskState.SUCCESS, TaskState.FAILED)


@dataclass(frozen=True)
class TaskStatus:
    """One normalised status answer for a Veo or Jobs task."""

    kie_task_id: str
    state: TaskState
    result_urls: tuple[str, ...] = ()
    error_code: str | None = None
    error_message: str | None = None
    credits_consumed: Decimal | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class ChatResult:
    content: str
    model: str = ""
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class UploadedFile:
    download_url: str
    file_path: str = ""
    file_size: int | None = None
    mime_type: str = ""
    uploaded_at: datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class CallbackEvent:
    """A parsed Kie callback: which task it names, and the status it claims (unverified)."""

    kie_task_id: str
    status: TaskStatus
