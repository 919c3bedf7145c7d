from __future__ import annotations

import pytest

from campaigns.models import ModelAvailability
from campaigns.services import catalog
from campaigns.services.catalog import (
    check_model_available,
    list_models,
    resolve_options,
    unavailable_models,
)
from campaigns.services.errors import ValidationFailed
from kie.registry import all_models, get_model

pytestmark = pytest.mark.django_db


def test_unavailable_models_merges_settings_and_admin_rows(settings):
    settings.KIE_UNAVAILABLE_MODELS = {"veo3": "Retired by Google", "sora-2-pro-text-to-video": ""}
    ModelAvailability.objects.create(model_id="kling-2.6/image-to-video", is_available=False)
    ModelAvailability.objects.create(model_id="veo3_fast", is_available=True, reason="fine")

    assert unavailable_models() == {
        "veo3": "Retired by Google",
        "sora-2-pro-text-to-video": "Marked unavailable in KIE_UNAVAILABLE_MODELS",
        "kling-2.6/image-to-video": "Marked unavailable by an administrator",
    }


def test_admin_reason_wins_over_settings_reason(settings):
    settings.KIE_UNAVAILABLE_MODELS = {"veo3": "Retired by Google"}
    ModelAvailability.objects.create(model_id="veo3", is_available=False, reason="Too costly")

    assert unavailable_models()["veo3"] == "Too costly"


def test_list_models_describes_every_model_with_availability(settings):
    settings.KIE_UNAVAILABLE_MODELS = {}
    ModelAvailability.objects.create(model_id="veo3", is_available=False, reason="Paused")

    models = {entry.model.id: entry for entry in list_models()}

    assert list(models) == [m.id for m in all_models()]
    assert (models["veo3"].available, models["veo3"].unavailable_reason) == (False, "Paused")
    assert (models["veo3_fast"].available, models["veo3_fast"].unavailable_reason) == (True, None)


def test_check_model_available_returns_the_model():
    assert check_model_available("veo3_fast").id == "veo3_fast"


def test_unavailable_model_is_refused_naming_reason_and_available_alternatives(settings):
    settings.KIE_UNAVAILABLE_MODELS = {"veo3": "Retired by Google"}
    ModelAvailability.objects.create(model_id="sora-2-pro-image-to-video", is_available=False)

    with pytest.raises(ValidationFailed) as caught:
        check_model_available("veo3")

    message = caught.value.fields["model"]
    assert message.startswith("Veo")
    assert "is unavailable: Retired by Google." in message
    assert "Available alternatives for the same input:" in message
    assert "veo3_fast" in message
    assert "sora-2-pro-image-to-video" not in message  # unavailable itself
    assert "veo3_fast" in caught.value.extra["alternatives"]


def test_unknown_model_is_a_validation_error_on_model():
    with pytest.raises(ValidationFailed) as caught:
        check_model_available("veo9")

    assert "Unknown model 'veo9'" in caught.value.fields["model"]


def test_resolve_options_fills_defaults_and_names_each_bad_option():
    kling = get_model("kling-2.6/image-to-video")

    assert resolve_options(kling, {"duration": "10"})["duration"] == "10"
    with pytest.raises(ValidationFailed) as caught:
        resolve_options(kling, {"duration": "7", "colour": "red"})

    assert set(caught.value.fields) == {"options.duration", "options.colour"}
    assert caught.value.message.startswith("options.duration: ")


def test_a_model_listed_in_settings_without_a_reason_is_still_unavailable(settings):
    settings.KIE_UNAVAILABLE_MODELS = {"sora-2-pro-text-to-video": ""}

    reason = catalog.unavailable_models()["sora-2-pro-text-to-video"]

    assert reason == catalog.SETTINGS_DEFAULT_REASON


def test_availability_has_one_source_for_the_api_and_the_checks(settings):
    settings.KIE_UNAVAILABLE_MODELS = {"veo3": "Retired by Google"}
    ModelAvailability.objects.create(model_id="kling-2.6/image-to-video", is_available=False)

    listed = {m.model.id: m.unavailable_reason for m in catalog.list_models()}

    assert listed == {**dict.fromkeys(listed), **catalog.unavailable_models()}
