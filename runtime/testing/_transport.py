"""The fake as an httpx transport, sync and async: requests never leave the process.

Faults look as they do over `fake.serve()`: a `delay()` longer than the client's read timeout
ends in `httpx.ReadTimeout` once that timeout has passed; a dropped connection and a cut body
raise the `httpx.RemoteProtocolError` (with the same text) that httpx raises over HTTP.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from . import FakeGemini, FakeResponse

__all__ = ["FakeTransport"]


_CUT = "peer closed connection without sending complete message body: incomplete chunked read"
_DROPPED = "Server disconnected without sending a response."


class _Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, response: FakeResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        yield from self._response.chunks
        if self._response.cut:
            raise httpx.RemoteProtocolError(_CUT, request=self._request)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._response.chunks:
            yield chunk
        if self._response.cut:
            raise httpx.RemoteProtocolError(_CUT, request=self._request)


def _wait(response: FakeResponse, request: httpx.Request) -> tuple[float, bool]:
    """How long the answer keeps the client waiting, and whether its read timeout ends it."""
    limit = (request.extensions.get("timeout") or {}).get("read")
    if limit is not None and response.delay > limit:
        return float(limit), True
    return response.delay, False


class FakeTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Answers every request from a `FakeGemini`; works for `httpx.Client` and `AsyncClient`."""

    def __init__(self, fake: FakeGemini, *, on_clock: bool = True) -> None:
        self.fake = fake
        self.on_clock = on_clock

    def _answer(self, request: httpx.Request, body: bytes) -> tuple[FakeResponse, float, bool]:
        response = self.fake.handle(
            request.method, str(request.url), dict(request.headers), body, on_clock=self.on_clock
        )
        return (response, *_wait(response, request))

    @staticmethod
    def _response(
        response: FakeResponse, request: httpx.Request, timed_out: bool
    ) -> httpx.Response:
        if timed_out:
            raise httpx.ReadTimeout("timed out", request=request)
        if response.dropped:
            raise httpx.RemoteProtocolError(_DROPPED, request=request)
        return httpx.Response(
            response.status,
            headers=response.headers,
            stream=_Body(response, request),
            request=request,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response, wait, timed_out = self._answer(request, request.read())
        if wait:
            time.sleep(wait)
        return self._response(response, request, timed_out)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response, wait, timed_out = self._answer(request, await request.aread())
        if wait:
            await asyncio.sleep(wait)
        return self._response(response, request, timed_out)
