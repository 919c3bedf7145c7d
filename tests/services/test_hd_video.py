"""Veo's 1080p URL for the portal's "Get 1080p" button: processing, ready, kept."""

from __future__ import annotations

import pytest

from campaigns.models import VideoTask
from campaigns.services.downloads import ensure_hd_url
from campaigns.services.errors import NotReady
from tests.factories import make_video_task
from tests.services.kie_stubs import kie_fixture
from tests.services.video_stubs import MEDIA, VEO_1080P_URL, envelope

pytestmark = pytest.mark.django_db

HD_URL = f"{MEDIA}/v/result-1080p.mp4"


def test_hd_url_is_not_ready_while_kie_processes_then_kept(kie):
    kie.get(VEO_1080P_URL, json=kie_fixture("veo_1080p_processing"))
    kie.get(VEO_1080P_URL, json=envelope({"resultUrl": HD_URL}))
    task = make_video_task(state=VideoTask.State.SUCCESS, kie_task_id="veo_1")

    with pytest.raises(NotReady):
        ensure_hd_url(task)
    url = ensure_hd_url(task)

    assert url == HD_URL
    assert VideoTask.objects.get(pk=task.pk).hd_video_url == HD_URL


def test_hd_url_of_an_unfinished_task_is_not_ready_without_asking_kie(kie):
    task = make_video_task(state=VideoTask.State.GENERATING)

    with pytest.raises(NotReady):
        ensure_hd_url(task)

    assert not kie.calls
