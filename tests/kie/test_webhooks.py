"""Callback signatures: base64 HMAC-SHA256 over "taskId.timestamp".

See docs/kie.md#callback-signatures.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from kie.webhooks import extract_callback_task_id, sign_callback, verify_callback_signature

KEY = "whk_test_secret"
TASK_ID = "veo_task_abc123"
SENT_AT = 1769670760


def _reference_signature(task_id: str, timestamp: int, key: str) -> str:
    # Straight from the formula in docs/kie.md#callback-signatures, not from the code under test.
    mac = hmac.new(key.encode(), f"{task_id}.{timestamp}".encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def test_sign_callback_matches_the_documented_formula() -> None:
    assert sign_callback(TASK_ID, SENT_AT, KEY) == _reference_signature(TASK_ID, SENT_AT, KEY)


def test_sign_callback_treats_header_text_and_integer_timestamps_alike() -> None:
    assert sign_callback(TASK_ID, str(SENT_AT), KEY) == sign_callback(TASK_ID, SENT_AT, KEY)


def test_verify_accepts_a_genuine_signature() -> None:
    signature = _reference_signature(TASK_ID, SENT_AT, KEY)

    assert verify_callback_signature(TASK_ID, str(SENT_AT), signature, KEY, now=SENT_AT + 5)


@pytest.mark.parametrize(
    ("now", "accepted"),
    [
        (SENT_AT + 300, True),
        (SENT_AT - 300, True),
        (SENT_AT + 301, False),
        (SENT_AT - 301, False),
    ],
)
def test_verify_enforces_the_timestamp_tolerance(now: int, accepted: bool) -> None:
    signature = sign_callback(TASK_ID, SENT_AT, KEY)

    assert verify_callback_signature(TASK_ID, SENT_AT, signature, KEY, now=now) is accepted


def test_verify_honours_a_custom_tolerance() -> None:
    signature = sign_callback(TASK_ID, SENT_AT, KEY)

    assert not verify_callback_signature(
        TASK_ID, SENT_AT, signature, KEY, now=SENT_AT + 61, tolerance_seconds=60
    )


@pytest.mark.parametrize(
    ("task_id", "timestamp", "key"),
    [
        ("veo_task_other", SENT_AT, KEY),
        (TASK_ID, SENT_AT + 1, KEY),
        (TASK_ID, SENT_AT, "another-key"),
    ],
)
def test_verify_rejects_a_signature_for_anything_else(
    task_id: str, timestamp: int, key: str
) -> None:
    signature = sign_callback(TASK_ID, SENT_AT, KEY)

    assert not verify_callback_signature(task_id, timestamp, signature, key, now=SENT_AT)


@pytest.mark.parametrize(
    "signature", ["", "not-base64!", "KxDlpbbq0GDOKqm0+FuJpJWTzY8baHSjhEt4kwElqQI="]
)
def test_verify_rejects_tampered_or_missing_signatures(signature: str) -> None:
    assert not verify_callback_signature(TASK_ID, SENT_AT, signature, KEY, now=SENT_AT)


@pytest.mark.parametrize("timestamp", ["", "yesterday", "1769670760.5"])
def test_verify_rejects_unreadable_timestamps(timestamp: str) -> None:
    signature = sign_callback(TASK_ID, SENT_AT, KEY)

    assert not verify_callback_signature(TASK_ID, timestamp, signature, KEY, now=SENT_AT)


def test_verify_refuses_when_no_key_is_configured() -> None:
    signature = sign_callback(TASK_ID, SENT_AT, "")

    assert not verify_callback_signature(TASK_ID, SENT_AT, signature, "", now=SENT_AT)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"data": {"taskId": "a", "task_id": "b"}, "taskId": "c", "task_id": "d"}, "a"),
        ({"data": {"task_id": "b"}, "taskId": "c", "task_id": "d"}, "b"),
        ({"data": {"info": {}}, "taskId": "c", "task_id": "d"}, "c"),
        ({"task_id": "d"}, "d"),
        ({"data": None, "taskId": ""}, None),
        ({"code": 200, "msg": "ok"}, None),
    ],
)
def test_extract_task_id_checks_known_places_in_order(body: dict, expected: str | None) -> None:
    assert extract_callback_task_id(body) == expected
