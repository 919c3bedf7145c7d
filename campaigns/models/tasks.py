"""Video tasks: one paid Kie job each, its state table, and what it was started with."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from .catalog import Idea, Product

PUBLIC_ID_PREFIX = "vt_"


def new_public_id() -> str:
    """Our own task id: `vt_` + 16 hex digits, never shaped like Kie's `veo_task_…`/`task_…` ids."""
    return f"{PUBLIC_ID_PREFIX}{secrets.token_hex(8)}"


class VideoTaskState(models.TextChoices):
    # Recorded and waiting for its turn under Kie's rate limit (or for its prompt to be written).
    PENDING = "pending", "Waiting to start"
    SUBMITTING = "submitting", "Submitting"
    QUEUED = "queued", "Queued"
    GENERATING = "generating", "Generating"
    SUCCESS = "success", "Success"
    FAILED = "failed", "Failed"
    # The create call's outcome was never learned (timeout after sending); Kie may bill it.
    UNKNOWN = "unknown", "Unknown"


class ArchiveState(models.TextChoices):
    """Our own copy of one finished video file (services/archive.py)."""

    # Nothing to copy: the task has not succeeded (or, for `hd_`, it is not a Veo task).
    NONE = "none", "Not archived"
    # Due for a copy (or a retry after a failed one) at `*_archive_due_at`.
    PENDING = "pending", "Archiving"
    DONE = "done", "Archived"
    # Given up: `*_archive_error` says why; downloads fall back to Kie's URL.
    FAILED = "failed", "Archive failed"
    # Deleted by the retention sweep (ARCHIVE_RETENTION_DAYS); Kie's URL is the fallback.
    EXPIRED = "expired", "Archive expired"
    # Deleted by staff (services/archive_retention.delete_archive).
    DELETED = "deleted", "Archive deleted"


class CostSource(models.TextChoices):
    """Where a task's actual credits come from (blank while unknown)."""

    KIE = "kie", "Reported by Kie"
    # Kie reports no cost for Veo: the published price of the options used stands in for it.
    PRICE_LIST = "price_list", "Published price (Kie reports none)"
    NO_CHARGE = "no_charge", "Failed: not charged"


