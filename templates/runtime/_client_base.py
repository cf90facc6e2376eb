"""The transport under the generated clients: URLs, headers, auth, retries, errors, logging.

- `ClientCore` holds what sync and async clients share and builds every `httpx.Request`: the
  base URL is joined with slash normalization (a base that already ends in `/v1beta` works the
  same as one that does not), path parameters are percent-encoded as single segments (and empty
  or dot-segment ids are refused), the key goes only in the `x-goog-api-key` header, and the
  `Api-Revision` header is added except on exempt paths.
- `SyncTransport` / `AsyncTransport` send a request, retry it according to a `RetryPolicy`
  (sleeping through an injectable function, so tests use a fake clock), and turn error answers
  into the typed errors of `_errors`.
- `RequestOptions` are the per-call escape hatches: extra headers, query and body fields, a
  timeout and a retry count.

Logging goes to `logging.getLogger("gemini_interactions")` at debug level: method, URL, status,
timing and retry decisions; never the key, never bodies.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from ._errors import APIConnectionError, APITimeoutError, GeminiError, status_error
from ._retry import DEFAULT_RETRY_POLICY, RetryPolicy, parse_retry_after

__all__ = [
    "API_KEY_ENV",
    "DEFAULT_BASE_URL",
    "AsyncTransport",
    "ClientCore",
    "PathParameter",
    "RequestOptions",
    "SyncTransport",
    "jsonable",
    "logger",
]

API_KEY_ENV = "GEMINI_API_KEY"
DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com"
logger = logging.getLogger("gemini_interactions")
_VERSION_SEGMENT = re.compile(r"^v\d+(?:(?:alpha|beta)\d*)?$")
_DOT_SEGMENT = re.compile(r"^(?:\.|%2e){1,2}$", re.IGNORECASE)


@dataclass(frozen=True)
class RequestOptions:
    """Per-call options: extra headers, query parameters and body fields, timeout, retries."""

    extra_headers: Mapping[str, str] | None = None
    extra_query: Mapping[str, Any] | None = None
    extra_body: Mapping[str, Any] | None = None
    timeout: float | httpx.Timeout | None = None
    max_retries: int | None = None


@dataclass(frozen=True)
class PathParameter:
    """A value for a `{name}` in a path template; `allow_reserved` keeps `/` unescaped."""

    name: str
    value: str
    allow_reserved: bool = False


def jsonable(value: Any) -> Any:
    """Plain JSON data from models (by wire name, set fields only), mappings and sequences."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return [_query_value(item) for item in value]
    return value


def _segment(parameter: PathParameter) -> str:
    value = str(parameter.value)
    if not value or _DOT_SEGMENT.match(value):
        raise ValueError(f"{parameter.name} {value!r} is not a usable path segment")
    if parameter.allow_reserved:
        if any(_DOT_SEGMENT.match(part) for part in value.split("/")):
            raise ValueError(f"{parameter.name} {value!r} contains a dot segment")
        return quote(value, safe="/")
    return quote(value, safe="")


class ClientCore:
    """Configuration shared by the sync and async clients, and request building."""

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        api_version: str | None,
        api_revision: str | None,
        revision_exempt_prefixes: tuple[str, ...],
        timeout: float | httpx.Timeout,
        retry_policy: RetryPolicy | None,
        max_retries: int | None,
        default_headers: Mapping[str, str] | None,
        package_version: str,
    ) -> None:
        key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
        if not key:
            raise GeminiError(
                f"no API key: pass api_key=... to the client or set the {API_KEY_ENV} environment "
                f"variable"
            )
        self._api_key = key
        origin, base_path, version_in_url = self._split_base_url(base_url or DEFAULT_BASE_URL)
        self.base_url = origin + base_path
        self.api_version = api_version or version_in_url or "v1beta"
        self.api_revision = api_revision
        self.revision_exempt_prefixes = revision_exempt_prefixes
        self.timeout = timeout
        policy = retry_policy or DEFAULT_RETRY_POLICY
        if max_retries is not None:
            policy = _with_max_retries(policy, max_retries)
        self.retry_policy = policy
        self.default_headers = dict(default_headers or {})
        self.user_agent = (
            f"gemini-interactions/{package_version} python/{platform.python_version()} "
            f"httpx/{httpx.__version__}"
        )

    @staticmethod
    def _split_base_url(base_url: str) -> tuple[str, str, str | None]:
        parts = urlsplit(base_url.strip())
        if not parts.scheme or not parts.netloc:
            raise ValueError(f"base_url must be an absolute URL, got {base_url!r}")
        segments = [segment for segment in parts.path.split("/") if segment]
        version = None
        if segments and _VERSION_SEGMENT.match(segments[-1]):
            version = segments.pop()
        origin = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        return origin, "".join(f"/{segment}" for segment in segments), version

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, api_version={self.api_version!r}, "
            f"api_revision={self.api_revision!r}, api_key='***')"
        )

    def auth_headers(self) -> dict[str, str]:
        """The authentication header: the key travels nowhere else."""
        return {"x-goog-api-key": self._api_key}

    def url_for(self, template: str, path_parameters: tuple[PathParameter, ...] = ()) -> str:
        """The full URL of a path template such as `/{api_version}/interactions/{id}`."""
        path = template.replace("{api_version}", self.api_version)
        for parameter in path_parameters:
            path = path.replace("{" + parameter.name + "}", _segment(parameter))
        return self.base_url + "/" + path.lstrip("/")

    def build_request(
        self,
        method: str,
        template: str,
        *,
        path_parameters: tuple[PathParameter, ...] = (),
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        headers: Mapping[str, Any] | None = None,
        options: RequestOptions | None = None,
    ) -> httpx.Request:
        """An `httpx.Request` with auth, revision, user agent, query and JSON body."""
        options = options or RequestOptions()
        url = self.url_for(template, path_parameters)
        params = {
            key: _query_value(value) for key, value in (query or {}).items() if value is not None
        }
        params.update(
            {key: _query_value(value) for key, value in (options.extra_query or {}).items()}
        )
        all_headers = {"user-agent": self.user_agent, **self.default_headers}
        if self.api_revision and not any(
            template.replace("{api_version}", self.api_version).startswith(prefix)
            for prefix in self.revision_exempt_prefixes
        ):
            all_headers["api-revision"] = self.api_revision
        # header parameters: unset ones are left out, the rest go as text
        all_headers.update({k: str(v) for k, v in (headers or {}).items() if v is not None})
        all_headers.update(options.extra_headers or {})
        all_headers.update(self.auth_headers())
        content = None
        if body is not None or options.extra_body:
            payload = jsonable(body) if body is not None else {}
            if options.extra_body:
                if not isinstance(payload, dict):
                    raise ValueError("extra_body needs a JSON object body")
                payload = {**payload, **jsonable(dict(options.extra_body))}
            content = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
            all_headers["content-type"] = "application/json"
        timeout = options.timeout if options.timeout is not None else self.timeout
        return httpx.Request(
            method,
            url,
            params=params,
            headers=all_headers,
            content=content,
            extensions={"timeout": httpx.Timeout(timeout).as_dict()},
        )

    def policy_for(self, options: RequestOptions | None) -> RetryPolicy:
        """The retry policy of one call."""
        if options is not None and options.max_retries is not None:
            return _with_max_retries(self.retry_policy, options.max_retries)
        return self.retry_policy


