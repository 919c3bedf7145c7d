"""Fixtures for the service tests: a Kie client that never sleeps, and a strict HTTP mock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses

from tests.services.video_stubs import use_client_without_sleeps


@pytest.fixture(autouse=True)
def _client_without_sleeps(monkeypatch: pytest.MonkeyPatch) -> None:
    # Retries back off for real seconds; no service test may wait for them.
    use_client_without_sleeps(monkeypatch)


@pytest.fixture
def kie() -> Iterator[responses.RequestsMock]:
    """Kie (and its media hosts) as `responses`: unregistered calls fail, unused ones too."""
    with responses.RequestsMock() as mock:
        yield mock
