"""Offline Kie: a local HTTP server speaking Kie's contract (docs/interfaces.md, docs/kie.md).

`SandboxServer(port=0).start()` in tests; `python manage.py kie_sandbox --port 8001` for `make run`.
"""

from kie.sandbox.server import DEFAULT_API_KEY, SandboxServer
from kie.sandbox.traffic import KIE_LIMITS, RateLimit

__all__ = ["DEFAULT_API_KEY", "KIE_LIMITS", "RateLimit", "SandboxServer"]
