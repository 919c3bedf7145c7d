"""A JSON client never gets an HTML page back, whatever goes wrong."""

from __future__ import annotations

import re

import pytest
from django.urls import URLResolver, get_resolver

from campaigns.services import downloads
from campaigns.services.downloads import Download

pytestmark = pytest.mark.django_db


def _api_paths() -> list[str]:
    """Every API route, with 1 for each path parameter."""
    resolver = get_resolver()
    paths = []
    for pattern in resolver.url_patterns:
        if not (isinstance(pattern, URLResolver) and str(pattern.pattern) == ""):
            continue
        for included in pattern.url_patterns:
            if isinstance(included, URLResolver) and included.namespace == "api":
                for route in included.url_patterns:
                    if route.name not in {"docs", "redoc", "not-found"}:
                        route_path = re.sub(r"<int:\w+>", "1", str(route.pattern))
                        route_path = re.sub(r"<str:\w+>", "vt_0000000000000000", route_path)
                        paths.append("/api/" + route_path)
    return paths


API_PATHS = _api_paths()


def _assert_json(response) -> None:
    assert response["Content-Type"].startswith("application/json"), (
        response.status_code,
        response.content[:200],
    )
    assert "error" in response.json()


def test_every_api_route_is_covered():
    assert len(API_PATHS) >= 12


@pytest.mark.parametrize("path", API_PATHS)
@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_anonymous_requests_get_json_errors(anonymous, path, method):
    _assert_json(getattr(anonymous, method)(path))


@pytest.mark.parametrize("path", API_PATHS)
def test_malformed_json_bodies_get_json_errors(api, path):
    response = api.post(path, data="{not json", content_type="application/json")

    assert response.status_code in (400, 404, 405)  # 404: a path id that does not exist
    _assert_json(response)


@pytest.mark.parametrize("path", API_PATHS)
def test_empty_query_and_body_get_json_answers(api, path, monkeypatch):
    monkeypatch.setattr("campaigns.services.credits.get_credit_balance", _boom)
    monkeypatch.setattr("campaigns.services.health.check_health", _boom)
    response = api.get(path)

    if path == "/api/schema/":
        assert response.status_code == 200
        return
    if response.status_code >= 400:
        _assert_json(response)
    else:
        assert response["Content-Type"] == "application/json"


def _boom(*args, **kwargs):
    raise RuntimeError("unexpected")


def test_unknown_api_path_is_json_even_in_debug(api, settings):
    settings.DEBUG = True

    response = api.get("/api/this/does/not/exist")

    assert response.status_code == 404
    _assert_json(response)


def test_download_accepting_only_video_still_answers(api, monkeypatch):
    from tests.factories import make_video_task

    task = make_video_task(state="success", result_urls=["http://127.0.0.1:1/x.mp4"])
    closed: list[bool] = []
    monkeypatch.setattr(downloads, "open_download", lambda *a, **k: _fake_download(closed))

    response = api.get("/api/video/download", {"taskId": task.kie_task_id}, HTTP_ACCEPT="video/mp4")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"abcdef"
    response.close()
    assert closed == [True]


def test_download_is_closed_even_if_never_read(api, monkeypatch):
    from tests.factories import make_video_task

    task = make_video_task(state="success")
    closed: list[bool] = []
    monkeypatch.setattr(downloads, "open_download", lambda *a, **k: _fake_download(closed))

    api.get("/api/video/download", {"taskId": task.kie_task_id}).close()

    assert closed == [True]


def _fake_download(closed: list[bool]) -> Download:
    download = Download(
        status=200,
        chunks=iter([b"abc", b"def"]),
        content_type="video/mp4",
        content_length=6,
        content_range=None,
        filename='odd"name\n.mp4',
    )
    download.close = lambda: closed.append(True)  # type: ignore[method-assign]
    return download


def test_oversized_body_is_a_json_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    response = api.post("/api/video", {"ideaId": 1, "model": "x" * 500}, format="json")

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
