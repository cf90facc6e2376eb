"""Raw HTTP responses: `client.with_raw_response.interactions.get(id)`.

`client.with_raw_response` mirrors the client's resources; each of its methods takes the same
arguments as the ordinary method and returns a `RawResponse` instead of the parsed value: the
status, the headers, the request id the API sent (`x-goog-request-id`, W95 — Google's own SDK
reads `x-request-id` and always gets nothing), and `parse()` for the value the ordinary method
returns. A streaming call (`stream=True`) returns as soon as the response headers arrive;
`parse()` gives the stream, which reads the body as it is iterated.

The wrappers mark the call through a context variable that the API client takes as it sends,
so nothing but the one call is affected (a stream's later resume, or `wait()`'s polls, are
ordinary calls). Errors are raised exactly as by the ordinary methods: a 4xx or 5xx answer is
an `APIStatusError` (with its own `request_id`), never a raw response.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Generic, ParamSpec, TypeVar

if TYPE_CHECKING:
    import httpx

__all__ = ["RawResponse", "async_raw_response", "raw_response", "take_raw_request"]

_P = ParamSpec("_P")
_T = TypeVar("_T")

_REQUEST_ID_HEADER = "x-goog-request-id"
_RAW_REQUESTED: ContextVar[bool] = ContextVar("gemini_raw_response_requested", default=False)


def take_raw_request() -> bool:
    """Whether the call being sent was asked for raw; the mark is used up by that call."""
    if not _RAW_REQUESTED.get():
        return False
    _RAW_REQUESTED.set(False)
    return True


class RawResponse(Generic[_T]):
    """One HTTP response and the value it parses into (`parse()`)."""

    def __init__(self, http_response: httpx.Response, parse: Callable[[], _T]) -> None:
        self.http_response = http_response
        """The `httpx.Response` itself."""
        self._parse = parse
        self._parsed: tuple[_T] | None = None

    @property
    def status_code(self) -> int:
        """The HTTP status."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers (case-insensitive)."""
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The API's id for this request (`x-goog-request-id`), for support tickets and logs."""
        value = self.http_response.headers.get(_REQUEST_ID_HEADER)
        return None if value is None else str(value)

    @property
    def url(self) -> str:
        """The URL the request went to (after redirects)."""
        return str(self.http_response.url)

    @property
    def elapsed_seconds(self) -> float | None:
        """Seconds from sending to the end of the body (None for a stream not yet read)."""
        try:
            return self.http_response.elapsed.total_seconds()
        except RuntimeError:  # httpx sets `elapsed` once the body is closed
            return None

    @property
    def content(self) -> bytes:
        """The body's bytes (for a stream: read it through `parse()` instead)."""
        return self.http_response.content

    @property
    def text(self) -> str:
        """The body as text (for a stream: read it through `parse()` instead)."""
        return self.http_response.text

    def parse(self) -> _T:
        """The value the ordinary method returns (parsed once; later calls return it again)."""
        if self._parsed is None:
            self._parsed = (self._parse(),)
        return self._parsed[0]

    def __repr__(self) -> str:
        return f"<RawResponse {self.status_code} request_id={self.request_id!r}>"


def raw_response(method: Callable[_P, _T]) -> Callable[_P, RawResponse[_T]]:
    """`method` (a resource method), returning the raw response of its call."""

    @functools.wraps(method)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> RawResponse[_T]:
        token = _RAW_REQUESTED.set(True)
        try:
            return method(*args, **kwargs)  # type: ignore[return-value]
        finally:
            _RAW_REQUESTED.reset(token)

    return wrapped


def async_raw_response(
    method: Callable[_P, Awaitable[_T]],
) -> Callable[_P, Awaitable[RawResponse[_T]]]:
    """`raw_response` for the methods of an `AsyncClient`."""

    @functools.wraps(method)
    async def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> RawResponse[_T]:
        token = _RAW_REQUESTED.set(True)
        try:
            return await method(*args, **kwargs)  # type: ignore[return-value]
        finally:
            _RAW_REQUESTED.reset(token)

    return wrapped
