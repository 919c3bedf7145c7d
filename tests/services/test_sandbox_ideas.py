"""Ideas and prompts end to end over real HTTP, against the offline Kie sandbox."""

from __future__ import annotations

import pytest

from campaigns.models import Idea, Product
from campaigns.services.errors import ServiceError
from campaigns.services.ideas import generate_ideas
from campaigns.services.products import create_product
from campaigns.services.prompts import write_video_prompt
from tests.factories import make_staff_user, make_uploaded_image

pytestmark = pytest.mark.django_db


def test_uploaded_product_gets_ten_ideas_and_a_kling_prompt_over_http(kie_sandbox):
    user = make_staff_user()
    product = create_product(user=user, image=make_uploaded_image("trail-bottle.png"))

    ideas = generate_ideas(product)
    prompt = write_video_prompt(idea=ideas[0], model_id="kling-2.6/image-to-video", user=user)

    assert [idea.rank for idea in ideas] == list(range(1, 11))
    assert len({idea.title for idea in ideas}) == 10
    assert Idea.objects.filter(product=product, batch=1).count() == 10
    assert 0 < len(prompt.text) <= 1000
    stored = Product.objects.get(pk=product.pk)
    assert stored.kie_image_url and stored.kie_image_uploaded_at is not None
    paths = [path for _method, path in kie_sandbox.request_log]
    assert paths.count("/api/file-base64-upload") == 1
    assert paths.count("/gemini-2.5-flash/v1/chat/completions") == 2


def test_second_batch_reuses_the_kie_upload(kie_sandbox):
    product = create_product(user=make_staff_user(), image=make_uploaded_image())

    generate_ideas(product)
    second = generate_ideas(Product.objects.get(pk=product.pk))

    assert {idea.batch for idea in second} == {2}
    paths = [path for _method, path in kie_sandbox.request_log]
    assert paths.count("/api/file-base64-upload") == 1


def test_chat_refusal_over_http_keeps_the_product_and_writes_no_ideas(kie_sandbox):
    kie_sandbox.set_faults(chat_error={"code": 500, "msg": "Server busy, try later"})
    product = create_product(user=make_staff_user(), image_url="https://example.com/mug.png")

    with pytest.raises(ServiceError) as caught:
        generate_ideas(product)

    assert "Server busy, try later" in caught.value.message
    assert caught.value.extra == {"productId": product.pk}
    assert Product.objects.filter(pk=product.pk).exists()
    assert not Idea.objects.exists()
