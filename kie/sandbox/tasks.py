"""Sandbox tasks and the exact shapes Kie reports them in (record-info, recordInfo, callbacks)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

VEO = "veo"
JOBS = "jobs"

# Both APIs take three status reads to finish: Jobs waiting -> queuing -> generating -> done,
# Veo successFlag 0 for the same three steps.
TERMINAL_STEP = 3
JOBS_STATES = ("waiting", "queuing", "generating")

# Rough per-task prices from docs/kie.md#credits-and-prices; failed tasks cost nothing.
_COSTS: tuple[tuple[str, int], ...] = (
    ("veo3_fast", 60),
    ("veo3_lite", 30),
    ("veo3", 250),
    ("sora-2-pro", 150),
    ("kling-2.6/image-to-video", 55),
    ("kling-2.6/motion-control", 60),
)
DEFAULT_COST = 100


def cost_for(model: str) -> int:
    for prefix, credits in _COSTS:
        if model == prefix or model.startswith(prefix):
            return credits
    return DEFAULT_COST


@dataclass
class Outcome:
    """How a task will end, fixed when it is created (faults apply to new tasks only)."""

    success_flag: int = 1  # Veo: 1 success, 2 failed, 3 generation failed
    fail_code: str = ""
    fail_msg: str = ""

    @property
    def ok(self) -> bool:
        return self.success_flag == 1

    @property
    def veo_code(self) -> int:
        """Veo reports failure codes as numbers; a test may inject any text, so fall back to 500."""
        return int(self.fail_code) if self.fail_code.isdigit() else 500


@dataclass
class SandboxTask:
    task_id: str
    provider: str
    model: str
    request: dict[str, Any]
    created_at: float
    cost: int
    outcome: Outcome
    step: int = 0
    updated_at: float = 0.0
    completed_at: float | None = None
    consumed: int = 0
    hd_polls: int = 0
    # Kie deletes result files after its retention; the sandbox does it when told to.
    media_expired: bool = False

    @property
    def terminal(self) -> bool:
        return self.step >= TERMINAL_STEP

    @property
    def succeeded(self) -> bool:
        return self.terminal and self.outcome.ok

    @property
    def callback_url(self) -> str:
        return str(self.request.get("callBackUrl") or "")


def media_url(base_url: str, task_id: str, suffix: str = ".mp4") -> str:
    return f"{base_url}/media/{task_id}{suffix}"


def json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _ms(seconds: float | None) -> int | None:
    return None if seconds is None else int(seconds * 1000)


def _clock_text(seconds: float | None) -> str | None:
    # Veo reports times as "YYYY-MM-DD HH:MM:SS" text where Jobs uses epoch milliseconds.
    return None if seconds is None else time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds))


def veo_params(task: SandboxTask) -> dict[str, Any]:
    """The request as Veo echoes it: camelCase `aspectRatio`, defaults filled in."""
    params = {k: v for k, v in task.request.items() if k != "aspect_ratio"}
    params["aspectRatio"] = task.request.get("aspect_ratio") or task.request.get("aspectRatio")
    params["aspectRatio"] = params["aspectRatio"] or "16:9"
    params["model"] = task.model
    return params


def _veo_info(task: SandboxTask, base_url: str) -> dict[str, Any]:
    params = veo_params(task)
    info: dict[str, Any] = {"resultUrls": [media_url(base_url, task.task_id)]}
    if params["aspectRatio"] != "16:9":  # Kie sets originUrls only off 16:9
        info["originUrls"] = [media_url(base_url, task.task_id, "-origin.mp4")]
    info["resolution"] = str(task.request.get("resolution") or "720p")
    return info


def veo_record(task: SandboxTask, base_url: str, *, legacy_result_urls: bool) -> dict[str, Any]:
    flag = task.outcome.success_flag if task.terminal else 0
    record: dict[str, Any] = {
        "taskId": task.task_id,
        "paramJson": json.dumps(veo_params(task)),
        "completeTime": _clock_text(task.completed_at),
        "response": None,
        "successFlag": flag,
        "errorCode": None,
        "errorMessage": "",
        "createTime": _clock_text(task.created_at),
        "fallbackFlag": False,
    }
    if flag == 1:
        info = _veo_info(task, base_url)
        if legacy_result_urls:  # the quickstart's shape: a JSON string, top level
            record["resultUrls"] = json.dumps(info.pop("resultUrls"))
        record["response"] = {"taskId": task.task_id, **info}
    elif flag in (2, 3):
        record["errorCode"] = task.outcome.veo_code
        record["errorMessage"] = task.outcome.fail_msg
    return record


def jobs_record(task: SandboxTask, base_url: str, remained: Decimal) -> dict[str, Any]:
    if not task.terminal:
        state = JOBS_STATES[task.step]
    else:
        state = "success" if task.outcome.ok else "fail"
    result = {"resultUrls": [media_url(base_url, task.task_id)]}
    return {
        "taskId": task.task_id,
        "model": task.model,
        "state": state,
        "param": json.dumps(task.request),
        "resultJson": json.dumps(result) if state == "success" else "",
        "failCode": task.outcome.fail_code if state == "fail" else "",
        "failMsg": task.outcome.fail_msg if state == "fail" else "",
        "costTime": _ms(task.completed_at - task.created_at) if task.completed_at else None,
        "createTime": _ms(task.created_at),
        "completeTime": _ms(task.completed_at),
        "updateTime": _ms(task.updated_at),
        "consumeCredits": task.consumed,
        "remainedCredits": json_number(remained),
    }


def veo_callback(task: SandboxTask, base_url: str, *, legacy_result_urls: bool) -> dict[str, Any]:
    """docs/kie.md#callbacks (Veo): success carries info + promptJson; failure only the task id."""
    if task.outcome.ok:
        info = _veo_info(task, base_url)
        if legacy_result_urls:  # the OpenAPI schema's shape: info.resultUrls as a JSON string
            info["resultUrls"] = json.dumps(info["resultUrls"])
        data = {
            "taskId": task.task_id,
            "info": info,
            "promptJson": veo_params(task),
            "fallbackFlag": False,
        }
        return {"code": 200, "msg": "Veo3.1 video generated successfully.", "data": data}
    data = {"taskId": task.task_id, "fallbackFlag": False}
    return {"code": task.outcome.veo_code, "msg": task.outcome.fail_msg, "data": data}


def jobs_callback(task: SandboxTask, base_url: str, remained: Decimal) -> dict[str, Any]:
    """docs/kie.md#callbacks (Jobs): the recordInfo data wrapped in a Playground envelope."""
    data = jobs_record(task, base_url, remained)
    if task.outcome.ok:
        return {"code": 200, "msg": "Playground task completed successfully.", "data": data}
    return {"code": 501, "msg": "Playground task failed.", "data": data}
