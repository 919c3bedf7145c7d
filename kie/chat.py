"""Gemini chat over Kie: the request body, the answer, and JSON hidden inside the answer."""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import KieBadResponseError
from .types import ChatResult

_FENCE = re.compile(r"```[a-zA-Z0-9_-]*\s*\n?(.*?)```", re.DOTALL)


def build_chat_body(messages: list[dict], response_format: dict | None) -> dict[str, Any]:
    # Kie defaults both flags to true: streaming would give us SSE instead of one JSON answer,
    # and thoughts would be mixed into the content we parse.
    body: dict[str, Any] = {"messages": messages, "stream": False, "include_thoughts": False}
    if response_format is not None:
        _check_response_format(response_format)
        body["response_format"] = response_format
    return body


def _check_response_format(response_format: dict) -> None:
    # Some Kie doc examples show a flattened {"type":"json_schema","properties":...}; only the
    # nested OpenAI form is consistent, so refuse the other before it costs a request.
    if response_format.get("type") == "json_schema" and not isinstance(
        response_format.get("json_schema"), dict
    ):
        raise ValueError(
            "response_format of type json_schema needs a nested 'json_schema' object: "
            '{"type": "json_schema", "json_schema": {"name": ..., "strict": true, "schema": {...}}}'
        )


def parse_chat_result(body: dict[str, Any], *, endpoint: str = "") -> ChatResult:
    """The first choice's text; `body` already has `choices` (checked by the envelope)."""
    choice = body["choices"][0] if isinstance(body["choices"], list) else None
    message = choice.get("message") if isinstance(choice, dict) else None
    content = _content_text(message.get("content") if isinstance(message, dict) else None)
    if not content:
        finish = choice.get("finish_reason") if isinstance(choice, dict) else None
        raise KieBadResponseError(
            f"Gemini returned an empty answer (finish_reason={finish!r}); try again or "
            "shorten the prompt.",
            endpoint=endpoint,
            payload=body,
            outcome_unknown=False,
        )
    usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
    return ChatResult(
        content=content,
        model=str(body.get("model") or ""),
        prompt_tokens=_int(usage.get("prompt_tokens")),
        completion_tokens=_int(usage.get("completion_tokens")),
        raw=body,
    )


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content.strip()
    if isinstance(content, list):  # OpenAI-style list of parts; keep only the text ones
        parts = [p.get("text", "") for p in content if isinstance(p, dict)]
        return "".join(p for p in parts if isinstance(p, str)).strip()
    return ""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_json_content(text: str) -> Any:
    """The first JSON object or array in a model answer, tolerating ``` fences and prose around it.

    Structured output arrives as a JSON *string* in `message.content`, sometimes fenced.
    """
    candidates = [text, *_FENCE.findall(text)]
    for candidate in candidates:
        try:
            value = json.loads(candidate.strip())
        except ValueError:
            continue
        if isinstance(value, dict | list):
            return value
    found = _first_embedded_json(text)
    if found is None:
        raise KieBadResponseError(
            "Gemini's answer contains no JSON object or array: " + text.strip()[:200],
            payload=text,
        )
    return found


def _first_embedded_json(text: str) -> Any:
    decoder = json.JSONDecoder()
    for index, char in enumerate(text):
        if char not in "{[":
            continue
        try:
            value, _ = decoder.raw_decode(text, index)
        except ValueError:
            continue
        return value
    return None
