"""Every error the client raises, rooted at `GeminiError`.

    GeminiError
    ├── APIConnectionError        the request never got an HTTP answer
    │   └── APITimeoutError       ... because it timed out
    ├── APIStatusError            the API answered with an error status
    │   ├── BadRequestError               400
    │   ├── AuthenticationError           401
    │   ├── PermissionDeniedError         403
    │   ├── NotFoundError                 404
    │   ├── ConflictError                 409
    │   ├── UnprocessableEntityError      422
    │   ├── RateLimitError                429
    │   └── InternalServerError           5xx
    ├── APIResponseValidationError  a successful answer whose body is not JSON
    ├── RequestValidationError      an argument refused before sending (also a ValueError and a
    │                               TypeError): names the parameter path
    ├── RequestRuleError            a request breaks a rule the API enforces (live facts)
    ├── StreamError               a stream ended badly (see the streaming module)
    └── ResponseLimitError        an answer broke a size limit or could not be decoded

A successful answer whose JSON breaks the schema is not an error: it is parsed with the
fallback of `_tolerant` (nothing lost, `validation_problems` says what did not fit).

Status errors carry the status, the parsed error body (`message`, `code`, `status`), the
request id from `x-goog-request-id` — the header the API sends (fact W11; Google's SDK reads
`x-request-id` and always gets nothing, W95) — and the request's method and URL. The API key
travels only in a header, so no message or attribute ever contains it: a server that echoes it
back gets it replaced by `***`, and a `user:password@` part of the URL is left out of messages.

Every error pickles and copies (`pickle`, `copy.copy`); the `response` (and with it the request
and its headers, the key among them) is left out of the pickled or copied state.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # httpx loads with the first request
    import httpx


__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "GeminiError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestValidationError",
    "ResponseLimitError",
    "StreamError",
    "UnprocessableEntityError",
]


class GeminiError(Exception):
    """Base class of every error this client raises."""

    may_have_been_processed: bool = False
    """True when a non-idempotent request failed after it may have reached the server: the work
    it asked for (a billed generation, a background run) may have started; check before retrying."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt without calling `__init__` (whose arguments differ per class); the response
        # holds the request's headers (the key), so it is not part of the state.
        state = {key: None if key == "response" else value for key, value in vars(self).items()}
        return (_rebuild, (type(self), self.args), state)


def _rebuild(cls: type[GeminiError], args: tuple[Any, ...]) -> GeminiError:
    error = cls.__new__(cls)
    error.args = args
    return error


def _public_url(url: str) -> str:
    """`url` without a `user:password@` part (it may hold a credential)."""
    scheme, separator, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    if not separator or "@" not in host:
        return url
    return f"{scheme}://{host.rpartition('@')[2]}{slash}{path}"


_REDACT_MIN_LENGTH = 8
"""Keys shorter than this are not redacted from text: no real key is that short, and replacing
every `k` of a message for the test key `"k"` would only garble it."""


def _redact_secret(text: str, secret: str) -> str:
    """`text` with `secret` (an API key) replaced by `***`, when it is long enough to be one."""
    if len(secret) < _REDACT_MIN_LENGTH or secret not in text:
        return text
    return text.replace(secret, "***")


def _redact(text: str, response: httpx.Response) -> str:
    """`text` with the request's API key (if a server echoed it back) replaced by `***`."""
    return _redact_secret(text, response.request.headers.get("x-goog-api-key", ""))


class APIConnectionError(GeminiError):
    """The request could not be sent or no response arrived."""

    def __init__(self, message: str, *, method: str, url: str) -> None:
        url = _public_url(url)
        super().__init__(f"{message} ({method} {url})")
        self.method = method
        self.url = url


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class APIResponseValidationError(GeminiError):
    """A successful answer whose body is not JSON (truncated, a proxy's HTML page, empty)."""

    def __init__(self, response: httpx.Response, reason: str) -> None:
        request = response.request
        self.response = response
        self.status_code = response.status_code
        self.content_type: str | None = response.headers.get("content-type")
        self.body_start: bytes = response.content[:200]
        self.method = request.method
        self.url = _public_url(str(request.url))
        self.request_id: str | None = response.headers.get("x-goog-request-id")
        request_id = f", request id {self.request_id}" if self.request_id else ""
        super().__init__(
            f"{self.status_code} answer is not JSON ({reason}; content type "
            f"{self.content_type or 'none'}, {len(response.content)} bytes, starting "
            f"{self.body_start[:80]!r}) ({self.method} {self.url}{request_id})"
        )


