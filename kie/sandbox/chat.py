"""Gemini chat answers: deterministic, derived from the request, shaped like Kie's.

See docs/kie.md#chat.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from kie.sandbox.schema import FALLBACK_WORDS, SchemaWalker

_STOPWORDS = frozenset(
    "about after also answer based before being each every from have into json just like make "
    "more must only other over should some such than that their them then there these they this "
    "those through under very what when where which while with without would your return write "
    "give list ideas idea video product image please using used user prompt propose create "
    "generate suggest describe photo picture shown show ad ads advert advertisement".split()
)
_SHOTS = (
    "Slow dolly-in",
    "Handheld tracking shot",
    "Overhead top-down reveal",
    "Smooth orbit around the subject",
    "Low-angle hero shot",
)
_LIGHTS = ("soft golden-hour light", "crisp studio lighting", "moody neon glow", "bright daylight")
# Kling's prompt limit is 1000 characters; stay well inside it.
PLAIN_TEXT_MAX_CHARS = 900
IMAGE_PROMPT_TOKENS = 258


def message_text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    parts = content if isinstance(content, list) else []
    return " ".join(
        str(p.get("text", "")) for p in parts if isinstance(p, dict) and p.get("type") == "text"
    )


def _image_count(messages: list[dict[str, Any]]) -> int:
    return sum(
        1
        for m in messages
        if isinstance(m.get("content"), list)
        for p in m["content"]
        if isinstance(p, dict) and p.get("type") == "image_url"
    )


def request_seed(messages: list[dict[str, Any]]) -> int:
    digest = hashlib.sha256(json.dumps(messages, sort_keys=True, default=str).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def prompt_words(messages: list[dict[str, Any]]) -> list[str]:
    """Distinctive words of the last user message (then of any message), in order, no repeats."""
    users = [m for m in messages if m.get("role") == "user"]
    texts = [message_text(users[-1])] if users else []
    texts += [message_text(m) for m in messages]
    words: list[str] = []
    for text in texts:
        for word in re.findall(r"[A-Za-z][A-Za-z'-]{3,}", text):
            lowered = word.lower().strip("'-")
            if lowered not in _STOPWORDS and lowered not in words:
                words.append(lowered)
        if len(words) >= 5:
            break
    return words[:12]


def schema_of(response_format: dict[str, Any] | None) -> dict[str, Any] | None:
    """The JSON Schema in a response_format, nested (documented) or flattened (some examples)."""
    if not isinstance(response_format, dict):
        return None
    nested = response_format.get("json_schema")
    if isinstance(nested, dict):
        return nested.get("schema") if isinstance(nested.get("schema"), dict) else nested
    if isinstance(response_format.get("schema"), dict):
        return response_format["schema"]
    if "properties" in response_format:
        return {k: v for k, v in response_format.items() if k != "type"} | {"type": "object"}
    if response_format.get("type") == "json_object":
        return {"type": "object", "properties": {"answer": {"type": "string"}}}
    return None


def answer_content(messages: list[dict[str, Any]], response_format: dict[str, Any] | None) -> str:
    seed, words = request_seed(messages), prompt_words(messages)
    schema = schema_of(response_format)
    if schema is not None:
        return json.dumps(SchemaWalker(schema, seed=seed, words=words).generate())
    return plain_text(seed, words)


def plain_text(seed: int, words: list[str]) -> str:
    """A cinematic video prompt built from the request's own words."""
    words = words or list(FALLBACK_WORDS[:3])
    subject = " ".join(words[:3])
    details = ", ".join(words[3:8]) or "clean textures"
    shot, light = _SHOTS[seed % len(_SHOTS)], _LIGHTS[(seed >> 8) % len(_LIGHTS)]
    text = (
        f"{shot} of {subject}, framed in {light}. The camera lingers on {details}, "
        f"revealing the product in a real, everyday moment. Shallow depth of field, gentle "
        f"motion, natural colour grade, 16:9, 8 seconds, ending on a confident close-up."
    )
    return text[:PLAIN_TEXT_MAX_CHARS]


def completion(model: str, body: dict[str, Any], *, created: int) -> dict[str, Any]:
    messages = body.get("messages") or []
    content = answer_content(messages, body.get("response_format"))
    prompt_chars = sum(len(message_text(m)) for m in messages)
    prompt_tokens = prompt_chars // 4 + 1 + _image_count(messages) * IMAGE_PROMPT_TOKENS
    completion_tokens = len(content) // 4 + 1
    return {
        "id": f"chatcmpl-sandbox-{request_seed(messages) % 10**12:012d}",
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def stream_events(answer: dict[str, Any], *, chunk_chars: int = 80) -> list[bytes]:
    """The same answer as SSE `data:` lines ending in `[DONE]`, as Kie streams by default."""
    content = answer["choices"][0]["message"]["content"]
    pieces = [content[i : i + chunk_chars] for i in range(0, len(content), chunk_chars)] or [""]
    head = {k: answer[k] for k in ("id", "created", "model")} | {"object": "chat.completion.chunk"}
    events = []
    for number, piece in enumerate(pieces):
        delta = {"content": piece} | ({"role": "assistant"} if number == 0 else {})
        choice = {"index": 0, "delta": delta, "finish_reason": None}
        events.append(head | {"choices": [choice]})
    events.append(
        head
        | {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        | {"usage": answer["usage"]}
    )
    lines = [f"data: {json.dumps(e)}\n\n".encode() for e in events]
    return [*lines, b"data: [DONE]\n\n"]
