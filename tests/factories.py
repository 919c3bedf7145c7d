"""Plain row builders for tests: `make_<model>(**overrides)` saves and returns one row.

Each builder creates the rows it depends on unless they are passed in, so a test names only what it
cares about. Needs the `db` fixture (or `@pytest.mark.django_db`).
"""

from __future__ import annotations

import io
import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import Campaign, Idea, Product, VideoPrompt, VideoTask

_sequence = itertools.count(1)

DEFAULT_IMAGE_URL = "https://images.example.com/products/bottle.png"


def make_staff_user(**overrides: Any):
    n = next(_sequence)
    password = overrides.pop("password", "staff-password")
    fields: dict[str, Any] = {
        "username": f"staff{n}",
        "email": f"staff{n}@example.com",
        "is_staff": True,
    }
    fields.update(overrides)
    user = get_user_model()(**fields)
    user.set_password(password)
    user.save()
    return user


def make_campaign(**overrides: Any) -> Campaign:
    fields: dict[str, Any] = {"name": f"Campaign {next(_sequence)}"}
    fields.update(overrides)
    return Campaign.objects.create(**fields)


def make_product(**overrides: Any) -> Product:
    """A product with a source URL by default; pass `image=` (a File) for an uploaded one."""
    fields: dict[str, Any] = {"name": f"Product {next(_sequence)}", "notes": "Reusable bottle"}
    if "image" not in overrides:
        fields["source_image_url"] = DEFAULT_IMAGE_URL
    fields.update(overrides)
    return Product.objects.create(**fields)


def make_idea(**overrides: Any) -> Idea:
    if "product" not in overrides:
        overrides["product"] = make_product()
    rank = overrides.pop("rank", None)
    if rank is None:
        product = overrides["product"]
        batch = overrides.get("batch", 1)
        rank = Idea.objects.filter(product=product, batch=batch).count() + 1
    fields: dict[str, Any] = {
        "batch": 1,
        "rank": rank,
        "title": f"Idea {next(_sequence)}",
        "hook": "Still carrying plastic?",
        "concept": "A hiker refills the bottle at a mountain stream.",
        "scenes": ["Close-up of the bottle", "Hiker drinks", "Logo"],
        "on_screen_text": "Refill. Repeat.",
        "voice_over": "One bottle, every trail.",
        "call_to_action": "Shop now",
        "target_audience": "Outdoor enthusiasts",
        "suggested_model": "veo3_fast",
        "aspect_ratio": "16:9",
    }
    fields.update(overrides)
    return Idea.objects.create(**fields)


def make_video_prompt(**overrides: Any) -> VideoPrompt:
    if "idea" not in overrides:
        overrides["idea"] = make_idea()
    fields: dict[str, Any] = {
        "model_id": "veo3_fast",
        "text": "A hiker refills a steel bottle at a stream, slow push-in, morning light.",
        "source": VideoPrompt.Source.GENERATED,
    }
    fields.update(overrides)
    return VideoPrompt.objects.create(**fields)


def make_video_task(**overrides: Any) -> VideoTask:
    """A queued Veo task by default; pass `state=`, `kie_task_id=`, `provider=` to vary it."""
    if "product" not in overrides:
        idea = overrides.get("idea")
        overrides["product"] = idea.product if idea is not None else make_product()
    fields: dict[str, Any] = {
        "model_id": "veo3_fast",
        "provider": "veo",
        "prompt": "A hiker refills a steel bottle at a stream.",
        "options": {"aspect_ratio": "16:9"},
        "kie_task_id": f"task-{next(_sequence)}",
        "state": VideoTask.State.QUEUED,
    }
    fields.update(overrides)
    return VideoTask.objects.create(**fields)


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (8, 8)) -> bytes:
    """A real, tiny image in `fmt` (PNG, JPEG, WEBP, GIF), built in memory."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color=(200, 40, 40)).save(buffer, format=fmt)
    return buffer.getvalue()


def make_uploaded_image(
    name: str = "bottle.png", fmt: str = "PNG", content_type: str = "image/png"
) -> SimpleUploadedFile:
    """An uploaded file as a view would receive it, holding a real image."""
    return SimpleUploadedFile(name, image_bytes(fmt), content_type=content_type)
