"""The request/answer values the sandbox routes pass around, and Kie's answer shapes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

NO_ACCESS_MSG = "You do not have access permissions"
RECORD_IS_NULL_MSG = "record is null"
INSUFFICIENT_CREDITS_MSG = "The current credits are insufficient. Please top up."


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: Message
    body: bytes

    def json(self) -> Any:
        """The body as JSON; ValueError when it is not."""
        return json.loads(self.body.decode("utf-8") or "null")

    def json_object(self) -> dict[str, Any] | None:
        try:
            parsed = self.json()
        except (ValueError, UnicodeDecodeError):
            return None
        return parsed if isinstance(parsed, dict) else None


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def is_json(self) -> bool:
        return self.content_type.startswith("application/json")


def json_reply(payload: Any, status: int = 200) -> Reply:
    return Reply(status=status, body=json.dumps(payload).encode())


def envelope(code: int, msg: str, data: Any = None, *, status: int = 200) -> Reply:
    """Kie's usual answer: HTTP status and body code differ more often than not."""
    return json_reply({"code": code, "msg": msg, "data": data}, status=status)


def success(data: Any) -> Reply:
    return envelope(200, "success", data)


def upload_error(code: int, msg: str, *, status: int | None = None) -> Reply:
    payload = {"success": False, "code": code, "msg": msg, "data": None}
    return json_reply(payload, status=status or code)


def openai_error(message: str, error_type: str, status: int) -> Reply:
    return json_reply({"error": {"message": message, "type": error_type}}, status=status)


def record_is_null() -> Reply:
    return envelope(422, RECORD_IS_NULL_MSG)
