"""Fixtures for client tests: a loopback server and clients pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gemini_interactions import Client, SyncTransport

from tests.client.loopback import LoopbackServer, serve

API_KEY = "test-key-1234567890-SECRET"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    yield from serve()


@pytest.fixture
def client(server: LoopbackServer) -> Iterator[Client]:
    """A client of the loopback server; its waits (a resume's backoff, `wait()`'s polls) are
    recorded in `client.sleeps` instead of slept."""
    sleeps: list[float] = []
    transport = SyncTransport(sleep=sleeps.append)
    with Client(
        api_key=API_KEY, base_url=server.url, max_retries=0, transport=transport
    ) as created:
        created.sleeps = sleeps  # type: ignore[attr-defined]
        yield created


from tests.generated.conftest import patched_spec  # noqa: E402,F401  (shared fixture)
