"""Kie answers and URLs for `responses`-based service tests (test settings point Kie here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

KIE = "http://kie.invalid"
UPLOAD = "http://upload.kie.invalid"
CHAT_URL = f"{KIE}/gemini-2.5-flash/v1/chat/completions"
CREDITS_URL = f"{KIE}/api/v1/chat/credit"
UPLOAD_BASE64_URL = f"{UPLOAD}/api/file-base64-upload"
UPLOAD_STREAM_URL = f"{UPLOAD}/api/file-stream-upload"
KIE_COPY_URL = "https://tempfile.redpandaai.co/xxx/adstudio/products/product.png"

_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "kie"


def kie_fixture(name: str) -> dict[str, Any]:
    """A recorded Kie answer from tests/fixtures/kie/<name>.json."""
    return json.loads((_FIXTURES / f"{name}.json").read_text())


def chat_answer(content: str) -> dict[str, Any]:
    """A non-streamed chat completion whose first choice says `content`."""
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": "gemini-2.5-flash",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 200, "total_tokens": 300},
    }


def idea_dicts(count: int = 10) -> list[dict[str, Any]]:
    return [
        {
            "title": f"Idea number {n}",
            "hook": f"Hook {n}",
            "concept": f"Concept {n}",
            "scenes": [f"Scene {n}.1", f"Scene {n}.2"],
            "on_screen_text": f"Text {n}",
            "voice_over": f"Voice {n}",
            "call_to_action": "Shop now",
            "target_audience": "Hikers",
            "suggested_model": "veo3_fast",
            "aspect_ratio": "9:16",
        }
        for n in range(1, count + 1)
    ]


def ideas_json(count: int = 10) -> str:
    return json.dumps({"ideas": idea_dicts(count)})


def upload_answer(url: str = KIE_COPY_URL) -> dict[str, Any]:
    return {
        "success": True,
        "code": 200,
        "msg": "File uploaded successfully",
        "data": {
            "fileName": "product.png",
            "filePath": "adstudio/products/product.png",
            "downloadUrl": url,
            "fileSize": 1234,
            "mimeType": "image/png",
            "uploadedAt": "2025-01-01T12:00:00.000Z",
        },
    }


def sent_json(call) -> dict[str, Any]:
    """The JSON body of a request `responses` recorded."""
    return json.loads(call.request.body)
