"""A client with a time budget gives up on Kie in time, whatever Kie does (web requests use one)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kie.client import KieClient
from kie.errors import KieUnavailableError

DRIP_BYTES = 60  # one a second: the whole answer would take a minute


class Dripping:
    """A server that answers 200 at once, then sends its JSON body one byte a second."""

    def __init__(self) -> None:
        self.bytes_sent = 0
        self.gave_up = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = b'{"code":200,"msg":"success","data":7}'.ljust(DRIP_BYTES)
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    for byte in body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        server.bytes_sent += 1
                        time.sleep(1)
                except OSError:
                    server.gave_up.set()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def dripping():
    server = Dripping()
    yield server
    server.close()


def test_a_dripping_answer_is_abandoned_when_the_budget_runs_out(dripping):
    client = KieClient(api_key="k", base_url=dripping.url, max_attempts=1, time_budget_seconds=2.0)

    with pytest.raises(KieUnavailableError, match="read timeout"):
        client.get_credits()

    assert dripping.bytes_sent < DRIP_BYTES


def test_without_a_budget_the_same_answer_is_read_to_the_end(dripping, monkeypatch):
    # Shrink the drip: the point is only that no budget means no cut.
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    client = KieClient(api_key="k", base_url=dripping.url, max_attempts=1)

    assert client.get_credits() == 7
