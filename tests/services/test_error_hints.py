"""Every error tells the user what to do next (`hint`), chosen from the kind of failure."""

from __future__ import annotations

import pytest

from campaigns.services import errors as service_errors
from campaigns.services.kie_errors import translate_kie_error
from kie import errors as kie_errors


@pytest.mark.parametrize(
    ("kie_error", "service_class", "hint_says"),
    [
        (kie_errors.KieAuthError(code=401), service_errors.KieFailed, "check KIE_API_KEY"),
        (
            kie_errors.KieInsufficientCreditsError(code=402),
            service_errors.InsufficientCredits,
            "Top up Kie credits",
        ),
        (
            kie_errors.KieRateLimitedError(code=429),
            service_errors.RateLimited,
            "Wait a minute and try again",
        ),
        (
            kie_errors.KieValidationError(code=422),
            service_errors.KieFailed,
            "Shorten or change the prompt, or use a different photo",
        ),
        (
            kie_errors.KieUnavailableError(code=455),
            service_errors.KieUnavailable,
            "Try again in a few minutes",
        ),
        (
            kie_errors.KieModelUnavailableError(code=505),
            service_errors.ModelUnavailable,
            "Pick another model",
        ),
        (kie_errors.KieNotReadyError(code=400), service_errors.NotReady, "Wait a minute"),
        (kie_errors.KieNotFoundError(code=404), service_errors.KieFailed, "start the video again"),
        (kie_errors.KieBadResponseError(), service_errors.KieFailed, "Try again"),
    ],
)
def test_each_kie_error_class_gets_its_own_hint(kie_error, service_class, hint_says) -> None:
    error = translate_kie_error(kie_error)

    assert type(error) is service_class
    assert hint_says in error.hint


def test_an_unknown_kind_of_kie_error_falls_back_to_the_service_class_hint() -> None:
    error = translate_kie_error(kie_errors.KieError("Something new"))

    assert error.hint == service_errors.KieFailed.default_hint


@pytest.mark.parametrize(
    "service_class",
    [
        service_errors.ValidationFailed,
        service_errors.NotFound,
        service_errors.NotReady,
        service_errors.IdempotencyConflict,
        service_errors.BudgetExceeded,
        service_errors.InsufficientCredits,
        service_errors.RateLimited,
        service_errors.ModelUnavailable,
        service_errors.KieFailed,
        service_errors.KieUnavailable,
    ],
)
def test_every_service_error_class_has_a_default_hint(service_class) -> None:
    assert service_class().hint == service_class.default_hint
    assert service_class.default_hint


def test_a_hint_given_by_the_raiser_wins_over_the_class_default() -> None:
    error = service_errors.KieFailed("Empty prompt", hint="Write the prompt yourself.")

    assert error.hint == "Write the prompt yourself."


@pytest.mark.parametrize(
    ("code", "hint"),
    [
        ("insufficient_credits", "Top up Kie credits at kie.ai, then try again."),
        ("rate_limited", "Wait a minute and try again."),
        ("no_such_code", None),
    ],
)
def test_hint_for_a_stored_error_code_is_its_class_default(code, hint):
    assert service_errors.hint_for_code(code) == hint
