"""The limits on what a server may send, and the bounded decoding of response bodies.

- `ResponseLimits` (a client option, `Client(limits=...)`): the largest decompressed body
  (`max_body_bytes`, 128 MiB), the largest server-sent event, comment lines included
  (`max_event_bytes`, 64 MiB) — both far above the largest legitimate interactions (a few MB) —
  and the JSON nesting the parsers accept (`json_nesting`: pydantic validates 200 levels, deeper
  parts are kept as received; JSON nested past Python's recursion limit, about 1,000 levels,
  is refused).
- `BodyDecoder`: turns the raw bytes of a response into its content, inflating `gzip` and
  `deflate` in pieces of at most 64 KiB, so a compression bomb stops at the limit instead of
  being inflated in full; other encodings go through httpx's decoders. An encoding that does
  not decode raises `ResponseLimitError`, never an httpx error.
- `Deadline`: the total deadline of one call (its numeric `timeout=`), checked between reads.

Every overrun raises `ResponseLimitError` (or `APITimeoutError` for a deadline) naming the limit.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._errors import APITimeoutError, ResponseLimitError
from ._values import Value

if TYPE_CHECKING:  # httpx loads with the first request
    import httpx

__all__ = [
    "DEFAULT_LIMITS",
    "NESTING_PROBLEM",
    "BodyDecoder",
    "Deadline",
    "ResponseLimits",
    "event_too_large",
    "nesting_error",
    "request_of",
]

NESTING_PROBLEM = (
    "is JSON nested too deeply to parse (limit json_nesting: deeper than Python's recursion "
    "limit, about 1,000 levels)"
)
"""How an error names JSON nested past what the parsers can read."""

_PIECE = 64 * 1024


@dataclass(frozen=True)
class ResponseLimits:
    """How much a server may send: `Client(limits=ResponseLimits(max_body_bytes=...))`."""

    max_body_bytes: int = 128 * 1024 * 1024
    """The largest response body after decompression (error bodies included)."""
    max_event_bytes: int = 64 * 1024 * 1024
    """The largest server-sent event (its lines, comments included, before the blank line)."""


DEFAULT_LIMITS = ResponseLimits()


def request_of(response: httpx.Response) -> httpx.Request | None:
    """The request of `response` (None for a response built without one)."""
    try:
        return response.request
    except RuntimeError:
        return None


def _where(request: httpx.Request | None) -> dict[str, str]:
    if request is None:
        return {"method": "GET", "url": "(unknown URL)"}
    return {"method": request.method, "url": str(request.url)}


def _too_large(
    what: str, limit: str, value: int, request: httpx.Request | None
) -> ResponseLimitError:
    return ResponseLimitError(
        f"{what} is larger than {limit}={value} bytes; nothing more of it was read (raise the "
        f"limit with Client(limits=ResponseLimits({limit}=...)) if the answer is legitimate)",
        limit=limit,
        **_where(request),
    )


def nesting_error(request: httpx.Request | None, what: str) -> ResponseLimitError:
    """The error for JSON nested deeper than the parsers accept."""
    return ResponseLimitError(
        f"{what} {NESTING_PROBLEM}",
        limit="json_nesting",
        **_where(request),
    )


class BodyDecoder:
    """Raw response bytes in, content out, at most `limit` bytes of it in total."""

    def __init__(self, response: httpx.Response, limit: int, *, what: str = "the answer") -> None:
        self._request = request_of(response)
        self.limit = limit
        self._what = what
        self.size = 0
        encoding = response.headers.get("content-encoding", "").strip().lower()
        self._zlib: zlib._Decompress | None = None
        self._other: Callable[[bytes], bytes] | None = None
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj()
        elif encoding not in ("", "identity"):
            decoder = response._get_content_decoder()  # httpx's own, for the rarer encodings
            self._other = decoder.decode
        self._encoding = encoding
        self.plain = self._zlib is None and self._other is None
        """No content-encoding: the raw bytes are the content (the caller may count them)."""

    def feed(self, raw: bytes) -> Iterator[bytes]:
        """The content `raw` decodes to, in pieces; raises once the limit is passed."""
        try:
            if self._zlib is not None:
                piece = self._zlib.decompress(raw, _PIECE)
                while True:
                    yield self._count(piece)
                    tail = self._zlib.unconsumed_tail
                    if not tail:
                        break
                    piece = self._zlib.decompress(tail, _PIECE)
            elif self._other is not None:
                yield self._count(self._other(raw))
            else:
                yield self._count(raw)
        except zlib.error as error:
            raise self._undecodable(error) from None
        except ValueError as error:  # httpx.DecodingError (brotli, zstd) is a ValueError
            raise self._undecodable(error) from None

    def _count(self, piece: bytes) -> bytes:
        self.size += len(piece)
        if self.size > self.limit:
            raise self.too_large()
        return piece

    def too_large(self) -> ResponseLimitError:
        """The error for a body past the limit."""
        return _too_large(self._what, "max_body_bytes", self.limit, self._request)

    def _undecodable(self, error: Exception) -> ResponseLimitError:
        return ResponseLimitError(
            f"{self._what} does not decode as its content-encoding {self._encoding!r}: {error}",
            limit=None,
            **_where(self._request),
        )


def event_too_large(request: httpx.Request | None, limit: int) -> ResponseLimitError:
    """The error for a server-sent event larger than `max_event_bytes`."""
    return ResponseLimitError(
        f"a server-sent event is larger than max_event_bytes={limit} bytes; the stream was "
        f"closed (raise the limit with Client(limits=ResponseLimits(max_event_bytes=...)) if "
        f"the event is legitimate)",
        limit="max_event_bytes",
        **_where(request),
    )


class Deadline(Value):
    """The time (on `clock`) by which a whole call must be done."""

    __slots__ = ("at", "clock", "total")

    def __init__(self, at: float, total: float, clock: Callable[[], float]) -> None:
        self.at = at
        self.total = total
        self.clock = clock

    def remaining(self) -> float:
        """Seconds left (zero or less once passed)."""
        return self.at - self.clock()

    def check(self, request: httpx.Request) -> None:
        """Raise `APITimeoutError` once the deadline has passed."""
        if self.clock() > self.at:
            raise self.expired(request)

    def expired(self, request: httpx.Request) -> APITimeoutError:
        """The error of a call that ran out of time."""
        return APITimeoutError(
            f"the call did not finish within its timeout={self.total:g} s (a number given as a "
            f"call's timeout= bounds the whole call: connecting, every read, retries and "
            f"stream resumes)",
            method=request.method,
            url=str(request.url),
        )
