"""Veo and Jobs endpoints (docs/kie.md#veo, #jobs-api): create, status, 1080p."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kie.sandbox import catalog
from kie.sandbox.replies import (
    INSUFFICIENT_CREDITS_MSG,
    Reply,
    Request,
    envelope,
    record_is_null,
    success,
)
from kie.sandbox.tasks import JOBS, VEO, cost_for, jobs_record, media_url, veo_record

if TYPE_CHECKING:
    from kie.sandbox.server import SandboxServer

HD_PROCESSING_MSG = (
    "1080P is processing. It should be ready in 1-2 minutes. Please check back shortly."
)
FEATURE_DISABLED_MSG = "This feature is disabled"


def _create_fault(app: SandboxServer) -> Reply | None:
    # `create_429` is applied with the rate limits, before any handler (routes.dispatch).
    faults = app.state.faults
    if faults.create_error:
        error = faults.create_error
        status = int(error.get("http_status", 200))
        return envelope(int(error.get("code", 500)), str(error.get("msg", "")), status=status)
    return None


def _create_body(app: SandboxServer, request: Request) -> dict[str, Any] | Reply:
    """The create's JSON body, or the reply refusing it (an injected fault, or not an object)."""
    fault = _create_fault(app)
    if fault:
        return fault
    body = request.json_object()
    if body is None:
        return envelope(422, "The request body must be a JSON object")
    return body


def _start(app: SandboxServer, provider: str, model: str, body: dict[str, Any]) -> Reply:
    with app.state.lock:
        if app.state.credits < cost_for(model):
            return envelope(402, INSUFFICIENT_CREDITS_MSG)
        task = app.state.new_task(provider, model, body)
    return success({"taskId": task.task_id})


def veo_generate(app: SandboxServer, request: Request) -> Reply:
    body = _create_body(app, request)
    if isinstance(body, Reply):
        return body
    problem = catalog.veo_problem(body)
    if problem:
        return envelope(422, problem)
    model = body.get("model") or catalog.VEO_DEFAULT_MODEL
    if model in app.state.faults.models_unavailable:
        return envelope(505, FEATURE_DISABLED_MSG)
    return _start(app, VEO, model, body)


def jobs_create(app: SandboxServer, request: Request) -> Reply:
    body = _create_body(app, request)
    if isinstance(body, Reply):
        return body
    model_id = body.get("model")
    if not isinstance(model_id, str) or not model_id:
        return envelope(422, "model is required")
    model = catalog.JOBS_MODELS.get(model_id)
    if model is None or model_id in app.state.faults.models_unavailable:
        return envelope(404, f"Model not found: {model_id}")
    problem = catalog.jobs_input_problem(model, body.get("input"))
    if problem:
        return envelope(422, problem)
    return _start(app, JOBS, model_id, body)


def _task_for(app: SandboxServer, request: Request, provider: str) -> Any:
    task = app.state.get_task(request.query.get("taskId", ""))
    return task if task is not None and task.provider == provider else None


def _status_fault(app: SandboxServer) -> Reply | None:
    error = app.state.faults.status_error
    if not error:
        return None
    status = int(error.get("http_status", 200))
    return envelope(int(error.get("code", 500)), str(error.get("msg", "")), status=status)


def veo_record_info(app: SandboxServer, request: Request) -> Reply:
    fault = _status_fault(app)
    if fault:
        return fault
    task = _task_for(app, request, VEO)
    if task is None:
        return record_is_null()
    app.observe(task)
    with app.state.lock:
        faults = app.state.faults
        record = veo_record(task, app.base_url, legacy_result_urls=faults.veo_legacy_result_urls)
        if faults.no_result_urls and isinstance(record.get("response"), dict):
            record["response"]["resultUrls"] = []
        return success(record)


def jobs_record_info(app: SandboxServer, request: Request) -> Reply:
    fault = _status_fault(app)
    if fault:
        return fault
    task = _task_for(app, request, JOBS)
    if task is None:
        return record_is_null()
    app.observe(task)
    with app.state.lock:
        faults = app.state.faults
        record = jobs_record(task, app.base_url, app.state.credits)
        if record["state"] == "success" and faults.garbled_result_json:
            record["resultJson"] = '{"resultUrls": ["http://'
        elif record["state"] == "success" and faults.no_result_urls:
            record["resultJson"] = '{"resultUrls": []}'
        return success(record)


def veo_1080p(app: SandboxServer, request: Request) -> Reply:
    task = _task_for(app, request, VEO)
    if task is None:
        return record_is_null()
    index = request.query.get("index", "0")
    if index != "0":
        return envelope(422, f"index {index!r} is out of range: this task has 1 video (index 0)")
    if not task.terminal:
        return envelope(422, "The video is still generating; request 1080P after it succeeds.")
    if not task.succeeded:
        return envelope(422, "The video generation failed, so there is no 1080P version.")
    if app.state.take_hd_poll(task):
        return envelope(400, HD_PROCESSING_MSG)
    return success({"resultUrl": media_url(app.base_url, task.task_id, "-1080p.mp4")})
