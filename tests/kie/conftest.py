"""Fixtures only the sandbox's own tests use."""

from tests.sandbox_fixtures import clocked_sandbox, clocked_sandbox_server  # noqa: F401
