"""The sandbox's Gemini chat endpoint, over real HTTP."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kie.sandbox import SandboxServer
from kie.sandbox.schema import SchemaWalker
from tests.sandbox_fixtures import IDEA_SCHEMA, call_sandbox, json_schema_format

CHAT_PATH = "/gemini-2.5-flash/v1/chat/completions"


def _user(text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": [{"type": "text", "text": text}]}]


def _structured(schema: dict[str, Any], text: str = "Ideas for the Acme Ceramic Kettle") -> dict:
    return {"messages": _user(text), "stream": False, "response_format": json_schema_format(schema)}


def _content(server: SandboxServer, body: dict[str, Any]) -> str:
    response = call_sandbox(server, "POST", CHAT_PATH, json=body)
    assert response.status_code == 200
    return response.json()["choices"][0]["message"]["content"]


def test_schema_answer_is_a_json_string_with_ten_distinct_ideas(kie_sandbox: SandboxServer) -> None:
    ideas = json.loads(_content(kie_sandbox, _structured(IDEA_SCHEMA)))["ideas"]

    assert len(ideas) == 10
    assert len({idea["title"] for idea in ideas}) == 10
    assert [idea["rank"] for idea in ideas] == list(range(1, 11))


def test_schema_answer_respects_types_and_limits(kie_sandbox: SandboxServer) -> None:
    ideas = json.loads(_content(kie_sandbox, _structured(IDEA_SCHEMA)))["ideas"]

    for idea in ideas:
        assert len(idea["title"]) <= 40
        assert idea["mood"] in ("calm", "bold", "funny")
        assert 5 <= idea["seconds"] <= 15
        assert 0 <= idea["score"] <= 1
        assert isinstance(idea["fits_kids"], bool)


def test_schema_answer_uses_words_from_the_prompt(kie_sandbox: SandboxServer) -> None:
    content = _content(kie_sandbox, _structured(IDEA_SCHEMA, "Ideas for the Zephyr Teapot"))

    assert "zephyr" in content.lower() or "teapot" in content.lower()


def test_same_request_gets_the_same_answer(kie_sandbox: SandboxServer) -> None:
    first = _content(kie_sandbox, _structured(IDEA_SCHEMA))

    assert _content(kie_sandbox, _structured(IDEA_SCHEMA)) == first
    assert _content(kie_sandbox, _structured(IDEA_SCHEMA, "Ideas for a bicycle")) != first


def test_flattened_response_format_is_tolerated(kie_sandbox: SandboxServer) -> None:
    body = {
        "messages": _user("Name the product"),
        "stream": False,
        "response_format": {"type": "json_schema", "properties": {"name": {"type": "string"}}},
    }

    assert isinstance(json.loads(_content(kie_sandbox, body))["name"], str)


def test_without_schema_answers_a_short_video_prompt(kie_sandbox: SandboxServer) -> None:
    body = {
        "messages": _user("Write a video prompt for the Zephyr Teapot at dawn"),
        "stream": False,
    }

    content = _content(kie_sandbox, body)

    assert "zephyr" in content.lower()
    assert 0 < len(content) <= 900


def test_answer_reports_token_usage(kie_sandbox: SandboxServer) -> None:
    body = {"messages": _user("Hello there"), "stream": False}

    answer = call_sandbox(kie_sandbox, "POST", CHAT_PATH, json=body).json()

    usage = answer["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0


@pytest.mark.parametrize("stream", [True, None])
def test_streams_server_sent_events_unless_stream_is_false(
    kie_sandbox: SandboxServer, stream: bool | None
) -> None:
    body: dict[str, Any] = {"messages": _user("Write a video prompt for the Zephyr Teapot")}
    if stream is not None:
        body["stream"] = stream

    response = call_sandbox(kie_sandbox, "POST", CHAT_PATH, json=body)

    assert response.headers["Content-Type"].startswith("text/event-stream")
    lines = [line for line in response.text.splitlines() if line]
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(line.removeprefix("data: ")) for line in lines[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text == _content(kie_sandbox, body | {"stream": False})


@pytest.mark.parametrize("model", ["gemini-2.5-pro", "gemini-3-pro"])
def test_any_gemini_model_path_answers(kie_sandbox: SandboxServer, model: str) -> None:
    body = {"messages": _user("Hi"), "stream": False}

    answer = call_sandbox(kie_sandbox, "POST", f"/{model}/v1/chat/completions", json=body).json()

    assert answer["model"] == model


def test_missing_messages_is_an_openai_style_400(kie_sandbox: SandboxServer) -> None:
    response = call_sandbox(kie_sandbox, "POST", CHAT_PATH, json={"stream": False})

    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_schema_walker_resolves_refs_and_any_of() -> None:
    schema = {
        "$defs": {"shot": {"type": "object", "properties": {"angle": {"type": "string"}}}},
        "type": "object",
        "properties": {
            "shots": {"type": "array", "minItems": 2, "items": {"$ref": "#/$defs/shot"}},
            "note": {"anyOf": [{"type": "null"}, {"type": "string", "maxLength": 5}]},
        },
    }

    value = SchemaWalker(schema, seed=7, words=["kettle"]).generate()

    assert len(value["shots"]) == 2 and all(isinstance(s["angle"], str) for s in value["shots"])
    assert isinstance(value["note"], str) and len(value["note"]) <= 5
