"""Gemini chat through Kie: what we send, what we read back, and JSON inside the answer."""

from __future__ import annotations

import json

import pytest
import responses
from responses import matchers

from kie.chat import parse_json_content
from kie.errors import (
    KieAuthError,
    KieBadResponseError,
    KieRateLimitedError,
    KieUnavailableError,
    KieValidationError,
)
from tests.kie.kie_client_fakes import API_KEY, BASE_URL, load_fixture, make_client

CHAT_URL = f"{BASE_URL}/gemini-2.5-flash/v1/chat/completions"
MESSAGES = [
    {
        "role": "user",
        "content": [
            {"type": "text", "text": "Ten ad ideas for this mug."},
            {"type": "image_url", "image_url": {"url": "https://cdn.example/mug.png"}},
        ],
    }
]
SCHEMA_FORMAT = {
    "type": "json_schema",
    "json_schema": {"name": "structured_output", "strict": True, "schema": {"type": "object"}},
}


@responses.activate(assert_all_requests_are_fired=True)
def test_chat_always_sends_stream_false_and_include_thoughts_false() -> None:
    expected = {"messages": MESSAGES, "stream": False, "include_thoughts": False}
    responses.post(
        CHAT_URL,
        json=load_fixture("chat_completion"),
        match=[matchers.json_params_matcher(expected, strict_match=True)],
    )
    client, _ = make_client()

    result = client.chat(MESSAGES)

    assert result.content == "A sunrise unboxing on a kitchen counter."
    assert (result.model, result.prompt_tokens, result.completion_tokens) == (
        "gemini-2.5-flash",
        1109,
        50,
    )


@responses.activate(assert_all_requests_are_fired=True)
def test_chat_sends_bearer_key_and_the_longer_chat_timeout() -> None:
    responses.post(
        CHAT_URL,
        json=load_fixture("chat_completion"),
        match=[matchers.header_matcher({"Authorization": f"Bearer {API_KEY}"})],
    )
    client, _ = make_client(timeout=(3.0, 30.0), chat_timeout=(3.0, 120.0))

    client.chat(MESSAGES)

    assert responses.calls[0].request.req_kwargs["timeout"] == (3.0, 120.0)


@responses.activate(assert_all_requests_are_fired=True)
def test_chat_sends_response_format_in_the_nested_json_schema_form() -> None:
    expected = {
        "messages": MESSAGES,
        "stream": False,
        "include_thoughts": False,
        "response_format": SCHEMA_FORMAT,
    }
    responses.post(
        CHAT_URL,
        json=load_fixture("chat_structured_fenced"),
        match=[matchers.json_params_matcher(expected, strict_match=True)],
    )
    client, _ = make_client()

    result = client.chat(MESSAGES, response_format=SCHEMA_FORMAT)

    assert parse_json_content(result.content) == {
        "ideas": [{"title": "Morning ritual", "hook": "Steam rises"}]
    }


def test_chat_refuses_the_flattened_response_format_before_sending() -> None:
    client, _ = make_client()  # no responses registered: any request would fail the test

    with pytest.raises(ValueError, match="nested 'json_schema'"):
        client.chat(MESSAGES, response_format={"type": "json_schema", "properties": {}})


@responses.activate
def test_chat_uses_the_model_named_in_the_path() -> None:
    responses.post(
        f"{BASE_URL}/gemini-2.5-pro/v1/chat/completions", json=load_fixture("chat_completion")
    )
    client, _ = make_client()

    assert client.chat(MESSAGES, model="gemini-2.5-pro").content


@responses.activate
def test_chat_reads_json_even_without_a_content_type_header() -> None:
    responses.post(CHAT_URL, body=json.dumps(load_fixture("chat_completion")), content_type=None)
    client, _ = make_client()

    assert client.chat(MESSAGES).content == "A sunrise unboxing on a kitchen counter."


@responses.activate
def test_chat_gateway_refusal_inside_http_200_shows_kies_message() -> None:
    responses.post(CHAT_URL, json=load_fixture("chat_gateway_refusal_524"), status=200)
    client, _ = make_client()

    with pytest.raises(KieUnavailableError) as caught:
        client.chat(MESSAGES)

    assert caught.value.message == "no user can use"
    assert (caught.value.code, caught.value.http_status) == (524, 200)
    assert caught.value.outcome_unknown is False


@responses.activate
def test_chat_answer_without_choices_or_code_is_a_bad_response() -> None:
    responses.post(CHAT_URL, json={"id": "chatcmpl-1", "object": "chat.completion"})
    client, _ = make_client()

    with pytest.raises(KieBadResponseError, match="no `choices`") as caught:
        client.chat(MESSAGES)

    assert caught.value.endpoint == "/gemini-2.5-flash/v1/chat/completions"


@responses.activate
def test_chat_with_empty_content_names_the_finish_reason() -> None:
    body = load_fixture("chat_completion")
    body["choices"][0]["message"]["content"] = ""
    body["choices"][0]["finish_reason"] = "length"
    responses.post(CHAT_URL, json=body)
    client, _ = make_client()

    with pytest.raises(KieBadResponseError, match="finish_reason='length'"):
        client.chat(MESSAGES)


@pytest.mark.parametrize(
    ("status", "error_type", "expected"),
    [
        (400, "invalid_request_error", KieValidationError),
        (401, "authentication_error", KieAuthError),
        (429, "rate_limit_error", KieRateLimitedError),
        (503, "something_new", KieUnavailableError),
    ],
)
@responses.activate
def test_chat_openai_style_errors_map_by_type(status, error_type, expected) -> None:
    body = load_fixture("chat_openai_error")
    body["error"]["type"] = error_type
    responses.post(CHAT_URL, json=body, status=status)
    client, _ = make_client(max_attempts=1)

    with pytest.raises(expected) as caught:
        client.chat(MESSAGES)

    assert caught.value.message == "Invalid value for 'messages': expected at least 1 item."
    assert caught.value.http_status == status


@responses.activate
def test_chat_openai_style_error_of_unknown_type_inside_http_200_is_a_bad_response() -> None:
    body = {"error": {"message": "Something odd happened upstream.", "type": "server_error"}}
    responses.post(CHAT_URL, json=body, status=200)
    client, _ = make_client(max_attempts=1)

    with pytest.raises(KieBadResponseError) as caught:
        client.chat(MESSAGES)

    assert caught.value.message == "Something odd happened upstream."
    assert (caught.value.http_status, caught.value.endpoint) == (200, CHAT_URL[len(BASE_URL) :])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ('```json\n{"a": 1}\n```', {"a": 1}),
        ("```\n[1, 2]\n```", [1, 2]),
        ('Here are your ideas:\n{"a": {"b": [1]}}\nEnjoy!', {"a": {"b": [1]}}),
        ("Sure! [1, 2, 3] as requested.", [1, 2, 3]),
    ],
)
def test_parse_json_content_tolerates_fences_and_prose(text, expected) -> None:
    assert parse_json_content(text) == expected


def test_parse_json_content_without_json_raises_bad_response_quoting_the_text() -> None:
    with pytest.raises(KieBadResponseError, match="no JSON object or array: I cannot help"):
        parse_json_content("I cannot help with that.")
