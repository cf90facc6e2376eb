# Rewritten from runtime/_core/_async_transport.py by interactions-codegen; edit it there.
"""The synchronous twin of `_async_transport`: the same code with `async` / `await` removed and
async names mapped to their sync twins, rewritten from `_async_transport.py` token by token when
the package is generated; `_async_transport` documents it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ._client_base import (
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

__all__ = ["SyncTransport"]


class SyncTransport:
    """Sends requests over an `httpx.AsyncClient` with retries and typed errors."""

    on_retry: Callable[[float], None] | None = None
    """Told each retry's delay before it waits (a span event when tracing, `_tracing`)."""

    def __init__(
        self,
        http_client: httpx.Client | None = None,
        *,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._owns_client = http_client is None
        self._http = http_client
        self._forks = _fork_count()
        self._lock = threading.Lock()
        self.sleep = sleep or time.sleep
        self.clock = clock
        self.limits: ResponseLimits = DEFAULT_LIMITS
        """What a server may send (body and event sizes); `Client(limits=...)` sets it."""

    @property
    def http(self) -> httpx.Client:
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
    def _new_http() -> httpx.Client:
        import httpx

        try:
            return httpx.Client(limits=_new_pool_limits())
        except ImportError as error:  # e.g. ALL_PROXY=socks5://... without `socksio`
            raise _proxy_failure(error) from None

    def send(
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
                response = self.http.send(request, stream=True, follow_redirects=False)
                if not (stream and response.is_success):
                    self._read(response, deadline)
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
            self.sleep(wait)

    def _read(self, response: httpx.Response, deadline: Deadline | None) -> None:
        """Read `response`'s body within `limits.max_body_bytes` (and the deadline)."""
        if hasattr(response, "_content"):  # already read (a transport that answers in memory)
            if len(response.content) > self.limits.max_body_bytes:
                raise BodyDecoder(response, self.limits.max_body_bytes).too_large()
            return
        decoder = BodyDecoder(response, self.limits.max_body_bytes)
        parts: list[bytes] = []
        try:
            for raw in response.iter_raw():
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
            response.close()
        response._content = b"".join(parts)

    def close(self) -> None:
        """Close the underlying client if this transport created it."""
        with self._lock:
            http, self._http = self._http, None
        if self._owns_client and http is not None:
            http.close()
        elif http is not None:
            self._http = http
