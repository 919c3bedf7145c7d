"""Video jobs: start, poll, download and retry."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns import selectors
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
from campaigns.services import downloads, videos

from .common import IgnoreAcceptNegotiation, error_responses, query, validated

_IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Optional, ≤ 255 chars. The same key and body answer the first task (200) and "
    "never start a second Kie job; the same key with another body answers 409.",
)


def _task_response(request: Request, task: VideoTask, code: int = status.HTTP_200_OK) -> Response:
    return Response(TaskSerializer(task, context={"request": request}).data, status=code)


class VideoView(APIView):
    @extend_schema(
        operation_id="video_start",
        summary="Start a video job for an idea on one model",
        request=VideoStartInput,
        parameters=[_IDEMPOTENCY_PARAMETER],
        responses={
            201: OpenApiResponse(TaskSerializer, description="A new job was started."),
            200: OpenApiResponse(TaskSerializer, description="Replay of an Idempotency-Key."),
            **error_responses(400, 402, 404, 409, 429, 502, 503),
        },
    )
    def post(self, request: Request) -> Response:
        key = IdempotencyKeyInput.key_from(request.headers)
        data = validated(VideoStartInput, request.data)
        task, created = videos.start_video(user=request.user, idempotency_key=key, **data)
        return _task_response(request, task, status.HTTP_201_CREATED if created else 200)

    @extend_schema(
        operation_id="video_status",
        summary="Refresh and return a job's status",
        description="Asks Kie at most once per KIE_POLL_MIN_INTERVAL seconds per task; a "
        "finished task is answered from the database. When Kie is slow or rate limiting, the "
        "task comes back as last known rather than as an error.",
        parameters=[TaskLookupQuery],
        responses={200: TaskSerializer, **error_responses(400, 404, 502)},
    )
    def get(self, request: Request) -> Response:
        params = query(TaskLookupQuery, request.query_params)
        task = selectors.get_task_by_kie_id(params["kie_task_id"], params.get("provider"))
        return _task_response(request, videos.refresh_status(task))


class VideoDownloadView(APIView):
    content_negotiation_class = IgnoreAcceptNegotiation

    @extend_schema(
        operation_id="video_download",
        summary="Download a finished video (Range requests supported)",
        parameters=[
            DownloadQuery,
            OpenApiParameter("Range", OpenApiTypes.STR, OpenApiParameter.HEADER),
        ],
        responses={
            (200, "video/mp4"): OpenApiResponse(OpenApiTypes.BINARY, description="The file."),
            (206, "video/mp4"): OpenApiResponse(OpenApiTypes.BINARY, description="A byte range."),
            **error_responses(400, 404, 409, 410, 416, 502, 503),
        },
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        params = query(DownloadQuery, request.query_params)
        task = selectors.get_task_by_kie_id(params["kie_task_id"], params.get("provider"))
        download = downloads.open_download(
            task, quality=params["quality"], range_header=request.headers.get("Range")
        )
        return _streaming_response(download)


class _ClosingChunks:
    """Django calls `close()` on streamed content once sent, even if iteration never began."""

    def __init__(self, download: downloads.Download) -> None:
        self._download = download

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._download.chunks)

    def close(self) -> None:
        self._download.close()


def _streaming_response(download: downloads.Download) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _ClosingChunks(download), status=download.status, content_type=download.content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{_safe_filename(download)}"'
    response["Accept-Ranges"] = "bytes"
    if download.content_length is not None:
        response["Content-Length"] = str(download.content_length)
    if download.content_range:
        response["Content-Range"] = download.content_range
    return response


def _safe_filename(download: downloads.Download) -> str:
    # The name goes inside a quoted header value: no quotes, backslashes or control characters.
    name = "".join(ch for ch in download.filename if ch.isprintable() and ch not in '"\\')
    return name or "video.mp4"


_RETRY_SCHEMA = {
    "summary": "Retry a failed (or unknown) task as a new task",
    "responses": {201: TaskSerializer, **error_responses(400, 402, 404, 409, 429, 502, 503)},
}


def _retry_response(request: Request, task_id: int) -> Response:
    new_task = videos.retry_task(selectors.get_task(task_id), user=request.user)
    return _task_response(request, new_task, status.HTTP_201_CREATED)


class VideoRetryView(APIView):
    @extend_schema(operation_id="video_retry", request=RetryInput, **_RETRY_SCHEMA)
    def post(self, request: Request) -> Response:
        return _retry_response(request, validated(RetryInput, request.data)["id"])


class TaskRetryView(APIView):
    @extend_schema(operation_id="task_retry", request=None, **_RETRY_SCHEMA)
    def post(self, request: Request, task_id: int) -> Response:
        return _retry_response(request, task_id)
