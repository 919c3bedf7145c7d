"""Rows the benchmarks start from, written with the ORM (import after `Stack` set Django up)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.authtoken.models import Token

from campaigns.models import Idea, Product, VideoTask

IMAGE_URL = "https://images.example.com/products/bottle.png"
PROMPT = "A hiker refills a steel bottle at a mountain stream, slow push-in, morning light."


def staff_token(username: str = "bench") -> str:
    """A staff superuser's API token (what `make token` gives a user)."""
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"is_staff": True, "is_superuser": True}
    )
    return Token.objects.get_or_create(user=user)[0].key


def staff_user(username: str = "bench"):
    staff_token(username)
    return get_user_model().objects.get(username=username)


def idea(name: str = "Bench bottle") -> Idea:
    product = Product.objects.create(name=name, notes="Reusable", source_image_url=IMAGE_URL)
    return Idea.objects.create(
        product=product,
        batch=1,
        rank=1,
        title="Mountain refill",
        hook="Still carrying plastic?",
        concept="A hiker refills the bottle at a mountain stream.",
        scenes=["Close-up", "Hiker drinks", "Logo"],
        on_screen_text="Refill. Repeat.",
        voice_over="One bottle, every trail.",
        call_to_action="Shop now",
        target_audience="Hikers",
        suggested_model="veo3_fast",
        aspect_ratio="16:9",
    )


def live_tasks(kie_task_ids: list[str], *, age_seconds: float = 0.0) -> list[VideoTask]:
    """Queued Veo tasks Kie (the sandbox) has, started `age_seconds` ago, all due a check now."""
    source = idea()
    now = timezone.now()
    started = now - timedelta(seconds=age_seconds)
    rows = [
        VideoTask(
            product=source.product,
            idea=source,
            model_id="veo3_fast",
            provider="veo",
            prompt=PROMPT,
            options={"aspect_ratio": "16:9"},
            kie_task_id=kie_id,
            state=VideoTask.State.QUEUED,
            submitted_at=started,
            next_check_at=now,
            deadline_at=now + timedelta(hours=2),
        )
        for kie_id in kie_task_ids
    ]
    return VideoTask.objects.bulk_create(rows, batch_size=500)


def finished_task() -> VideoTask:
    """A task that succeeded: every poll of it is answered from the database."""
    source = idea()
    return VideoTask.objects.create(
        product=source.product,
        idea=source,
        model_id="veo3_fast",
        provider="veo",
        prompt=PROMPT,
        options={"aspect_ratio": "16:9"},
        kie_task_id="veo_task_finished_bench",
        state=VideoTask.State.SUCCESS,
        result_urls=["https://tempfile.aiquickdraw.com/bench.mp4"],
        finished_at=timezone.now(),
    )
