"""Offline Kie: a local HTTP server speaking Kie's contract (docs/interfaces.md, docs/kie.md).

`SandboxServer(port=0).start()` in tests; `python manage.py kie_sandbox --port 8001` for `make run`.
"""

from kie.sandbox.server import DEFAULT_API_KEY, SandboxServer

__all__ = ["DEFAULT_API_KEY", "SandboxServer"]
