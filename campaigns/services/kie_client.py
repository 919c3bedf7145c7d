"""The one place services get a Kie client from (tests point settings at the sandbox)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kie.client import KieClient


def get_kie_client() -> KieClient:
    from kie.client import KieClient

    return KieClient.from_settings()
