"""`AsyncTransport`: sends requests over an `httpx.AsyncClient` with retries and typed errors.

This is the one source of both transports: `_sync_transport` (`SyncTransport`, over an
`httpx.Client`) is rewritten from this module token by token when the package is generated.
How attempts are counted, when a call is retried and which error is raised live in
`_client_base`, shared by both.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from ._client_base import (
    _asyncio_sleep,
    _Attempts,
    _redacted,
    _secret,
    _status_failure,
    _transport_error,
    logger,
)
from ._errors import GeminiError
from ._retry import RetryPolicy

if TYPE_CHECKING:  # httpx loads with the first request
    import httpx

__all__ = ["AsyncTransport"]


class AsyncTransport:
    """Sends requests over an `httpx.AsyncClient` with retries and typed errors."""

    def __init__(
        self,
        http_client: httpx.AsyncClient | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._owns_client = http_client is None
        self._http = http_client
        self.sleep = sleep or _asyncio_sleep
        self.clock = clock

    @property
    def http(self) -> httpx.AsyncClient:
        """The HTTP client: the one given, or one made (and owned) on the first request."""
        if self._http is None:
            import httpx

            self._http = httpx.AsyncClient()
        return self._http

    async def send(
        self, request: httpx.Request, policy: RetryPolicy, *, stream: bool = False
    ) -> httpx.Response:
        """Send `request`, retrying per `policy`; return a 2xx response or raise."""
        import httpx

        attempts = _Attempts(policy, self.clock(), self.clock)
        while True:
            started = self.clock()
            failure: GeminiError | None = None
            wait: float | None = None
            try:
                response = await self.http.send(request, stream=stream)
            except httpx.TransportError as error:
                wait = attempts.after_transport_error(request, error)
                if wait is None:
                    failure = _transport_error(request, error, policy, _secret(request))
            else:
                logger.debug(
                    "%s -> %d in %.1f ms",
                    _redacted(request),
                    response.status_code,
                    (self.clock() - started) * 1000,
                )
                if response.is_success:
                    return response
                await response.aread()
                await response.aclose()
                wait = attempts.after_status(request, response)
                if wait is None:
                    failure = _status_failure(request, response, policy)
            if failure is not None:
                raise failure  # outside the handler: no httpx error (or key) is chained to it
            assert wait is not None
            await self.sleep(wait)

    async def close(self) -> None:
        """Close the underlying client if this transport created it."""
        if self._owns_client and self._http is not None:
            await self._http.aclose()
