"""`KieClient`: one method per Kie.ai endpoint, returning our own types (see docs/interfaces.md).

Every answer goes through `envelope.unwrap`; every failure leaves as a `KieError` subclass; the
retry policy per kind of call lives in `transport`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

import requests

from . import chat as chat_answers
from .envelope import Call, Kind, unwrap
from .errors import KieAuthError, KieBadResponseError, KieError
from .ratelimit import RateLimiter, Unlimited, bucket_for
from .status import parse_jobs_status, parse_veo_status
from .transport import send, with_retries
from .types import ChatResult, Provider, TaskStatus, UploadedFile
from .uploads import base64_body, clean_upload_path, parse_uploaded_file

logger = logging.getLogger(__name__)

_VEO_GENERATE = Call("/api/v1/veo/generate", Kind.CREATE)
_VEO_RECORD_INFO = Call("/api/v1/veo/record-info", Kind.STATUS)
_VEO_1080P = Call("/api/v1/veo/get-1080p-video", Kind.FILE_1080P)
_JOBS_CREATE = Call("/api/v1/jobs/createTask", Kind.CREATE)
_JOBS_RECORD_INFO = Call("/api/v1/jobs/recordInfo", Kind.STATUS)
_CREDITS = Call("/api/v1/chat/credit", Kind.CREDITS)
_UPLOAD_BASE64 = Call("/api/file-base64-upload", Kind.UPLOAD)
_UPLOAD_STREAM = Call("/api/file-stream-upload", Kind.UPLOAD)


class KieClient:
    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = "https://api.kie.ai",
        upload_base_url: str = "https://kieai.redpandaai.co",
        timeout: tuple[float, float] = (5.0, 30.0),  # (connect, read) seconds
        chat_timeout: tuple[float, float] = (5.0, 120.0),  # Gemini can think for a while
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_attempts: int = 4,
        limiter: RateLimiter | None = None,
        time_budget_seconds: float | None = None,
    ) -> None:
        self._api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.upload_base_url = upload_base_url.rstrip("/")
        self.timeout = timeout
        self.chat_timeout = chat_timeout
        self._session = session or requests.Session()
        self._sleep = sleep
        self.max_attempts = max_attempts
        self.limiter: RateLimiter = limiter or Unlimited()
        # The most one call (every attempt, connect and answer together) may take, chat
        # excepted: a web request must not wait on Kie longer than this whatever Kie does.
        self.time_budget_seconds = time_budget_seconds

    @classmethod
    def from_settings(cls, **overrides: Any) -> KieClient:
        """A client on the configured hosts and timeouts; keyword arguments replace any of them."""
        from django.conf import settings

        connect = float(getattr(settings, "KIE_CONNECT_TIMEOUT_SECONDS", 5.0))
        options: dict[str, Any] = {
            "api_key": settings.KIE_API_KEY,
            "base_url": settings.KIE_BASE_URL,
            "upload_base_url": settings.KIE_UPLOAD_BASE_URL,
            "timeout": (connect, float(getattr(settings, "KIE_READ_TIMEOUT_SECONDS", 30.0))),
            "chat_timeout": (
                connect,
                float(getattr(settings, "KIE_CHAT_READ_TIMEOUT_SECONDS", 120.0)),
            ),
        }
        return cls(**(options | overrides))

    def __repr__(self) -> str:  # never show the key
        return f"KieClient(base_url={self.base_url!r}, upload_base_url={self.upload_base_url!r})"

    # --- Chat -------------------------------------------------------------------------------

    # Kie docs: "Gemini 2.5 Flash" chat completions (Market → Chat models); docs/kie.md#chat.
    def chat(
        self,
        messages: list[dict],
        *,
        response_format: dict | None = None,
        model: str = "gemini-2.5-flash",
    ) -> ChatResult:
        call = Call(f"/{model}/v1/chat/completions", Kind.CHAT)
        body = chat_answers.build_chat_body(messages, response_format)
        answer = self._request("POST", call, json=body, timeout=self.chat_timeout)
        return chat_answers.parse_chat_result(answer, endpoint=call.endpoint)

    # --- Account ----------------------------------------------------------------------------

    # Kie docs: "Get Remaining Credits" (Common API) — GET /api/v1/chat/credit;
    # docs/kie.md#credits-and-prices.
    def get_credits(self) -> Decimal:
        data = self._request("GET", _CREDITS)
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            raise _unusable(_CREDITS, "data is not a number", data)
        try:
            return Decimal(str(data))  # via str: 50.5 stays 50.5, not a binary float expansion
        except InvalidOperation as e:
            raise _unusable(_CREDITS, "data is not a number", data) from e

    # --- Uploads (separate host) ------------------------------------------------------------

    # Kie docs: "Base64 File Upload" (File Upload API); docs/kie.md#file-uploads.
    def upload_file_base64(
        self,
        data: bytes,
        *,
        file_name: str,
        mime_type: str,
        upload_path: str = "adstudio/products",
    ) -> UploadedFile:
        body = base64_body(data, file_name=file_name, mime_type=mime_type, upload_path=upload_path)
        answer = self._request("POST", _UPLOAD_BASE64, base_url=self.upload_base_url, json=body)
        return parse_uploaded_file(answer, endpoint=_UPLOAD_BASE64.endpoint)

    # Kie docs: "File Stream Upload" (File Upload API), multipart; docs/kie.md#file-uploads.
    def upload_file_stream(
        self,
        fileobj: BinaryIO,
        *,
        file_name: str,
        mime_type: str,
        upload_path: str = "adstudio/products",
    ) -> UploadedFile:
        form = {"uploadPath": clean_upload_path(upload_path), "fileName": file_name}
        start = fileobj.tell() if fileobj.seekable() else None

        def files() -> dict[str, Any]:
            if start is not None:  # a retried attempt must send the file from the start again
                fileobj.seek(start)
            return {"file": (file_name, fileobj, mime_type)}

        answer = self._request(
            "POST", _UPLOAD_STREAM, base_url=self.upload_base_url, data=form, files=files
        )
        return parse_uploaded_file(answer, endpoint=_UPLOAD_STREAM.endpoint)

    # --- Veo 3.1 ----------------------------------------------------------------------------

    # Kie docs: "Generate Veo 3.1 AI Video (Fast & Quality)" — POST /api/v1/veo/generate.
    def generate_veo_video(self, payload: dict) -> str:
        return self._request("POST", _VEO_GENERATE, json=payload)

    # Kie docs: "Get Veo3.1 Video Details" — docs.kie.ai/veo3-api/get-veo-3-video-details.
    def get_veo_task(self, kie_task_id: str) -> TaskStatus:
        data = self._request("GET", _VEO_RECORD_INFO, params={"taskId": kie_task_id})
        return parse_veo_status(_dict(data, _VEO_RECORD_INFO), endpoint=_VEO_RECORD_INFO.endpoint)

    # Kie docs: "Get 1080P Video" — docs.kie.ai/veo3-api/get-veo-3-1080-p-video.
    # Raises KieNotReadyError while Kie answers "1080P is processing...".
    def get_veo_1080p_video(self, kie_task_id: str, *, index: int = 0) -> str:
        data = self._request("GET", _VEO_1080P, params={"taskId": kie_task_id, "index": index})
        url = data.get("resultUrl") if isinstance(data, dict) else None
        if not isinstance(url, str) or not url:
            raise _unusable(_VEO_1080P, "data.resultUrl is missing", data)
        return url

    # --- Jobs ("Market") API: Sora 2, Kling -------------------------------------------------

    # Kie docs: "Create Task" on each Market model page (e.g. Sora 2 Pro Image to Video).
    def create_task(self, payload: dict) -> str:
        return self._request("POST", _JOBS_CREATE, json=payload)

    # Kie docs: "Get Task Details" (Market → Common) — GET /api/v1/jobs/recordInfo.
    def get_task(self, kie_task_id: str) -> TaskStatus:
        data = self._request("GET", _JOBS_RECORD_INFO, params={"taskId": kie_task_id})
        return parse_jobs_status(
            _dict(data, _JOBS_RECORD_INFO), endpoint=_JOBS_RECORD_INFO.endpoint
        )

    # --- Provider-neutral entry points ------------------------------------------------------

    def start_video(self, provider: Provider | str, payload: dict) -> str:
        if _provider(provider) is Provider.VEO:
            return self.generate_veo_video(payload)
        return self.create_task(payload)

    def get_video_status(self, provider: Provider | str, kie_task_id: str) -> TaskStatus:
        if _provider(provider) is Provider.VEO:
            return self.get_veo_task(kie_task_id)
        return self.get_task(kie_task_id)

    # --- Plumbing ---------------------------------------------------------------------------

    def _request(
        self, method: str, call: Call, *, base_url: str | None = None, **kwargs: Any
    ) -> Any:
        """Send under the retry policy for `call.kind`; return the unwrapped success payload."""
        if not self._api_key:
            raise KieAuthError(
                "No Kie.ai API key is configured: set KIE_API_KEY.", endpoint=call.endpoint
            )
        url = (base_url or self.base_url) + call.endpoint
        kwargs.setdefault("timeout", self.timeout)
        headers = {"Authorization": f"Bearer {self._api_key}", "Accept": "application/json"}

        bucket = bucket_for(call.kind)
        budget = self.time_budget_seconds if call.kind is not Kind.CHAT else None
        deadline = time.monotonic() + budget if budget is not None else None

        def attempt() -> Any:
            # May raise KieThrottledError: then nothing was sent.
            admission = self.limiter.acquire(bucket) if bucket is not None else None
            files = kwargs.get("files")
            sent = {**kwargs, "files": files()} if callable(files) else kwargs
            started = time.monotonic()
            on_send = admission.sent if admission is not None else None
            response = send(
                self._session,
                method,
                url,
                call,
                headers=headers,
                on_send=on_send,
                deadline=deadline,
                **sent,
            )
            logger.debug(
                "Kie %s %s -> HTTP %s in %.2fs",
                method,
                call.endpoint,
                response.status_code,
                time.monotonic() - started,
            )
            try:
                return unwrap(response, call)
            except KieError as exc:
                _redact_key(exc, self._api_key)  # before the retry log or any caller sees it
                raise

        return with_retries(attempt, call, sleep=self._sleep, max_attempts=self.max_attempts)


def _redact_key(exc: KieError, api_key: str) -> None:
    # A refusal may quote the key it was sent; messages reach logs, the API and /healthz.
    if api_key and api_key in exc.message:
        exc.message = exc.message.replace(api_key, "***")
        exc.args = (exc.message,)


def _provider(provider: Provider | str) -> Provider:
    try:
        return Provider(provider)
    except ValueError as e:
        allowed = ", ".join(p.value for p in Provider)
        raise ValueError(f"Unknown provider {provider!r}; use one of: {allowed}.") from e


def _dict(data: Any, call: Call) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise _unusable(call, "data is not an object", data)
    return data


def _unusable(call: Call, problem: str, data: Any) -> KieBadResponseError:
    return KieBadResponseError(
        f"Kie.ai's answer from {call.endpoint} is unusable: {problem}.",
        endpoint=call.endpoint,
        payload=data,
    )