class VideoTask(models.Model):
    State = VideoTaskState
    Archive = ArchiveState
    CostSource = CostSource

    TERMINAL_STATES = frozenset({State.SUCCESS, State.FAILED})
    # Kie has the job and we know its id: these are the states the sweeper refreshes.
    IN_FLIGHT_STATES = frozenset({State.QUEUED, State.GENERATING})
    # Allowed state changes; terminal states have none (a retry is a new row).
    TRANSITIONS: dict[str, frozenset[str]] = {
        State.PENDING: frozenset({State.SUBMITTING, State.FAILED}),
        # Back to pending only when Kie certainly never saw the create (429, no connection).
        State.SUBMITTING: frozenset(
            {
                State.PENDING,
                State.QUEUED,
                State.GENERATING,
                State.SUCCESS,
                State.FAILED,
                State.UNKNOWN,
            }
        ),
        State.QUEUED: frozenset({State.GENERATING, State.SUCCESS, State.FAILED}),
        State.GENERATING: frozenset({State.SUCCESS, State.FAILED}),
        State.UNKNOWN: frozenset({State.QUEUED, State.GENERATING, State.SUCCESS, State.FAILED}),
        State.SUCCESS: frozenset(),
        State.FAILED: frozenset(),
    }

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="tasks")
    idea = models.ForeignKey(
        Idea, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    retry_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries"
    )
    model_id = models.CharField(max_length=64)
    provider = models.CharField(max_length=8)
    prompt = models.TextField(blank=True)
    # Gemini still has to write the prompt; the task is not sent to Kie before it has one.
    needs_prompt = models.BooleanField(default=False)
    # Every option with its default applied, exactly as sent to Kie.
    options = models.JSONField(default=dict, blank=True)
    # The media the task was started with; retries rebuild their request from these.
    image_urls = models.JSONField(default=list, blank=True)
    video_urls = models.JSONField(default=list, blank=True)
    uses_product_image = models.BooleanField(default=False)
    # What was sent to Kie, kept for support only; never read back for logic.
    request_payload = models.JSONField(default=dict, blank=True)
    kie_task_id = models.CharField(max_length=128, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    result_urls = models.JSONField(default=list, blank=True)
    hd_video_url = models.URLField(max_length=2000, blank=True)
    estimated_credits = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    actual_credits = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    actual_credits_source = models.CharField(max_length=16, choices=CostSource.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="video_tasks",
    )
    idempotency_key = models.CharField(max_length=255, blank=True)
    # SHA-256 of the normalised request: the same key with another body is a conflict.
    request_fingerprint = models.CharField(max_length=64, blank=True)
    submit_attempts = models.PositiveSmallIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # When the sweeper should next ask Kie about this task (back-off schedule, see polling.py).
    next_check_at = models.DateTimeField(null=True, blank=True)
    # Past this, a task Kie still reports as running ends failed with code `timeout`.
    deadline_at = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    poll_count = models.PositiveIntegerField(default=0)
    last_status_payload = models.JSONField(default=dict, blank=True)

    # --- Our copy of the finished video (services/archive.py), Kie's URL stays the fallback ---
    archive_state = models.CharField(
        max_length=16, choices=ArchiveState.choices, default=ArchiveState.NONE
    )
    archive_error = models.TextField(blank=True)  # why the last copy failed (kept while retrying)
    archive_attempts = models.PositiveSmallIntegerField(default=0)
    # When the worker should next try the copy (or retake it, if a worker died holding it).
    archive_due_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    video_file = models.FileField(max_length=300, blank=True)  # a name in default storage
    video_bytes = models.BigIntegerField(null=True, blank=True)
    video_sha256 = models.CharField(max_length=64, blank=True)
    video_content_type = models.CharField(max_length=100, blank=True)
    # Read from the archived file with PyAV (services/video_facts.py).
    poster_file = models.FileField(max_length=300, blank=True)  # JPEG, a frame ~1 s in
    video_duration_seconds = models.FloatField(null=True, blank=True)
    video_width = models.PositiveIntegerField(null=True, blank=True)
    video_height = models.PositiveIntegerField(null=True, blank=True)
    # Veo's 1080p file: Kie makes it minutes after success, so it has a schedule of its own.
    hd_archive_state = models.CharField(
        max_length=16, choices=ArchiveState.choices, default=ArchiveState.NONE
    )
    hd_archive_error = models.TextField(blank=True)
    hd_archive_attempts = models.PositiveSmallIntegerField(default=0)
    hd_archive_due_at = models.DateTimeField(null=True, blank=True)
    hd_archived_at = models.DateTimeField(null=True, blank=True)
    hd_video_file = models.FileField(max_length=300, blank=True)
    hd_video_bytes = models.BigIntegerField(null=True, blank=True)
    hd_video_sha256 = models.CharField(max_length=64, blank=True)
    hd_video_content_type = models.CharField(max_length=100, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A task id Kie gave us belongs to exactly one row (lookups by Kie's id).
            models.UniqueConstraint(
                fields=["kie_task_id", "provider"],
                condition=~Q(kie_task_id=""),
                name="videotask_unique_kie_task_id",
            ),
            # Replays of one Idempotency-Key by one user find the task they started.
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="videotask_unique_idempotency_key",
            ),
            models.CheckConstraint(
                condition=Q(state__in=VideoTaskState.values), name="videotask_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(archive_state__in=ArchiveState.values)
                & Q(hd_archive_state__in=ArchiveState.values),
                name="videotask_archive_state_valid",
            ),
        ]
        indexes = [
            # Task list filters: GET /api/tasks?state=&model=
            models.Index(fields=["state", "-created_at"], name="videotask_state_created"),
            models.Index(fields=["model_id", "-created_at"], name="videotask_model_created"),
            # The sweeper's refresh query: state IN (queued, generating) AND next_check_at <= now
            # ORDER BY next_check_at (selectors.due_for_refresh).
            models.Index(
                fields=["next_check_at"],
                condition=Q(state__in=["queued", "generating"]),
                name="videotask_due_refresh",
            ),
            # The sweeper's submit queue: state = pending ORDER BY created_at
            # (selectors.due_for_submission).
            models.Index(
                fields=["created_at"],
                condition=Q(state="pending"),
                name="videotask_pending_fifo",
            ),
            # The archive loop's query: archive_state = pending AND archive_due_at <= now
            # ORDER BY archive_due_at (selectors.due_for_archive), and the same for hd_.
            models.Index(
                fields=["archive_due_at"],
                condition=Q(archive_state="pending"),
                name="videotask_archive_due",
            ),
            models.Index(
                fields=["hd_archive_due_at"],
                condition=Q(hd_archive_state="pending"),
                name="videotask_hd_archive_due",
            ),
            # The retention sweep: archive_state = done AND archived_at < cutoff
            # (selectors.archives_older_than), and the same for hd_.
            models.Index(
                fields=["archived_at"],
                condition=Q(archive_state="done"),
                name="videotask_archived",
            ),
            models.Index(
                fields=["hd_archived_at"],
                condition=Q(hd_archive_state="done"),
                name="videotask_hd_archived",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_id} {self.public_id} [{self.state}]"

    @property
    def credits_difference(self) -> Decimal | None:
        """Actual minus estimated credits, once the actual cost is known."""
        if self.actual_credits is None:
            return None
        return self.actual_credits - self.estimated_credits

    @property
    def is_terminal(self) -> bool:
        return self.state in self.TERMINAL_STATES

    @classmethod
    def can_transition(cls, old: str, new: str) -> bool:
        return new in cls.TRANSITIONS.get(old, frozenset())
