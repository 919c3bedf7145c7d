"""Media expiry: after Kie's retention a task's result links answer 404; others still serve."""

from __future__ import annotations

import pytest
import requests

from kie.sandbox import SandboxServer
from tests.sandbox_fixtures import ManualClock, create_veo

Clocked = tuple[SandboxServer, ManualClock]
VARIANTS = (".mp4", "-1080p.mp4", "-origin.mp4", ".jpg", "-poster.jpg")
FOURTEEN_DAYS = 14 * 24 * 3600


def _media(server: SandboxServer, task_id: str, suffix: str = ".mp4", **kwargs: object):
    method = kwargs.pop("method", "GET")
    return requests.request(
        method, f"{server.base_url}/media/{task_id}{suffix}", timeout=10, **kwargs
    )


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("suffix", VARIANTS)
def test_expired_media_answers_404_on_every_variant(
    kie_sandbox: SandboxServer, suffix: str, method: str
) -> None:
    task_id = create_veo(kie_sandbox)

    kie_sandbox.expire_media(task_id)

    assert _media(kie_sandbox, task_id, suffix, method=method).status_code == 404


def test_unexpired_media_still_serves_ranges(kie_sandbox: SandboxServer) -> None:
    kept, gone = create_veo(kie_sandbox), create_veo(kie_sandbox)

    kie_sandbox.expire_media(gone)

    partial = _media(kie_sandbox, kept, headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206 and len(partial.content) == 100
    assert _media(kie_sandbox, kept, "-1080p.mp4").status_code == 200
    assert _media(kie_sandbox, gone, headers={"Range": "bytes=0-99"}).status_code == 404


def test_expire_over_http_by_task_id(kie_sandbox: SandboxServer) -> None:
    task_id = create_veo(kie_sandbox)

    answer = requests.post(
        f"{kie_sandbox.base_url}/sandbox/expire", json={"taskId": task_id}, timeout=10
    )

    assert answer.json() == {"code": 200, "msg": "success", "data": {"expired": [task_id]}}
    assert _media(kie_sandbox, task_id).status_code == 404


def test_expire_older_than_keeps_younger_tasks(clocked_sandbox: Clocked) -> None:
    server, clock = clocked_sandbox
    old = create_veo(server)
    clock.advance(FOURTEEN_DAYS)
    young = create_veo(server)
    clock.advance(60)

    answer = requests.post(
        f"{server.base_url}/sandbox/expire", json={"olderThanSeconds": FOURTEEN_DAYS}, timeout=10
    )

    assert answer.json()["data"] == {"expired": [old]}
    assert (_media(server, old).status_code, _media(server, young).status_code) == (404, 200)


@pytest.mark.parametrize(
    ("body", "status", "named"),
    [
        ({}, 400, "taskId"),
        ({"taskId": "t", "olderThanSeconds": 1}, 400, "exactly one"),
        ({"taskId": 7}, 400, "taskId"),
        ({"olderThanSeconds": "old"}, 400, "olderThanSeconds"),
        ({"olderThanSeconds": -1}, 400, "olderThanSeconds"),
        ({"taskId": "veo_task_unknown"}, 404, "veo_task_unknown"),
    ],
)
def test_expire_names_what_is_wrong(
    kie_sandbox: SandboxServer, body: dict, status: int, named: str
) -> None:
    answer = requests.post(f"{kie_sandbox.base_url}/sandbox/expire", json=body, timeout=10)

    assert answer.status_code == status and answer.json()["code"] == status
    assert named in answer.json()["msg"]


def test_expire_media_in_python_wants_exactly_one_selector(kie_sandbox: SandboxServer) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        kie_sandbox.expire_media()
    with pytest.raises(KeyError):
        kie_sandbox.expire_media("veo_task_unknown")
