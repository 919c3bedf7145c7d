"""The sandbox's upload API and its file serving (Range, HEAD), over real HTTP."""

from __future__ import annotations

import base64
import random

import pytest
import requests

from kie.sandbox import SandboxServer
from kie.sandbox.file_routes import MEDIA_DIR
from tests.sandbox_fixtures import call_sandbox

SAMPLE_MP4 = MEDIA_DIR / "sample.mp4"
# Every byte value, plus CR/LF runs that a careless multipart parser would rewrite.
PAYLOAD = bytes(range(256)) + b"\r\n\r\n--\r\n\n\r" + random.Random(1).randbytes(2048)
PNG = b"\x89PNG\r\n\x1a\n" + random.Random(2).randbytes(64)


def _download(url: str, **kwargs: object) -> requests.Response:
    return requests.get(url, timeout=10, **kwargs)


@pytest.mark.parametrize(
    "encoded",
    [base64.b64encode(PNG).decode(), "data:image/png;base64," + base64.b64encode(PNG).decode()],
    ids=["raw", "data-url"],
)
def test_base64_upload_is_served_back_byte_identical(
    kie_sandbox: SandboxServer, encoded: str
) -> None:
    body = {"base64Data": encoded, "uploadPath": "adstudio/products", "fileName": "p.png"}

    answer = call_sandbox(kie_sandbox, "POST", "/api/file-base64-upload", json=body).json()

    assert answer["success"] is True and answer["code"] == 200
    data = answer["data"]
    assert data["filePath"] == "adstudio/products/p.png"
    assert (data["fileName"], data["fileSize"], data["mimeType"]) == (
        "p.png",
        len(PNG),
        "image/png",
    )
    assert data["uploadedAt"].endswith("Z")
    assert _download(data["downloadUrl"]).content == PNG


def test_base64_upload_without_upload_path_is_a_400(kie_sandbox: SandboxServer) -> None:
    body = {"base64Data": base64.b64encode(PNG).decode()}

    response = call_sandbox(kie_sandbox, "POST", "/api/file-base64-upload", json=body)

    assert response.status_code == 400
    assert response.json()["msg"] == "Missing required parameter: uploadPath"
    assert response.json()["success"] is False


def test_base64_upload_names_the_file_when_no_name_is_given(kie_sandbox: SandboxServer) -> None:
    body = {"base64Data": base64.b64encode(PNG).decode(), "uploadPath": "images"}

    data = call_sandbox(kie_sandbox, "POST", "/api/file-base64-upload", json=body).json()["data"]

    assert data["fileName"].endswith(".png") and data["mimeType"] == "image/png"


def test_stream_upload_is_served_back_byte_identical(kie_sandbox: SandboxServer) -> None:
    files = {"file": ("clip.bin", PAYLOAD, "application/octet-stream")}
    form = {"uploadPath": "adstudio/videos", "fileName": "clip.mp4"}

    answer = call_sandbox(
        kie_sandbox, "POST", "/api/file-stream-upload", files=files, data=form
    ).json()

    data = answer["data"]
    assert (data["filePath"], data["fileSize"]) == ("adstudio/videos/clip.mp4", len(PAYLOAD))
    assert data["mimeType"] == "video/mp4"
    assert _download(data["downloadUrl"]).content == PAYLOAD


def test_stream_upload_without_file_is_a_400(kie_sandbox: SandboxServer) -> None:
    response = call_sandbox(
        kie_sandbox, "POST", "/api/file-stream-upload", files={"uploadPath": (None, "x")}
    )

    assert response.json()["msg"] == "Missing required parameter: file"


def test_url_upload_fetches_a_loopback_url(kie_sandbox: SandboxServer) -> None:
    body = {"fileUrl": f"{kie_sandbox.base_url}/media/any.jpg", "uploadPath": "copies"}

    data = call_sandbox(kie_sandbox, "POST", "/api/file-url-upload", json=body).json()["data"]

    assert data["filePath"] == "copies/any.jpg" and data["mimeType"] == "image/jpeg"
    assert _download(data["downloadUrl"]).content == (SAMPLE_MP4.parent / "poster.jpg").read_bytes()


def test_url_upload_refuses_non_loopback_urls(kie_sandbox: SandboxServer) -> None:
    body = {"fileUrl": "https://example.com/a.png", "uploadPath": "copies"}

    response = call_sandbox(kie_sandbox, "POST", "/api/file-url-upload", json=body)

    assert response.status_code == 400 and response.json()["success"] is False


def test_upload_with_bad_key_is_http_401(kie_sandbox: SandboxServer) -> None:
    response = call_sandbox(
        kie_sandbox, "POST", "/api/file-base64-upload", api_key="wrong", json={}
    )

    assert response.status_code == 401 and response.json()["code"] == 401


def test_media_is_the_playable_sample(kie_sandbox: SandboxServer) -> None:
    response = _download(f"{kie_sandbox.base_url}/media/veo_task_1.mp4")

    assert response.headers["Content-Type"] == "video/mp4"
    assert response.content == SAMPLE_MP4.read_bytes()
    assert response.content[4:8] == b"ftyp"


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-10", -10, None)],
)
def test_media_honours_a_byte_range(
    kie_sandbox: SandboxServer, header: str, first: int, last: int | None
) -> None:
    whole = SAMPLE_MP4.read_bytes()
    expected = whole[first : None if last is None else last + 1]

    response = _download(f"{kie_sandbox.base_url}/media/t.mp4", headers={"Range": header})

    assert response.status_code == 206
    assert response.content == expected
    assert response.headers["Content-Range"].endswith(f"/{len(whole)}")
    assert response.headers["Accept-Ranges"] == "bytes"


def test_media_range_past_the_end_is_416(kie_sandbox: SandboxServer) -> None:
    size = SAMPLE_MP4.stat().st_size

    response = _download(f"{kie_sandbox.base_url}/media/t.mp4", headers={"Range": f"bytes={size}-"})

    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{size}"


def test_media_head_reports_size_without_a_body(kie_sandbox: SandboxServer) -> None:
    response = requests.head(f"{kie_sandbox.base_url}/media/t.mp4", timeout=10)

    assert response.status_code == 200
    assert int(response.headers["Content-Length"]) == SAMPLE_MP4.stat().st_size
    assert response.content == b""


def test_unknown_upload_is_404(kie_sandbox: SandboxServer) -> None:
    assert _download(f"{kie_sandbox.base_url}/files/nope/x.png").status_code == 404


def test_shipped_media_is_small() -> None:
    assert SAMPLE_MP4.stat().st_size < 300_000
    assert (SAMPLE_MP4.parent / "poster.jpg").stat().st_size < 50_000
