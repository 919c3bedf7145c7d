"""Suite-wide fixtures: no test may reach a machine other than this one."""

from __future__ import annotations

import socket

import pytest

from tests.sandbox_fixtures import kie_sandbox, kie_sandbox_server  # noqa: F401

_LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture(autouse=True)
def _no_outside_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse any socket connection off this machine: use `responses` or the sandbox instead."""
    real_connect = socket.socket.connect

    def guarded_connect(sock: socket.socket, address: object) -> None:
        if isinstance(address, tuple) and address[0] not in _LOCAL_HOSTS:
            raise ConnectionRefusedError(f"tests may not reach {address!r}; use responses")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache (credits are cached between requests)."""
    from django.core.cache import cache

    cache.clear()
