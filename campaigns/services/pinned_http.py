"""A requests transport adapter that connects only to addresses checked beforehand.

The host name stays in the URL, so the Host header, TLS SNI and certificate checks use it; only
the TCP connection goes to the pinned addresses. Without this, urllib3 would resolve the name
again, and a DNS answer that changed in between (rebinding) would reach an unchecked address.
"""

from __future__ import annotations

import socket
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.connection import create_connection


class PinnedAdapter(HTTPAdapter):
    """Sends requests for exactly (scheme, host, port), connecting to `addresses` in order."""

    def __init__(self, scheme: str, host: str, port: int, addresses: tuple[str, ...]) -> None:
        self._expected = (scheme, host.strip("[]").lower(), port)
        self._addresses = addresses
        super().__init__(max_retries=0)

    def get_connection_with_tls_context(
        self, request: Any, verify: Any, proxies: Any = None, cert: Any = None
    ) -> HTTPConnectionPool:
        pool = super().get_connection_with_tls_context(request, verify, None, cert)
        seen = (pool.scheme, pool.host.strip("[]").lower(), pool.port)
        if seen != self._expected:
            raise requests.exceptions.InvalidURL(f"connection target {seen} was not checked")
        pool.ConnectionCls = _PINNED[pool.scheme]
        pool.conn_kw["pinned_addresses"] = self._addresses
        return pool


class _PinnedMixin:
    def __init__(self, *args: Any, pinned_addresses: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pinned_addresses = pinned_addresses

    def _new_conn(self) -> socket.socket:
        error: Exception = NewConnectionError(self, "no checked address to connect to")
        for address in self.pinned_addresses:
            try:
                return create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError:
                error = ConnectTimeoutError(self, f"Connecting to {address} timed out.")
            except OSError as exc:
                error = NewConnectionError(self, f"Failed to connect to {address}: {exc}")
        raise error


class PinnedHTTPConnection(_PinnedMixin, HTTPConnection):
    pass


class PinnedHTTPSConnection(_PinnedMixin, HTTPSConnection):
    pass


_PINNED = {"http": PinnedHTTPConnection, "https": PinnedHTTPSConnection}
