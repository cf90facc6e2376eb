"""Fixtures for client tests: a loopback server and clients pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gemini_interactions import Client

from tests.client.loopback import LoopbackServer, serve

API_KEY = "test-key-1234567890-SECRET"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    yield from serve()


@pytest.fixture
def client(server: LoopbackServer) -> Iterator[Client]:
    with Client(api_key=API_KEY, base_url=server.url, max_retries=0) as created:
        yield created


from tests.generated.conftest import patched_spec  # noqa: E402,F401  (shared fixture)
