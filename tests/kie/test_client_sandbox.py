"""The real `KieClient` against the offline sandbox over loopback HTTP: contract end to end."""

from __future__ import annotations

import io
import random
from decimal import Decimal

import pytest
import requests

from kie.chat import parse_json_content
from kie.client import KieClient
from kie.errors import (
    KieAuthError,
    KieBadResponseError,
    KieError,
    KieInsufficientCreditsError,
    KieModelUnavailableError,
    KieNotFoundError,
    KieNotReadyError,
    KieRateLimitedError,
    KieUnavailableError,
    KieValidationError,
)
from kie.registry import all_models, build_payload, validate_request
from kie.sandbox import SandboxServer
from kie.types import Provider, TaskState, TaskStatus
from tests.sandbox_fixtures import IDEA_SCHEMA, KLING_BODY, VEO_BODY, json_schema_format

PNG = b"\x89PNG\r\n\x1a\n" + random.Random(3).randbytes(256)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(kie_sandbox: SandboxServer, sleeps: list[float]) -> KieClient:
    return KieClient(
        api_key=kie_sandbox.api_key,
        base_url=kie_sandbox.base_url,
        upload_base_url=kie_sandbox.base_url,
        timeout=(2.0, 5.0),
        chat_timeout=(2.0, 5.0),
        sleep=sleeps.append,
    )


def _poll_until_done(client: KieClient, provider: Provider, task_id: str) -> list[TaskStatus]:
    seen = [client.get_video_status(provider, task_id)]
    while not seen[-1].state.is_terminal and len(seen) < 10:
        seen.append(client.get_video_status(provider, task_id))
    return seen


def test_from_settings_reaches_the_sandbox(kie_sandbox: SandboxServer) -> None:
    assert KieClient.from_settings().get_credits() == Decimal(5000)


def test_chat_with_schema_gives_ten_distinct_ideas(client: KieClient) -> None:
    messages = [{"role": "user", "content": [{"type": "text", "text": "Ideas for a kettle"}]}]

    result = client.chat(messages, response_format=json_schema_format(IDEA_SCHEMA))

    ideas = parse_json_content(result.content)["ideas"]
    assert len({idea["title"] for idea in ideas}) == 10
    assert result.model == "gemini-2.5-flash" and result.prompt_tokens


def test_chat_without_schema_gives_plain_text(client: KieClient) -> None:
    result = client.chat([{"role": "user", "content": "Write a prompt for the Zephyr Teapot"}])

    assert "zephyr" in result.content.lower() and len(result.content) <= 900


def test_credits_drop_after_a_veo_success(client: KieClient) -> None:
    task_id = client.generate_veo_video(VEO_BODY | {"model": "veo3"})

    _poll_until_done(client, Provider.VEO, task_id)

    assert client.get_credits() == Decimal(5000 - 250)


@pytest.mark.parametrize("method", ["base64", "stream"])
def test_upload_gives_a_url_serving_the_same_bytes(client: KieClient, method: str) -> None:
    if method == "base64":
        uploaded = client.upload_file_base64(PNG, file_name="p.png", mime_type="image/png")
    else:
        uploaded = client.upload_file_stream(
            io.BytesIO(PNG), file_name="p.png", mime_type="image/png"
        )

    assert uploaded.file_path == "adstudio/products/p.png"
    assert uploaded.file_size == len(PNG) and uploaded.uploaded_at is not None
    assert requests.get(uploaded.download_url, timeout=5).content == PNG


def test_veo_task_polls_to_success_then_1080p_is_not_ready_then_ready(
    client: KieClient, kie_sandbox: SandboxServer
) -> None:
    task_id = client.start_video(Provider.VEO, VEO_BODY)

    states = [s.state for s in _poll_until_done(client, Provider.VEO, task_id)]
    for _ in range(2):
        with pytest.raises(KieNotReadyError):
            client.get_veo_1080p_video(task_id)

    assert states == [TaskState.GENERATING, TaskState.GENERATING, TaskState.SUCCESS]
    assert client.get_veo_1080p_video(task_id).endswith(f"/media/{task_id}-1080p.mp4")


def test_jobs_task_polls_to_success_with_result_urls(client: KieClient) -> None:
    task_id = client.create_task(KLING_BODY)

    statuses = _poll_until_done(client, Provider.JOBS, task_id)

    assert [s.state for s in statuses] == [
        TaskState.QUEUED,
        TaskState.GENERATING,
        TaskState.SUCCESS,
    ]
    final = statuses[-1]
    assert final.result_urls and final.result_urls[0].endswith(f"/media/{task_id}.mp4")
    assert final.credits_consumed == Decimal(55)
    assert requests.get(final.result_urls[0], timeout=5).content[4:8] == b"ftyp"


@pytest.mark.parametrize("model", all_models(), ids=lambda m: m.id)
def test_every_registry_payload_is_accepted_and_finishes(client: KieClient, model) -> None:
    request = validate_request(
        model.id,
        prompt="A kettle on a sunny counter",
        image_urls=["http://127.0.0.1/p.png"] * model.media.min_images,
        video_urls=["http://127.0.0.1/v.mp4"] * model.media.videos,
    )

    task_id = client.start_video(model.provider, build_payload(request))

    assert _poll_until_done(client, model.provider, task_id)[-1].state is TaskState.SUCCESS


