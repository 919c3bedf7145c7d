"""Credits, file uploads, configuration from settings, and keeping the API key out of sight."""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import responses
from responses import matchers

from kie.client import KieClient
from kie.errors import (
    KieAuthError,
    KieBadResponseError,
    KieValidationError,
)
from tests.kie.kie_client_fakes import (
    API_KEY,
    BASE_URL,
    UPLOAD_BASE_URL,
    load_fixture,
    make_client,
)

CREDITS_URL = f"{BASE_URL}/api/v1/chat/credit"
BASE64_URL = f"{UPLOAD_BASE_URL}/api/file-base64-upload"
STREAM_URL = f"{UPLOAD_BASE_URL}/api/file-stream-upload"
PNG = b"\x89PNG\r\n\x1a\nfake-image-bytes"


@pytest.mark.parametrize(("data", "expected"), [(50.5, "50.5"), (738.0, "738.0"), (100, "100")])
@responses.activate
def test_credits_are_returned_as_exact_decimals(data, expected) -> None:
    responses.get(CREDITS_URL, json={"code": 200, "msg": "success", "data": data})
    client, _ = make_client()

    assert client.get_credits() == Decimal(expected)


@responses.activate
def test_credits_recorded_fractional_answer() -> None:
    responses.get(CREDITS_URL, json=load_fixture("credits_fractional"))
    client, _ = make_client()

    assert client.get_credits() == Decimal("50.5")


@responses.activate
def test_credits_auth_failure_inside_http_200_is_an_auth_error() -> None:
    responses.get(CREDITS_URL, json=load_fixture("unauthorized_in_http_200"), status=200)
    client, _ = make_client()

    with pytest.raises(KieAuthError, match="You do not have access permissions") as caught:
        client.get_credits()

    assert (caught.value.code, caught.value.http_status) == (401, 200)


@responses.activate
def test_credits_that_are_not_a_number_are_a_bad_response() -> None:
    responses.get(CREDITS_URL, json={"code": 200, "msg": "success", "data": {"credits": 1}})
    client, _ = make_client()

    with pytest.raises(KieBadResponseError, match="not a number"):
        client.get_credits()


@responses.activate(assert_all_requests_are_fired=True)
def test_base64_upload_sends_a_data_url_and_reads_download_url() -> None:
    expected_body = {
        "base64Data": "data:image/png;base64," + base64.b64encode(PNG).decode(),
        "uploadPath": "adstudio/products",
        "fileName": "mug.png",
    }
    responses.post(
        BASE64_URL,
        json=load_fixture("upload_success"),
        match=[
            matchers.json_params_matcher(expected_body, strict_match=True),
            matchers.header_matcher({"Authorization": f"Bearer {API_KEY}"}),
        ],
    )
    client, _ = make_client()

    uploaded = client.upload_file_base64(
        PNG, file_name="mug.png", mime_type="image/png", upload_path="/adstudio/products/"
    )

    assert uploaded.download_url == "https://tempfile.redpandaai.co/xxx/adstudio/products/mug.png"
    assert (uploaded.file_path, uploaded.file_size, uploaded.mime_type) == (
        "adstudio/products/mug.png",
        154832,
        "image/png",
    )
    assert uploaded.uploaded_at == datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


@responses.activate
def test_upload_accepts_the_older_file_url_answer() -> None:
    responses.post(BASE64_URL, json=load_fixture("upload_success_legacy"))
    client, _ = make_client()

    uploaded = client.upload_file_base64(PNG, file_name="mug.png", mime_type="image/png")

    assert uploaded.download_url == "https://tempfile.redpandaai.co/old/adstudio/products/mug.png"
    assert uploaded.uploaded_at is None


@responses.activate
def test_upload_answer_without_any_url_is_a_bad_response() -> None:
    responses.post(BASE64_URL, json={"success": True, "code": 200, "data": {"fileName": "a"}})
    client, _ = make_client()

    with pytest.raises(KieBadResponseError, match="downloadUrl"):
        client.upload_file_base64(PNG, file_name="mug.png", mime_type="image/png")


@responses.activate
def test_upload_refusal_shows_kies_message_and_is_not_resent() -> None:
    responses.post(BASE64_URL, status=400, json=load_fixture("upload_missing_path"))
    client, sleeps = make_client()

    with pytest.raises(KieValidationError, match="^Missing required parameter: uploadPath$"):
        client.upload_file_base64(PNG, file_name="mug.png", mime_type="image/png")

    assert (len(responses.calls), sleeps) == (1, [])


@responses.activate(assert_all_requests_are_fired=True)
def test_stream_upload_sends_multipart_to_the_upload_host() -> None:
    responses.post(
        STREAM_URL,
        json=load_fixture("upload_success"),
        match=[
            matchers.multipart_matcher(
                {"file": ("mug.png", PNG, "image/png")},
                data={"uploadPath": "adstudio/products", "fileName": "mug.png"},
            )
        ],
    )
    client, _ = make_client()

    uploaded = client.upload_file_stream(
        io.BytesIO(PNG), file_name="mug.png", mime_type="image/png"
    )

    assert uploaded.download_url.endswith("/mug.png")


@responses.activate(assert_all_requests_are_fired=True)
def test_stream_upload_retried_after_429_sends_the_whole_file_again() -> None:
    responses.post(STREAM_URL, status=429, json={"code": 429, "msg": "Too many requests"})
    responses.post(STREAM_URL, json=load_fixture("upload_success"))
    client, sleeps = make_client()

    client.upload_file_stream(io.BytesIO(PNG), file_name="mug.png", mime_type="image/png")

    assert len(sleeps) == 1
    assert PNG in responses.calls[1].request.body


def test_from_settings_reads_urls_key_and_timeouts(settings) -> None:
    settings.KIE_API_KEY = "settings-key"
    settings.KIE_BASE_URL = "http://kie.invalid"
    settings.KIE_UPLOAD_BASE_URL = "http://upload.kie.invalid"
    settings.KIE_CONNECT_TIMEOUT_SECONDS = 2.0
    settings.KIE_READ_TIMEOUT_SECONDS = 20.0
    settings.KIE_CHAT_READ_TIMEOUT_SECONDS = 90.0

    client = KieClient.from_settings()

    assert (client.base_url, client.upload_base_url) == (
        "http://kie.invalid",
        "http://upload.kie.invalid",
    )
    assert (client.timeout, client.chat_timeout) == ((2.0, 20.0), (2.0, 90.0))
