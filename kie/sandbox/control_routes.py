"""The sandbox's own controls under /sandbox/: faults, rate limits, statistics, media expiry, reset.

Every answer is `{"code": 200, "msg": "success", "data": ...}`; bad input is HTTP 400 with
`{"code": 400, "msg": "<names the field>"}`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kie.sandbox.replies import Reply, Request, envelope, success
from kie.sandbox.traffic import LIMITED_KINDS, RateLimit

if TYPE_CHECKING:
    from kie.sandbox.server import SandboxServer

_LIMIT_FIELDS = {"maxRequests": "max_requests", "windowSeconds": "window_seconds"}


def _bad(msg: str, status: int = 400) -> Reply:
    return envelope(status, msg, status=status)


def set_faults(app: SandboxServer, request: Request) -> Reply:
    body = request.json_object()
    if body is None:
        return _bad("Send the faults as a JSON object")
    try:
        app.set_faults(**body)
    except ValueError as exc:
        return _bad(str(exc))
    return success(app.state.faults.as_dict())


def get_faults(app: SandboxServer, request: Request) -> Reply:
    return success(app.state.faults.as_dict())


def reset(app: SandboxServer, request: Request) -> Reply:
    app.reset()
    return success(None)


def get_limits(app: SandboxServer, request: Request) -> Reply:
    return success(app.traffic.limits_dict())


def set_limits(app: SandboxServer, request: Request) -> Reply:
    """{"enabled"?: bool, "create"?: {"maxRequests"?, "windowSeconds"?}, "status"?: {...}}."""
    body = request.json_object()
    if body is None:
        return _bad("Send the limits as a JSON object")
    unknown = sorted(set(body) - {"enabled", *LIMITED_KINDS})
    if unknown:
        return _bad(
            f"Unknown limit setting(s) {', '.join(unknown)}; known: enabled, create, status"
        )
    if "enabled" in body and not isinstance(body["enabled"], bool):
        return _bad("enabled must be true or false")
    limits: dict[str, RateLimit] = {}
    for kind in LIMITED_KINDS:
        if kind in body:
            parsed = _limit_from(kind, body[kind], app.traffic.limits[kind])
            if isinstance(parsed, Reply):
                return parsed
            limits[kind] = parsed
    app.set_limits(enabled=body.get("enabled"), **limits)
    return success(app.traffic.limits_dict())


def _limit_from(kind: str, value: Any, current: RateLimit) -> RateLimit | Reply:
    """The new limit for `kind`: the given fields over the current ones, or the 400 naming one."""
    if not isinstance(value, dict) or set(value) - set(_LIMIT_FIELDS):
        return _bad(f"{kind} must be an object with maxRequests and/or windowSeconds")
    for name in value:
        if isinstance(value[name], bool) or not isinstance(value[name], int | float):
            return _bad(f"{kind}.{name} must be a number")
    changes = {_LIMIT_FIELDS[name]: given for name, given in value.items()}
    fields = {"max_requests": current.max_requests, "window_seconds": current.window_seconds}
    try:
        return RateLimit(**(fields | changes))
    except ValueError as exc:
        return _bad(f"{kind}.{exc}")


def get_stats(app: SandboxServer, request: Request) -> Reply:
    return success(app.stats())


def expire(app: SandboxServer, request: Request) -> Reply:
    """{"taskId": "..."} or {"olderThanSeconds": N} -> {"expired": [task ids]}."""
    body = request.json_object()
    if body is None:
        return _bad("Send {taskId} or {olderThanSeconds} as a JSON object")
    task_id, older = body.get("taskId"), body.get("olderThanSeconds")
    if (task_id is None) == (older is None):
        return _bad("Give exactly one of taskId or olderThanSeconds")
    if task_id is not None and (not isinstance(task_id, str) or not task_id):
        return _bad("taskId must be a task id string")
    if older is not None and (
        isinstance(older, bool) or not isinstance(older, int | float) or older < 0
    ):
        return _bad("olderThanSeconds must be a number of seconds (0 or more)")
    try:
        expired = app.expire_media(task_id, older_than_seconds=older)
    except KeyError:
        return _bad(f"No sandbox task {task_id}", status=404)
    return success({"expired": expired})