def _with_max_retries(policy: RetryPolicy, max_retries: int) -> RetryPolicy:
    return replace(policy, max_retries=max(0, max_retries))


async def _asyncio_sleep(seconds: float) -> None:
    import asyncio  # only async clients need it; importing it costs a sync user ~25 ms

    await asyncio.sleep(seconds)


def _redacted(request: httpx.Request) -> str:
    return f"{request.method} {request.url}"


@dataclass
class _Attempts:
    """The retry bookkeeping of one request, shared by both transports."""

    policy: RetryPolicy
    started: float
    clock: Callable[[], float]
    retry: int = 0
    errors: list[str] = field(default_factory=list)

    def after_status(self, request: httpx.Request, response: httpx.Response) -> float | None:
        wait = self.policy.delay(
            self.retry,
            self.clock() - self.started,
            status=response.status_code,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
        )
        self._log(request, f"status {response.status_code}", wait)
        return wait

    def after_transport_error(self, request: httpx.Request, error: Exception) -> float | None:
        wait = self.policy.delay(self.retry, self.clock() - self.started, connection_error=True)
        self._log(request, type(error).__name__, wait)
        return wait

    def _log(self, request: httpx.Request, cause: str, wait: float | None) -> None:
        if wait is None:
            logger.debug("%s: %s, not retrying (retry %d)", _redacted(request), cause, self.retry)
        else:
            logger.debug(
                "%s: %s, retrying in %.2fs (retry %d)",
                _redacted(request),
                cause,
                wait,
                self.retry + 1,
            )
            self.retry += 1


def _connection_error(request: httpx.Request, error: Exception) -> APIConnectionError:
    cls = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
    message = (
        "request timed out"
        if cls is APITimeoutError
        else f"connection failed: {type(error).__name__}"
    )
    return cls(message, method=request.method, url=str(request.url))


class SyncTransport:
    """Sends requests over an `httpx.Client` with retries and typed errors."""

    def __init__(
        self,
        http_client: httpx.Client | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._owns_client = http_client is None
        self.http = http_client or httpx.Client()
        self.sleep = sleep
        self.clock = clock

    def send(
        self, request: httpx.Request, policy: RetryPolicy, *, stream: bool = False
    ) -> httpx.Response:
        """Send `request`, retrying per `policy`; return a 2xx response or raise."""
        attempts = _Attempts(policy, self.clock(), self.clock)
        while True:
            started = self.clock()
            try:
                response = self.http.send(request, stream=stream)
            except httpx.TransportError as error:
                wait = attempts.after_transport_error(request, error)
                if wait is None:
                    raise _connection_error(request, error) from error
                self.sleep(wait)
                continue
            logger.debug(
                "%s -> %d in %.1f ms",
                _redacted(request),
                response.status_code,
                (self.clock() - started) * 1000,
            )
            if response.is_success:
                return response
            response.read()
            response.close()
            wait = attempts.after_status(request, response)
            if wait is None:
                raise status_error(response)
            self.sleep(wait)

    def close(self) -> None:
        """Close the underlying client if this transport created it."""
        if self._owns_client:
            self.http.close()


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
        self.http = http_client or httpx.AsyncClient()
        self.sleep = sleep or _asyncio_sleep
        self.clock = clock

    async def send(
        self, request: httpx.Request, policy: RetryPolicy, *, stream: bool = False
    ) -> httpx.Response:
        """Send `request`, retrying per `policy`; return a 2xx response or raise."""
        attempts = _Attempts(policy, self.clock(), self.clock)
        while True:
            started = self.clock()
            try:
                response = await self.http.send(request, stream=stream)
            except httpx.TransportError as error:
                wait = attempts.after_transport_error(request, error)
                if wait is None:
                    raise _connection_error(request, error) from error
                await self.sleep(wait)
                continue
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
                raise status_error(response)
            await self.sleep(wait)

    async def close(self) -> None:
        """Close the underlying client if this transport created it."""
        if self._owns_client:
            await self.http.aclose()
