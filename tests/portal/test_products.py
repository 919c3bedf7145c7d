"""New product, its page with the ideas rounds (progress, cards, failure and retry), the list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.models import IdeaBatch, JobState, Product
from tests.factories import make_campaign, make_idea, make_product, make_uploaded_image

pytestmark = pytest.mark.django_db


def _post_new(staff, **fields):
    data = {"name": "", "notes": "", "image_url": "", "campaign": ""}
    data.update(fields)
    return staff.post("/products/new", data)


def test_new_product_page_has_dropzone_link_field_and_generate_button(staff):
    page = staff.get("/products/new").content.decode()

    assert "<title>New product · AdStudio</title>" in page
    assert "data-dropzone" in page and 'accept="image/png,image/jpeg,image/webp"' in page
    assert 'name="image_url"' in page
    assert "Generate ideas" in page


def test_new_product_with_neither_photo_nor_link_says_so_beside_the_photo(staff):
    response = _post_new(staff, name="Trail bottle")

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_image_error"' in page
    assert "Drop a product photo here, choose one, or paste its link." in page
    assert not Product.objects.exists()


def test_new_product_with_both_photo_and_link_is_refused(staff):
    response = _post_new(
        staff, image=make_uploaded_image(), image_url="https://example.com/bottle.png"
    )

    assert response.status_code == 400
    assert "Use either the uploaded photo or the link, not both." in response.content.decode()


def test_new_product_with_a_bad_link_says_so_beside_the_link(staff):
    response = _post_new(staff, image_url="ftp://example.com/x.png")

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_image_url_error"' in page
    assert "Enter an http(s) link to a JPEG, PNG or WebP image." in page


def test_new_product_with_a_file_that_is_no_image_shows_the_services_reason(staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("bottle.png", b"not an image", content_type="image/png")

    response = _post_new(staff, image=fake)

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_image_error"' in page
    assert "JPEG, PNG or WebP" in page
    assert not Product.objects.exists()


def test_new_product_is_saved_and_ideas_are_asked_for_in_the_background(staff):
    campaign = make_campaign(name="Summer launch")

    response = _post_new(
        staff, image=make_uploaded_image(), name="Trail bottle", campaign=campaign.pk
    )

    product = Product.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/products/{product.pk}#ideas"
    assert (product.name, product.campaign, product.created_by) == (
        "Trail bottle",
        campaign,
        staff.user,
    )
    batch = IdeaBatch.objects.get(product=product)
    assert (batch.state, batch.created_by) == (JobState.PENDING, staff.user)
    page = staff.get(response["Location"]).content.decode()
    assert "Trail bottle is saved. Gemini is writing ten ideas for it." in page


def test_new_product_preselects_the_campaign_it_was_opened_from(staff):
    campaign = make_campaign(name="Back to school")

    page = staff.get(f"/products/new?campaign={campaign.pk}").content.decode()

    assert f'<option value="{campaign.pk}" selected>Back to school</option>' in page


def test_product_page_shows_progress_and_polls_while_gemini_writes(staff):
    product = make_product(name="Trail bottle")
    batch = IdeaBatch.objects.create(product=product, number=1, state=JobState.RUNNING)

    page = staff.get(f"/products/{product.pk}").content.decode()

    assert "Writing ten ideas for Trail bottle…" in page
    poll = f'hx-get="/products/{product.pk}/ideas/{batch.pk}" hx-trigger="every 2s"'
    assert poll in page


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (JobState.PENDING, 200),
        (JobState.RUNNING, 200),
        (JobState.DONE, 286),
        (JobState.FAILED, 286),
    ],
)
def test_ideas_round_fragment_stops_polling_once_written_or_failed(staff, state, status):
    product = make_product()
    batch = IdeaBatch.objects.create(product=product, number=1, state=state)

    response = staff.get(f"/products/{product.pk}/ideas/{batch.pk}")

    assert response.status_code == status
    assert response.content.decode().lstrip().startswith('<div class="idea-round"')


def test_written_round_shows_ten_selectable_cards_with_every_part(staff):
    product = make_product()
    batch = IdeaBatch.objects.create(product=product, number=1, state=JobState.DONE)
    ideas = [make_idea(product=product, title=f"Idea {n}") for n in range(1, 11)]

    fragment = staff.get(f"/products/{product.pk}/ideas/{batch.pk}").content.decode()

    assert fragment.count('class="idea-card"') == 10
    first = ideas[0]
    assert f'<input class="idea-card-check" id="idea-{first.pk}" type="checkbox" name="ideas"' in (
        fragment
    )
    for part in [first.title, first.hook, first.concept, first.scenes[0], first.call_to_action]:
        assert part in fragment


def test_failed_round_says_why_what_to_do_and_offers_a_retry(staff):
    product = make_product()
    IdeaBatch.objects.create(
        product=product,
        number=1,
        state=JobState.FAILED,
        error_code="insufficient_credits",
        error_message="The current credits are insufficient. Please top up.",
    )

    page = staff.get(f"/products/{product.pk}").content.decode()

    assert "Gemini couldn&#x27;t write the ideas" in page
    assert "Kie.ai said: “The current credits are insufficient. Please top up.”" in page
    assert "Top up Kie credits at kie.ai, then try again." in page
    assert (
        '<button type="submit" form="request-ideas" class="btn btn-primary">Try again</button>'
        in (page)
    )


def test_retry_after_a_failed_round_reuses_the_saved_product(staff):
    product = make_product()
    IdeaBatch.objects.create(product=product, number=1, state=JobState.FAILED)

    response = staff.post(f"/products/{product.pk}/ideas")

    assert response.status_code == 302
    assert Product.objects.count() == 1
    newest = IdeaBatch.objects.filter(product=product).order_by("-number").first()
    assert (newest.number, newest.state) == (2, JobState.PENDING)


def test_asking_for_more_while_a_round_is_being_written_starts_no_second_one(staff):
    product = make_product()
    IdeaBatch.objects.create(product=product, number=1, state=JobState.RUNNING)

    staff.post(f"/products/{product.pk}/ideas")
    staff.post(f"/products/{product.pk}/ideas")

    assert IdeaBatch.objects.filter(product=product).count() == 1


def test_older_failed_rounds_are_left_to_the_history(staff):
    product = make_product()
    IdeaBatch.objects.create(product=product, number=1, state=JobState.FAILED, error_message="x1")
    IdeaBatch.objects.create(product=product, number=2, state=JobState.DONE)
    make_idea(product=product, batch=2, title="Keeper")

    page = staff.get(f"/products/{product.pk}").content.decode()

    assert "Keeper" in page
    assert "Try again" not in page
    assert "x1" in page  # the history table keeps the reason


def test_product_without_ideas_says_what_to_do_next(staff):
    product = make_product()

    page = staff.get(f"/products/{product.pk}").content.decode()

    assert "No ideas yet" in page and "No videos yet" in page


def test_products_list_costs_the_same_queries_for_one_product_or_many(staff, query_count):
    make_idea()
    one = query_count("/products")
    for _ in range(5):
        make_idea(product=make_product(campaign=make_campaign()))

    assert query_count("/products") == one


def test_product_page_costs_the_same_queries_for_few_or_many_rows(staff, query_count):
    from tests.factories import make_video_prompt, make_video_task

    product = make_product(campaign=make_campaign(credit_budget=500))
    make_video_task(idea=make_idea(product=product), state="success")
    url = reverse("portal:product", args=[product.pk])
    few = query_count(url)
    for n in range(4):
        IdeaBatch.objects.create(product=product, number=n + 2, state=JobState.DONE)
        idea = make_idea(product=product, batch=n + 2)
        make_video_prompt(idea=idea)
        make_video_task(idea=idea, state="failed")

    assert query_count(url) == few


def test_empty_products_list_says_how_to_start(staff):
    page = staff.get("/products").content.decode()

    assert "No products yet" in page
    assert 'href="/products/new"' in page
