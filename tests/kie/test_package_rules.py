"""House rules for `kie/` that a reviewer would otherwise check by eye, checked on every run."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest
import responses

import kie
from kie.errors import KieError
from tests.kie.kie_client_fakes import API_KEY, CALLS, make_client

KIE_DIR = Path(kie.__file__).resolve().parent
SOURCES = sorted(KIE_DIR.rglob("*.py"))
# kie/ is the outside-API layer: no app models, no database, no users (style.md, "Layers").
FORBIDDEN_IMPORTS = ("campaigns", "django.db", "django.contrib.auth")


def _tree(path: Path) -> ast.AST:
    return ast.parse(path.read_text(), filename=str(path))


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(KIE_DIR)))
def test_kie_never_imports_the_app_the_database_or_users(path: Path) -> None:
    imported = _imports(_tree(path))

    assert not {name for name in imported if name.startswith(FORBIDDEN_IMPORTS)}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(KIE_DIR)))
def test_kie_has_no_print_and_no_bare_except(path: Path) -> None:
    tree = _tree(path)

    prints = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print"
    ]
    bare = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.ExceptHandler) and not n.type]
    assert (prints, bare) == ([], [])


URLLIB_USERS = [path for path in SOURCES if "urllib.request" in _imports(_tree(path))]


@pytest.mark.parametrize("path", URLLIB_USERS, ids=lambda p: str(p.relative_to(KIE_DIR)))
def test_every_urllib_request_in_kie_has_a_timeout(path: Path) -> None:
    # The sandbox's own outgoing calls (callbacks, URL uploads) go through urllib, not requests.
    opens = [
        node
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in ("open", "urlopen")
    ]

    assert opens
    assert all(any(k.arg == "timeout" for k in node.keywords) for node in opens)


@pytest.mark.parametrize("call_name", CALLS)
@responses.activate
def test_every_client_request_carries_a_connect_and_read_timeout(call_name: str) -> None:
    method, url, _, call = CALLS[call_name]
    responses.add(method, url, status=500, json={"code": 500, "msg": "Server error"})
    client, _ = make_client(max_attempts=1)

    with pytest.raises(KieError):
        call(client)

    timeout = responses.calls[0].request.req_kwargs["timeout"]
    assert isinstance(timeout, tuple) and all(part > 0 for part in timeout)


@pytest.mark.parametrize("call_name", CALLS)
@responses.activate
def test_api_key_never_appears_in_errors_or_logs(call_name: str, caplog) -> None:
    method, url, _, call = CALLS[call_name]
    responses.add(method, url, status=503, body=f"upstream said: {method} {url}")
    responses.add(method, url, status=401, json={"code": 401, "msg": "No access"})
    client, _ = make_client(max_attempts=2)

    with caplog.at_level(logging.DEBUG, logger="kie"), pytest.raises(KieError) as caught:
        call(client)

    error = caught.value
    assert API_KEY not in repr(client)
    assert API_KEY not in f"{error!s} {error!r} {error.payload!r} {error.__cause__!r}"
    assert API_KEY not in caplog.text
