"""Sandbox server details: public result links for compose, quiet client hang-ups."""

from __future__ import annotations

import base64

import requests

from kie.sandbox.server import SandboxServer


def test_result_links_use_the_public_url_when_given() -> None:
    with SandboxServer(port=0, public_url="http://sandbox:8001/") as server:
        bind_url = f"http://127.0.0.1:{server.port}"
        answer = requests.post(
            f"{bind_url}/api/file-base64-upload",
            json={"base64Data": base64.b64encode(b"hello").decode(), "uploadPath": "t"},
            headers={"Authorization": f"Bearer {server.api_key}"},
            timeout=5,
        ).json()
    assert server.base_url == "http://sandbox:8001"
    assert answer["data"]["downloadUrl"].startswith("http://sandbox:8001/files/")


def test_a_client_that_hangs_up_is_not_reported_as_a_server_error(capsys) -> None:
    with SandboxServer(port=0) as server:
        for exc in (BrokenPipeError(32, "Broken pipe"), KeyError("a real bug")):
            try:
                raise exc
            except (BrokenPipeError, KeyError):
                server._httpd.handle_error(None, ("127.0.0.1", 1))
    err = capsys.readouterr().err
    assert "BrokenPipeError" not in err
    assert "KeyError" in err
