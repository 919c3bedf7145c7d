"""Switchable misbehaviour, so tests can make the sandbox answer the way Kie does on a bad day."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

DEFAULT_HD_PROCESSING_POLLS = 2


@dataclass
class Faults:
    """Every fault is off by default. Counters (`create_429`, `malformed`) count down as used."""

    # Chat answers HTTP 200 with this Kie envelope ({"code", "msg"}) and no `choices`.
    chat_error: dict[str, Any] | None = None
    # Chat answers OpenAI-style {"error": {"message", "type"}} with HTTP `status`.
    chat_openai_error: dict[str, Any] | None = None
    # The next N creates (Veo generate, Jobs createTask) answer HTTP 429.
    create_429: int = 0
    # Creates answer {"code", "msg"} with HTTP `http_status` (default 200) until cleared.
    create_error: dict[str, Any] | None = None
    # Tasks created while set end failed with {"code", "msg"}.
    fail_tasks: dict[str, Any] | None = None
    # Veo tasks created while set end with successFlag 3 (generation failed upstream).
    veo_success_flag_3: bool = False
    # Every answer waits this long first (to exercise read timeouts).
    slow_seconds: float = 0.0
    # Status reads (record-info, recordInfo, get-1080p-video, credits) alone take this long to
    # answer, after Kie's rate limit has counted them: a slow Kie under polling load (bench 8).
    status_slow_seconds: float = 0.0
    # The next N JSON answers are cut in half: HTTP 200 with unparseable JSON.
    malformed: int = 0
    # How many get-1080p-video calls answer "1080P is processing" before the URL.
    hd_processing_polls: int = DEFAULT_HD_PROCESSING_POLLS
    # Veo record-info puts `resultUrls` top-level as a JSON string (the quickstart's old shape),
    # and Veo callbacks send `info.resultUrls` as a JSON string (the OpenAPI schema's shape).
    veo_legacy_result_urls: bool = False
    # Creates for these model ids are refused as disabled / not found.
    models_unavailable: list[str] = field(default_factory=list)
    # Status reads (record-info, recordInfo) answer {"code", "msg"} with HTTP `http_status`
    # (default 200, Kie's habit) until cleared.
    status_error: dict[str, Any] | None = None
    # Every Kie API answer is an HTML error page with this HTTP status (a proxy in front of Kie).
    html_error: int = 0
    # Jobs tasks that succeed report a `resultJson` that is not JSON.
    garbled_result_json: bool = False
    # Tasks that succeed report no result URL at all.
    no_result_urls: bool = False

    def update(self, **changes: Any) -> None:
        """Switch faults on or off; an unknown name raises ValueError naming the known ones."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(
                f"Unknown sandbox fault(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        for name, value in changes.items():
            setattr(self, name, _normalise(name, value))

    def take(self, counter: str) -> bool:
        """Use one unit of a countdown fault; True when it was still armed."""
        remaining = getattr(self, counter)
        if remaining <= 0:
            return False
        setattr(self, counter, remaining - 1)
        return True

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _normalise(name: str, value: Any) -> Any:
    if name in ("create_429", "malformed", "hd_processing_polls", "html_error"):
        return int(value or 0)
    if name in ("slow_seconds", "status_slow_seconds"):
        return float(value or 0)
    if name in ("veo_success_flag_3", "veo_legacy_result_urls", "garbled_result_json"):
        return bool(value)
    if name == "no_result_urls":
        return bool(value)
    if name == "models_unavailable":
        return list(value or [])
    return dict(value) if value else None