@pytest.mark.parametrize(
    ("faults", "error_class"),
    [
        ({"create_error": {"code": 402, "msg": "The current credits are insufficient."}},
         KieInsufficientCreditsError),
        ({"create_error": {"code": 422, "msg": "Invalid prompt"}}, KieValidationError),
        ({"create_error": {"code": 505, "msg": "This feature is disabled"}},
         KieModelUnavailableError),
        ({"create_error": {"code": 500, "msg": "Server error", "http_status": 500}},
         KieUnavailableError),
        ({"models_unavailable": ["veo3_fast"]}, KieModelUnavailableError),
        ({"create_429": 100}, KieRateLimitedError),
    ],
)  # fmt: skip
def test_veo_create_faults_raise_the_matching_error(
    client: KieClient, kie_sandbox: SandboxServer, faults: dict, error_class: type[KieError]
) -> None:
    kie_sandbox.set_faults(**faults)

    with pytest.raises(error_class):
        client.generate_veo_video(VEO_BODY)


def test_unavailable_jobs_model_raises_model_unavailable(
    client: KieClient, kie_sandbox: SandboxServer
) -> None:
    kie_sandbox.set_faults(models_unavailable=[KLING_BODY["model"]])

    with pytest.raises(KieModelUnavailableError):
        client.create_task(KLING_BODY)


def test_a_429_create_is_retried_after_backing_off(
    client: KieClient, kie_sandbox: SandboxServer, sleeps: list[float]
) -> None:
    kie_sandbox.set_faults(create_429=1)

    task_id = client.create_task(KLING_BODY)

    assert task_id in kie_sandbox.tasks and len(sleeps) == 1


def test_garbled_create_answer_is_outcome_unknown(
    client: KieClient, kie_sandbox: SandboxServer
) -> None:
    kie_sandbox.set_faults(malformed=1)

    with pytest.raises(KieBadResponseError) as caught:
        client.create_task(KLING_BODY)

    assert caught.value.outcome_unknown and len(kie_sandbox.tasks) == 1


def test_garbled_status_answer_is_retried(client: KieClient, kie_sandbox: SandboxServer) -> None:
    task_id = client.create_task(KLING_BODY)
    kie_sandbox.set_faults(malformed=1)

    assert client.get_task(task_id).kie_task_id == task_id


def test_slow_create_is_an_outcome_unknown_timeout(kie_sandbox: SandboxServer) -> None:
    impatient = KieClient(
        api_key=kie_sandbox.api_key, base_url=kie_sandbox.base_url, timeout=(2.0, 0.2)
    )
    kie_sandbox.set_faults(slow_seconds=0.5)

    with pytest.raises(KieUnavailableError) as caught:
        impatient.generate_veo_video(VEO_BODY)

    assert caught.value.outcome_unknown


@pytest.mark.parametrize(
    ("faults", "error_class"),
    [
        ({"chat_error": {"code": 524, "msg": "no user can use"}}, KieUnavailableError),
        ({"chat_error": {"code": 402, "msg": "The current credits are insufficient."}},
         KieInsufficientCreditsError),
        ({"chat_openai_error": {"message": "slow down", "type": "rate_limit_error", "status": 429}},
         KieRateLimitedError),
        ({"chat_openai_error": {"message": "bad", "type": "invalid_request_error", "status": 400}},
         KieValidationError),
    ],
)  # fmt: skip
def test_chat_faults_raise_the_matching_error(
    client: KieClient, kie_sandbox: SandboxServer, faults: dict, error_class: type[KieError]
) -> None:
    kie_sandbox.set_faults(**faults)

    with pytest.raises(error_class):
        client.chat([{"role": "user", "content": "Hi"}])


@pytest.mark.parametrize("provider", [Provider.VEO, Provider.JOBS])
def test_unknown_task_raises_not_found(client: KieClient, provider: Provider) -> None:
    with pytest.raises(KieNotFoundError):
        client.get_video_status(provider, "task_that_never_existed")


@pytest.mark.parametrize("call", ["credits", "create"])
def test_wrong_key_raises_auth_error(kie_sandbox: SandboxServer, call: str) -> None:
    stranger = KieClient(api_key="wrong", base_url=kie_sandbox.base_url, timeout=(2.0, 5.0))

    with pytest.raises(KieAuthError):
        stranger.get_credits() if call == "credits" else stranger.create_task(KLING_BODY)


@pytest.mark.parametrize(
    ("provider", "faults", "body"),
    [
        (
            Provider.JOBS,
            {"fail_tasks": {"code": "500", "msg": "Internal server error"}},
            KLING_BODY,
        ),
        (Provider.VEO, {"fail_tasks": {"code": "400", "msg": "Content policy"}}, VEO_BODY),
        (Provider.VEO, {"veo_success_flag_3": True}, VEO_BODY),
    ],
)
def test_failed_tasks_end_failed_with_a_reason(
    client: KieClient, kie_sandbox: SandboxServer, provider: Provider, faults: dict, body: dict
) -> None:
    kie_sandbox.set_faults(**faults)
    task_id = client.start_video(provider, body)

    final = _poll_until_done(client, provider, task_id)[-1]

    assert final.state is TaskState.FAILED and final.error_message
    assert client.get_credits() == Decimal(5000)


def test_legacy_veo_result_urls_are_still_read(
    client: KieClient, kie_sandbox: SandboxServer
) -> None:
    kie_sandbox.set_faults(veo_legacy_result_urls=True)
    task_id = client.generate_veo_video(VEO_BODY)

    final = _poll_until_done(client, Provider.VEO, task_id)[-1]

    assert final.result_urls == (f"{kie_sandbox.base_url}/media/{task_id}.mp4",)


def test_1080p_of_a_failed_video_is_a_validation_error(
    client: KieClient, kie_sandbox: SandboxServer
) -> None:
    kie_sandbox.set_faults(fail_tasks={"code": "501", "msg": "Generation failed"})
    task_id = client.generate_veo_video(VEO_BODY)
    _poll_until_done(client, Provider.VEO, task_id)

    with pytest.raises(KieValidationError):
        client.get_veo_1080p_video(task_id)
