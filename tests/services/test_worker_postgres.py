"""Several sweepers and worker processes on one PostgreSQL: no task twice, Kie's limits kept.

These need committed rows visible to other connections and processes, so they run on
PostgreSQL only (CI runs the suite on it too).
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import VideoTask
from campaigns.services import polling, sweeper
from tests.factories import make_idea, make_staff_user, make_video_task
from tests.sandbox_fixtures import create_veo

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]
SANDBOX_KEY = "sandbox-load-key"
State = VideoTask.State


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent connections and worker processes")


def test_two_sweepers_never_refresh_the_same_task_at_once(kie_sandbox, monkeypatch, settings):
    settings.KIE_RATE_LIMITS = {"create": "20/10", "status": "1000/1"}
    kie_sandbox.set_limits(enabled=False)
    now = timezone.now()
    tasks = [
        make_video_task(kie_task_id=create_veo(kie_sandbox), next_check_at=now, submitted_at=now)
        for _ in range(30)
    ]
    calls: Counter[int] = Counter()
    lock = threading.Lock()
    fetch = polling.fetch_and_record

    def counting_fetch(task, when, **kwargs):
        with lock:
            calls[task.pk] += 1
        time.sleep(0.01)  # keep both sweepers inside the same window of work
        return fetch(task, when, **kwargs)

    monkeypatch.setattr(polling, "fetch_and_record", counting_fetch)
    start = threading.Barrier(2)

    def one_sweeper() -> None:
        start.wait()
        with ThreadPoolExecutor(4) as pool:
            sweeper.refresh_due(sweeper.SweepReport(), now=now, batch=30, mapper=pool.map)
        connection.close()

    runs = [threading.Thread(target=one_sweeper) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()

    assert {calls[task.pk] for task in tasks} == {1}
    assert VideoTask.objects.filter(state=State.GENERATING).count() == 30


def _worker_env(base_url: str) -> dict[str, str]:
    db = connection.settings_dict
    return dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="adstudio.settings",
        DJANGO_ENV_FILE="/dev/null",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        KIE_API_KEY=SANDBOX_KEY,
        KIE_BASE_URL=base_url,
        KIE_UPLOAD_BASE_URL=base_url,
        KIE_MEDIA_HOSTS="127.0.0.1",
        MEDIA_ROOT=str(django_settings.MEDIA_ROOT),
    )


def _start_workers(base_url: str, count: int) -> list[subprocess.Popen]:
    command = [
        sys.executable,
        str(BASE_DIR / "manage.py"),
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.2",
        "--verbosity",
        "0",
    ]
    env = _worker_env(base_url)
    return [
        subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(count)
    ]


def _stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def _poll_for(api: APIClient, tasks: list[VideoTask], seconds: float) -> list[int]:
    """Frontends polling random tasks, about 20 polls a second in all; the answers' codes."""
    codes = []
    stop_at = time.monotonic() + seconds
    while time.monotonic() < stop_at:
        task = random.choice(tasks)
        codes.append(api.get("/api/video", {"taskId": task.public_id}).status_code)
        time.sleep(0.05)
    return codes


def _start_sandbox() -> tuple[subprocess.Popen, str]:
    """The sandbox in a process of its own, as Kie is: its timing is not this process's."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable,
        str(BASE_DIR / "manage.py"),
        "kie_sandbox",
        "--port",
        str(port),
        "--api-key",
        SANDBOX_KEY,
        "--step-seconds",
        "60",  # tasks stay in flight for the whole test
        "--no-rate-limits",  # until the scene is set
    ]
    env = dict(os.environ, DJANGO_DEBUG="1", DJANGO_ENV_FILE="/dev/null")
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            requests.get(f"{base_url}/sandbox/stats", timeout=1)
            return process, base_url
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the sandbox did not start")


def _sandbox(base_url: str, method: str, path: str, **kwargs) -> dict:
    headers = {"Authorization": f"Bearer {SANDBOX_KEY}"}
    answer = requests.request(method, f"{base_url}{path}", headers=headers, timeout=10, **kwargs)
    return answer.json()["data"]


def _most_in_window(stats: dict, kind: str, since: int, window: int) -> int:
    counts = {s["second"]: s[kind]["admitted"] for s in stats["seconds"] if s["second"] >= since}
    return max((sum(counts.get(t + k, 0) for k in range(window)) for t in counts), default=0)


@pytest.mark.serial
def test_two_worker_processes_keep_kies_limits_under_load(settings):
    """100 tasks in flight, a polling frontend, then 60 starts at once, against Kie's limits."""
    settings.KIE_POLL_MIN_INTERVAL = 1
    sandbox, base_url = _start_sandbox()
    settings.KIE_BASE_URL = settings.KIE_UPLOAD_BASE_URL = base_url
    settings.KIE_API_KEY = SANDBOX_KEY
    now = timezone.now()
    body = {"model": "veo3_fast", "prompt": "A bottle on a rock.", "aspect_ratio": "16:9"}
    running = [
        make_video_task(
            kie_task_id=_sandbox(base_url, "POST", "/api/v1/veo/generate", json=body)["taskId"],
            next_check_at=now,
            submitted_at=now,
        )
        for _ in range(100)
    ]
    _sandbox(base_url, "POST", "/sandbox/limits", json={"enabled": True})
    measured_from = int(time.time()) + 1
    api = APIClient()
    api.force_authenticate(make_staff_user())
    idea = make_idea()
    workers = _start_workers(base_url, 2)
    try:
        # Long enough for the scene's creates to leave Kie's 10-second create window.
        poll_codes = _poll_for(api, running, seconds=11)
        start = {"ideaId": idea.pk, "model": "veo3_fast", "prompt": "A bottle on a rock."}
        started = [api.post("/api/video", start, format="json").status_code for _ in range(60)]
        deadline = time.monotonic() + 60
        while VideoTask.objects.filter(kie_task_id="").exists() and time.monotonic() < deadline:
            poll_codes += _poll_for(api, running, seconds=1)
        stats = _sandbox(base_url, "GET", "/sandbox/stats")
    finally:
        _stop(workers)
        sandbox.terminate()
        sandbox.wait(timeout=10)

    assert set(poll_codes) == {200}
    assert set(started) <= {201, 202}
    assert not VideoTask.objects.filter(kie_task_id="").exists()  # all 60 reached Kie
    assert VideoTask.objects.filter(pk__in=[t.pk for t in running], poll_count=0).count() == 0
    assert stats["totals"]["status"]["refused"] == stats["totals"]["create"]["refused"] == 0
    assert _most_in_window(stats, "status", measured_from, 1) <= 10
    assert _most_in_window(stats, "create", measured_from, 10) <= 20
