"""`AsyncTransport`: sends requests over an `httpx.AsyncClient` with retries and typed errors.

This is the one source of both transports: `_sync_transport` (`SyncTransport`, over an
`httpx.Client`) is rewritten from this module token by token when the package is generated.
How attempts are counted, when a call is retried and which error is raised live in
`_client_base`, shared by both.

Hostile answers are bounded here (see `_limits`): a body is read in pieces, inflated at most to
`limits.max_body_bytes` (error bodies too), a call's `Deadline` is checked between reads and
caps each attempt's timeouts, and redirects are never followed (the key goes to the configured
origin only). The HTTP client this transport makes itself is created once under a lock (a
client shared by threads makes one pool), holds `DEFAULT_POOL` connections, and is replaced in
a forked child (the parent's keep-alive sockets are never shared). A client brought with
`http_client=` is the caller's: it is used as given (make it after forking).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from ._client_base import (
    _asyncio_sleep,
    _Attempts,
    _capped_timeout,
    _fork_count,
    _new_pool_limits,
    _proxy_failure,
    _redacted,
    _secret,
    _status_failure,
    _transport_error,
    logger,
)
from ._errors import GeminiError
from ._limits import DEFAULT_LIMITS, BodyDecoder, Deadline, ResponseLimits
from ._retry import RetryPolicy

if TYPE_CHECKING:  # httpx loads with the first request
    import httpx

__all__ = ["AsyncTransport"]


class AsyncTransport:
    """Sends requests over an `httpx.AsyncClient` with retries and typed errors."""

    on_retry: Callable[[float], None] | None = None
    """Told each retry's delay before it waits (a span event when tracing, `_tracing`)."""

    def __init__(
        self,
        http_client: httpx.AsyncClient | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._owns_client = http_client is None
        self._http = http_client
        self._forks = _fork_count()
        self._lock = threading.Lock()
        self.sleep = sleep or _asyncio_sleep
        self.clock = clock
        self.limits: ResponseLimits = DEFAULT_LIMITS
        """What a server may send (body and event sizes); `Client(limits=...)` sets it."""

    @property
    def http(self) -> httpx.AsyncClient:
        """The HTTP client: the one given, or one made (and owned) on the first request."""
        http = self._http
        if http is not None and self._forks == _fork_count():
            return http
        if http is not None and not self._owns_client:
            self._forks = _fork_count()
            logger.warning(
                "this process was forked after its http_client was created: the client's "
                "connections may be shared with the parent process; create the http_client "
                "after forking (a client this package creates itself starts fresh)"
            )
            return http
        with self._lock:
            if self._http is None or (self._owns_client and self._forks != _fork_count()):
                # a forked child drops the parent's pool unclosed: closing it could write to
                # sockets the parent still reads
                self._http = self._new_http()
                self._forks = _fork_count()
            return self._http

    @staticmethod
    def _new_http() -> httpx.AsyncClient:
        import httpx

        try:
            return httpx.AsyncClient(limits=_new_pool_limits())
        except ImportError as error:  # e.g. ALL_PROXY=socks5://... without `socksio`
            raise _proxy_failure(error) from None

    async def send(
        self,
        request: httpx.Request,
        policy: RetryPolicy,
        *,
        stream: bool = False,
        deadline: Deadline | None = None,
    ) -> httpx.Response:
        """Send `request`, retrying per `policy`; return a 2xx response or raise.

        The body of an answer that is not a successful stream is read here, within the limits;
        redirects are not followed. With a `deadline`, each attempt's timeouts are capped by the
        time left and no retry starts that cannot finish in time.
        """
        import httpx

        attempts = _Attempts(policy, self.clock(), self.clock)
        while True:
            started = self.clock()
            failure: GeminiError | None = None
            wait: float | None = None
            if deadline is not None:
                left = deadline.remaining()
                if left <= 0:
                    raise deadline.expired(request)
                request.extensions["timeout"] = _capped_timeout(request, left)
            try:
                response = await self.http.send(request, stream=True, follow_redirects=False)
                if not (stream and response.is_success):
                    await self._read(response, deadline)
            except httpx.TransportError as error:
                wait = attempts.after_transport_error(request, error)
                if wait is None or (deadline is not None and wait >= deadline.remaining()):
                    failure = _transport_error(request, error, policy, _secret(request))
            else:
                if logger.isEnabledFor(logging.DEBUG):  # the arguments cost more than the check
                    logger.debug(
                        "%s -> %d in %.1f ms",
                        _redacted(request),
                        response.status_code,
                        (self.clock() - started) * 1000,
                    )
                if response.is_success:
                    return response
                wait = attempts.after_status(request, response)
                if wait is None or (deadline is not None and wait >= deadline.remaining()):
                    failure = _status_failure(request, response, policy)
            if failure is not None:
                raise failure  # outside the handler: no httpx error (or key) is chained to it
            assert wait is not None
            if self.on_retry is not None:
                self.on_retry(wait)
            await self.sleep(wait)

    async def _read(self, response: httpx.Response, deadline: Deadline | None) -> None:
        """Read `response`'s body within `limits.max_body_bytes` (and the deadline)."""
        if hasattr(response, "_content"):  # already read (a transport that answers in memory)
            if len(response.content) > self.limits.max_body_bytes:
                raise BodyDecoder(response, self.limits.max_body_bytes).too_large()
            return
        decoder = BodyDecoder(response, self.limits.max_body_bytes)
        parts: list[bytes] = []
        try:
            async for raw in response.aiter_raw():
                if decoder.plain:  # the common case: one counter per chunk
                    decoder.size += len(raw)
                    if decoder.size > decoder.limit:
                        raise decoder.too_large()
                    parts.append(raw)
                else:
                    parts.extend(decoder.feed(raw))
                if deadline is not None:
                    deadline.check(response.request)
        finally:
            await response.aclose()
        response._content = b"".join(parts)

    async def close(self) -> None:
        """Close the underlying client if this transport created it."""
        with self._lock:
            http, self._http = self._http, None
        if self._owns_client and http is not None:
            await http.aclose()
        elif http is not None:
            self._http = http