class APIStatusError(GeminiError):
    """The API answered with an error status."""

    status_code: int

    def __init__(self, response: httpx.Response, body: Any) -> None:
        request = response.request
        self.status_code = response.status_code
        self.response = response
        self.body = _redacted_body(body, response)
        self.method = request.method
        self.url = _public_url(str(request.url))
        self.request_id: str | None = response.headers.get("x-goog-request-id")
        error = body.get("error") if isinstance(body, dict) else None
        error = error if isinstance(error, dict) else {}
        text = response.text if body is None else ""
        message = str(error.get("message") or text[:200] or response.reason_phrase)
        self.message: str = _redact(message, response)
        self.code: Any = error.get("code")
        self.status: str | None = error.get("status")
        request_id = f", request id {self.request_id}" if self.request_id else ""
        super().__init__(
            f"{self.status_code} {response.reason_phrase}: {self.message} "
            f"({self.method} {self.url}{request_id})"
        )


def _redacted_body(body: Any, response: httpx.Response) -> Any:
    """An error body with an echoed API key replaced by `***` (parsed bodies are small)."""
    if body is None:
        return None
    text = json.dumps(body)
    redacted = _redact(text, response)
    return body if redacted is text else json.loads(redacted)


class BadRequestError(APIStatusError):
    """400: the request is invalid (unknown parameter, bad enum value, rule broken...)."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing or invalid."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not do this (or, right after a background create, not yet)."""


class NotFoundError(APIStatusError):
    """404: no such resource (or, right after a background create, not yet visible)."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's state."""


class UnprocessableEntityError(APIStatusError):
    """422: the request is well-formed but cannot be processed."""


class RateLimitError(APIStatusError):
    """429: too many requests; retried by default, honouring Retry-After."""


class InternalServerError(APIStatusError):
    """5xx: the API failed; retried by default."""


class RequestValidationError(GeminiError, ValueError, TypeError):
    """An argument the client refuses before sending anything.

    `path` is where in the request the problem is (`generation_config.temperature`, `input`);
    the message says what was expected. It is a `ValueError` (a bad value) and a `TypeError` (a
    missing or unknown argument) as Python code expects either.
    """

    def __init__(self, message: str, *, path: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.path = path
        self.problems = problems or (message,)


class StreamError(GeminiError):
    """A stream reported an error or ended without a terminal event.

    When the API reported the error (an `error` event, or a JSON error body where events were
    expected), `message`, `code` and `status` are read from it in either shape the API uses
    (W100): google.rpc `{"code": 429, "message": ..., "status": "RESOURCE_EXHAUSTED"}` or
    `{"code": "resource_exhausted", "message": ...}` (a string code, no status); otherwise they
    are None.
    """

    def __init__(self, message: str, *, body: Any = None, events_received: int = 0) -> None:
        super().__init__(message)
        self.body = body
        self.events_received = events_received
        reported = body.get("error", body) if isinstance(body, dict) else None
        reported = reported if isinstance(reported, dict) else {}
        text = reported.get("message")
        status = reported.get("status")
        self.message: str | None = text if isinstance(text, str) else None
        self.code: int | str | None = (
            reported.get("code") if isinstance(reported.get("code"), int | str) else None
        )
        self.status: str | None = status if isinstance(status, str) else None


class ResponseLimitError(GeminiError):
    """An answer broke one of the client's limits (decompressed size, event size, JSON nesting)
    or its compressed body could not be decoded; `limit` names the limit (None for a body that
    does not decode). Nothing of the rest of the body is read."""

    def __init__(self, message: str, *, limit: str | None, method: str, url: str) -> None:
        url = _public_url(url)
        super().__init__(f"{message} ({method} {url})")
        self.limit = limit
        self.method = method
        self.url = url


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def _status_error(response: httpx.Response) -> APIStatusError:
    """The typed error for an error response (its body must already be read)."""
    try:
        body: Any = json.loads(response.content) if response.content else None
    except (ValueError, RecursionError):  # not JSON, or nested too deep to parse
        body = None
    cls = _BY_STATUS.get(response.status_code)
    if cls is None:
        cls = InternalServerError if response.status_code >= 500 else APIStatusError
    return cls(response, body)
