"""Video jobs: start, poll, download and retry."""

from __future__ import annotations

from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns import media_responses, selectors
from campaigns.api.serializers import (
    IDEMPOTENCY_HEADER,
    DownloadQuery,
    IdempotencyKeyInput,
    RetryInput,
    TaskLookupQuery,
    TaskSerializer,
    VideoStartInput,
)
from campaigns.models import VideoTask
from campaigns.services import videos

from .common import IgnoreAcceptNegotiation, error_responses, query, validated

_IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Optional, ≤ 255 chars. The same key and body answer the first task (200, or "
    "202 while it still waits to be sent) and never start a second Kie job; the same key with "
    "another body answers 409.",
)


def _task_response(request: Request, task: VideoTask, code: int = status.HTTP_200_OK) -> Response:
    return Response(TaskSerializer(task, context={"request": request}).data, status=code)


def _start_status(task: VideoTask, created: bool) -> int:
    """201: Kie has the job. 202: it waits for its turn (rate limit) or its prompt. 200: replay."""
    if task.state == VideoTask.State.PENDING:
        return status.HTTP_202_ACCEPTED
    return status.HTTP_201_CREATED if created else status.HTTP_200_OK


class VideoView(APIView):
    @extend_schema(
        operation_id="video_start",
        summary="Start a video job for an idea on one model",
        description="Never fails for Kie's rate limit: a job Kie can take now answers 201; one "
        "that must wait for its turn (or for Gemini to write its prompt, when none is sent) "
        "answers 202 with status `pending`, and the worker sends it. Poll its `taskId`.",
        request=VideoStartInput,
        parameters=[_IDEMPOTENCY_PARAMETER],
        responses={
            201: OpenApiResponse(TaskSerializer, description="Kie accepted the job."),
            202: OpenApiResponse(TaskSerializer, description="Recorded; the worker sends it."),
            200: OpenApiResponse(TaskSerializer, description="Replay of an Idempotency-Key."),
            # 429 only for this user's own request rate (API throttling), never Kie's limit.
            **error_responses(400, 402, 404, 409, 429, 502, 503),
        },
    )
    def post(self, request: Request) -> Response:
        key = IdempotencyKeyInput.key_from(request.headers)
        data = validated(VideoStartInput, request.data)
        task, created = videos.start_video(user=request.user, idempotency_key=key, **data)
        return _task_response(request, task, _start_status(task, created))

    @extend_schema(
        operation_id="video_status",
        summary="Refresh and return a job's status",
        description="`taskId` is ours (`vt_…`) or Kie's. Asks Kie at most once per "
        "KIE_POLL_MIN_INTERVAL seconds per task (the worker also refreshes every running task "
        "on its own); a finished task is answered from the database. When Kie is slow or rate "
        "limiting, the task comes back as last known rather than as an error.",
        parameters=[TaskLookupQuery],
        responses={200: TaskSerializer, **error_responses(400, 404, 502)},
    )
    def get(self, request: Request) -> Response:
        params = query(TaskLookupQuery, request.query_params)
        task = selectors.get_task(params["task_id"], params.get("provider"))
        return _task_response(request, videos.refresh_status(task))


class VideoDownloadView(APIView):
    content_negotiation_class = IgnoreAcceptNegotiation

    @extend_schema(
        operation_id="video_download",
        summary="Download a finished video (Range requests supported)",
        description="Served from our archive once the worker has copied the video (`archive` "
        "in the task says so): `Range` (one range; 206, or 416 past the end), `If-Range`, and "
        "the validators `ETag` (the file's SHA-256) and `Last-Modified` (304 when unchanged). "
        "With S3-compatible storage the answer is a 302 to a short-lived signed URL. Until the "
        "video is archived, or when its copy failed or was deleted, it streams from Kie's URL "
        "(410 once Kie no longer has it); `Accept-Ranges` is sent only when ranges work.",
        parameters=[
            DownloadQuery,
            OpenApiParameter("Range", OpenApiTypes.STR, OpenApiParameter.HEADER),
            OpenApiParameter("If-Range", OpenApiTypes.STR, OpenApiParameter.HEADER),
            OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER),
        ],
        responses={
            (200, "video/mp4"): OpenApiResponse(OpenApiTypes.BINARY, description="The file."),
            (206, "video/mp4"): OpenApiResponse(OpenApiTypes.BINARY, description="A byte range."),
            302: OpenApiResponse(
                description="MEDIA_DELIVERY=redirect (S3): `Location` is a signed URL."
            ),
            304: OpenApiResponse(description="Not modified (If-None-Match / If-Modified-Since)."),
            412: OpenApiResponse(description="If-Match / If-Unmodified-Since did not hold."),
            **error_responses(400, 404, 409, 410, 416, 502, 503),
        },
    )
    def get(self, request: Request) -> HttpResponseBase:
        params = query(DownloadQuery, request.query_params)
        task = selectors.get_task(params["task_id"], params.get("provider"))
        return media_responses.task_video_response(
            request, task, quality=params["quality"], attachment=True
        )


class TaskRetryView(APIView):
    @extend_schema(
        operation_id="task_retry",
        summary="Retry a failed (or unknown) task as a new task",
        description="A failed task has at most one live retry: asking again answers it (200). "
        "A task that succeeded cannot be retried (start a new video for another take). An "
        "`unknown` task may still be running and billing at Kie: send `confirm: true`.",
        request=RetryInput,
        responses={
            201: OpenApiResponse(TaskSerializer, description="A new task was started."),
            202: OpenApiResponse(TaskSerializer, description="Recorded; the worker sends it."),
            200: OpenApiResponse(TaskSerializer, description="The live retry that exists."),
            **error_responses(400, 402, 404, 409, 502, 503),
        },
    )
    def post(self, request: Request, task_id: str) -> Response:
        confirm = validated(RetryInput, request.data)["confirm"]
        task = selectors.get_task(task_id)
        new_task, created = videos.retry_task(task, user=request.user, confirm=confirm)
        return _task_response(request, new_task, _start_status(new_task, created))
