"""Suite-wide fixtures: no test may reach a machine other than this one."""

from __future__ import annotations

import socket

import pytest

from tests.media_clips import clip_server  # noqa: F401
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


# What the outbound gate's resolver answers in tests (name -> addresses); tests may add names.
TEST_DNS = {"media.kie.invalid": ["203.0.113.10"], "localhost": ["127.0.0.1"]}


@pytest.fixture
def fake_dns() -> dict[str, list[str]]:
    """The resolver table the outbound gate uses in this test; add names to it."""
    return {name: list(addresses) for name, addresses in TEST_DNS.items()}


@pytest.fixture(autouse=True)
def _no_outside_dns(monkeypatch: pytest.MonkeyPatch, fake_dns: dict[str, list[str]]) -> None:
    """The outbound gate resolves names from `fake_dns`, never from a real DNS server."""
    import ipaddress

    from campaigns.services import outbound
    from campaigns.services.errors import KieUnavailable

    def resolve(host: str, port: int) -> list:
        if host not in fake_dns:
            raise KieUnavailable(f"The media host {host} could not be resolved (test DNS).")
        return [ipaddress.ip_address(address) for address in fake_dns[host]]

    monkeypatch.setattr(outbound, "resolve", resolve)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache (credits are cached between requests)."""
    from django.core.cache import cache

    cache.clear()
