"""Kie's status vocabularies (Veo `successFlag`, Jobs `state`) turned into one `TaskStatus`.

The only place those names are read; record-info, recordInfo and callback bodies all come here.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import KieBadResponseError
from .types import TaskState, TaskStatus

# Callbacks come to us, not from an endpoint; errors name this instead of a path.
CALLBACK = "callback"

# Veo successFlag: 0 generating, 1 success, 2 failed, 3 "generation failed" (created, then the
# upstream generation failed). The OpenAPI enum omits 3 but the prose documents it.
_VEO_STATES = {
    0: TaskState.GENERATING,
    1: TaskState.SUCCESS,
    2: TaskState.FAILED,
    3: TaskState.FAILED,
}
_JOBS_STATES = {
    "waiting": TaskState.QUEUED,
    "queuing": TaskState.QUEUED,
    "generating": TaskState.GENERATING,
    "success": TaskState.SUCCESS,
    "fail": TaskState.FAILED,
}


def parse_veo_status(data: dict[str, Any], *, endpoint: str = "") -> TaskStatus:
    """A Veo record-info `data` object as a `TaskStatus`."""
    task_id = _task_id(data, endpoint)
    state = _VEO_STATES.get(_flag(data.get("successFlag")))
    if state is None:
        raise _bad(f"unknown Veo successFlag {data.get('successFlag')!r}", data, endpoint)
    urls: tuple[str, ...] = ()
    if state is TaskState.SUCCESS:
        urls = _veo_result_urls(data)
        if not urls:
            raise _bad("Veo task succeeded but lists no resultUrls", data, endpoint)
    failed = state is TaskState.FAILED
    return TaskStatus(
        kie_task_id=task_id,
        state=state,
        result_urls=urls,
        error_code=_text(data.get("errorCode")) if failed else None,
        error_message=(_text(data.get("errorMessage")) or _veo_failure(data)) if failed else None,
        credits_consumed=_decimal(data.get("consumeCredits")),
        raw=data,
    )


def parse_jobs_status(data: dict[str, Any], *, endpoint: str = "") -> TaskStatus:
    """A Jobs recordInfo `data` object (or a Jobs callback's `data`) as a `TaskStatus`."""
    task_id = _task_id(data, endpoint)
    state = _JOBS_STATES.get(str(data.get("state", "")).strip().lower())
    if state is None:
        raise _bad(f"unknown Jobs state {data.get('state')!r}", data, endpoint)
    urls = _jobs_result_urls(data, endpoint) if state is TaskState.SUCCESS else ()
    failed = state is TaskState.FAILED
    return TaskStatus(
        kie_task_id=task_id,
        state=state,
        result_urls=urls,
        error_code=_text(data.get("failCode")) if failed else None,
        error_message=(_text(data.get("failMsg")) or "Kie.ai reported the task failed.")
        if failed
        else None,
        credits_consumed=_decimal(data.get("consumeCredits")),
        raw=data,
    )


def parse_veo_callback(body: dict[str, Any], *, kie_task_id: str) -> TaskStatus:
    """A Veo callback body: code 200 carries `data.info.resultUrls`; other codes failed.

    The callback page shows `info.resultUrls` as a list, its OpenAPI schema and the quickstart as
    a JSON string: both are read (docs/kie.md#callbacks).
    """
    code = _flag(body.get("code"))
    if code is None:
        raise _bad(f"Veo callback has no usable code {body.get('code')!r}", body, CALLBACK)
    if code != 200:
        return TaskStatus(
            kie_task_id=kie_task_id,
            state=TaskState.FAILED,
            error_code=str(code),
            error_message=_callback_message(body) or "Kie.ai reported the task failed.",
            raw=body,
        )
    data = body.get("data")
    info = data.get("info") if isinstance(data, dict) else None
    urls = _url_list(info.get("resultUrls")) if isinstance(info, dict) else ()
    if not urls:
        raise _bad("Veo callback reports success but lists no resultUrls", body, CALLBACK)
    return TaskStatus(kie_task_id=kie_task_id, state=TaskState.SUCCESS, result_urls=urls, raw=body)


def _callback_message(body: dict[str, Any]) -> str | None:
    return _text(body.get("msg")) or _text(body.get("message"))


def _veo_result_urls(data: dict[str, Any]) -> tuple[str, ...]:
    # The reference puts a list at response.resultUrls; the quickstart parses a top-level JSON
    # string `resultUrls`. Both are seen, so take whichever is present.
    response = data.get("response")
    nested = response.get("resultUrls") if isinstance(response, dict) else None
    return _url_list(nested) or _url_list(data.get("resultUrls"))


def _veo_failure(data: dict[str, Any]) -> str:
    if _flag(data.get("successFlag")) == 3:
        return "Kie.ai accepted the task but the video generation failed."
    return "Kie.ai reported the task failed."


def _jobs_result_urls(data: dict[str, Any], endpoint: str) -> tuple[str, ...]:
    result = data.get("resultJson")
    if isinstance(result, str):  # documented as a JSON string; tolerate an object too
        try:
            result = json.loads(result)
        except ValueError as e:
            raise _bad("Jobs task succeeded but resultJson is not JSON", data, endpoint) from e
    urls = _url_list(result.get("resultUrls")) if isinstance(result, dict) else ()
    if not urls:
        raise _bad("Jobs task succeeded but resultJson lists no resultUrls", data, endpoint)
    return urls


def _url_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return ()
    if not isinstance(value, list):
        return ()
    return tuple(url for url in value if isinstance(url, str) and url)


def _task_id(data: Any, endpoint: str) -> str:
    task_id = data.get("taskId") if isinstance(data, dict) else None
    if not isinstance(task_id, str) or not task_id:
        raise _bad("the status has no taskId", data, endpoint)
    return task_id


def _flag(value: Any) -> int | None:
    try:
        return int(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str | None:
    """errorCode/failCode arrive as int or string, and empty when unset."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _bad(problem: str, data: Any, endpoint: str) -> KieBadResponseError:
    return KieBadResponseError(
        f"Kie.ai's task status is unusable: {problem}.", endpoint=endpoint, payload=data
    )
