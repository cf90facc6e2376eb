"""The fake as an httpx transport, sync and async: requests never leave the process.

A cut stream ends with `httpx.ReadError` after its last chunk, as a dropped connection does.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from .testing import FakeGemini, FakeResponse

__all__ = ["FakeTransport"]


class _Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, response: FakeResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        if self._response.delay:
            time.sleep(self._response.delay)
        yield from self._response.chunks
        if self._response.cut:
            raise httpx.ReadError("the fake cut the connection", request=self._request)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self._response.delay:
            await asyncio.sleep(self._response.delay)
        for chunk in self._response.chunks:
            yield chunk
        if self._response.cut:
            raise httpx.ReadError("the fake cut the connection", request=self._request)


class FakeTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Answers every request from a `FakeGemini`; works for `httpx.Client` and `AsyncClient`."""

    def __init__(self, fake: FakeGemini) -> None:
        self.fake = fake

    def _answer(self, request: httpx.Request, body: bytes) -> httpx.Response:
        response = self.fake.handle(request.method, str(request.url), dict(request.headers), body)
        if response.dropped:
            message = "Server disconnected without sending a response."
            raise httpx.RemoteProtocolError(message, request=request)
        return httpx.Response(
            response.status,
            headers=response.headers,
            stream=_Body(response, request),
            request=request,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._answer(request, request.read())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self._answer(request, await request.aread())
