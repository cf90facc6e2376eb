# Copied from runtime/_core/_client_base.py by interactions-codegen; edit it there.
"""The transport under the generated clients: URLs, headers, auth, retries, errors, logging.

- `ClientCore` holds what sync and async clients share and builds every `httpx.Request`: the
  base URL is joined with slash normalization (a base that already ends in `/v1beta` works the
  same as one that does not, fact W84), path parameters are percent-encoded as single segments
  (and empty or dot-segment ids are refused, W13), the key goes only in the `x-goog-api-key`
  header, and the `Api-Revision` header is added except on exempt paths. The key goes to the
  configured origin only (`same_origin`; redirects are never followed, see the transports).
- `SyncTransport` / `AsyncTransport` (`_sync_transport`, `_async_transport`, one source) send a
  request, retry it according to a `RetryPolicy`
  (sleeping through an injectable function, so tests use a fake clock), and turn error answers
  into the typed errors of `_errors`.
- `RequestOptions` are the per-call escape hatches: extra headers, query and body fields, a
  timeout and a retry count.

Logging goes to `logging.getLogger("gemini_interactions")` at debug level: method, URL, status,
timing and retry decisions; never the key, never bodies. `GEMINI_LOG=debug|info` in the
environment prints it to standard error without any logging setup (in an application that
configured logging, its handlers print each record, once). `GOOGLE_GEMINI_BASE_URL` sets the
base URL when none is passed, as in Google's SDK.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache, cached_property, lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit, urlunsplit

from ._errors import (
    APIConnectionError,
    APITimeoutError,
    GeminiError,
    RequestValidationError,
    _public_url,
    _redact_secret,
    _status_error,
)
from ._request_checks import _SCALARS
from ._retry import DEFAULT_RETRY_POLICY, RetryPolicy, parse_retry_after
from ._values import Value

if TYPE_CHECKING:  # httpx loads with the first request
    import httpx

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_POOL",
    "LOG_ENV",
    "ClientCore",
    "PathParameter",
    "RequestOptions",
    "jsonable",
    "logger",
]

API_KEY_ENV = "GEMINI_API_KEY"
DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com"
BASE_URL_ENV = "GOOGLE_GEMINI_BASE_URL"
"""The base URL when the client is given none (the variable Google's SDK reads)."""
logger = logging.getLogger("gemini_interactions")
LOG_ENV = "GEMINI_LOG"
"""`GEMINI_LOG=debug` or `info` sends the package's log to standard error (set before the client
is built); without it the package only logs through handlers the application configures."""


def _configure_logging_from_env() -> None:
    level = {"debug": logging.DEBUG, "info": logging.INFO}.get(
        os.environ.get(LOG_ENV, "").strip().lower()
    )
    if level is None:
        return
    logger.setLevel(level)
    if not any(isinstance(h, _EnvLogHandler) for h in logger.handlers):
        handler = _EnvLogHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)


class _EnvLogHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The `GEMINI_LOG` handler: prints to standard error only while the application has no
    logging of its own (root handlers), whose handlers would print the record a second time."""

    def handle(self, record: logging.LogRecord) -> bool:
        if logger.propagate and logging.getLogger().handlers:
            return False
        return super().handle(record)


_VERSION_SEGMENT = re.compile(r"^v\d+(?:(?:alpha|beta)\d*)?$")
_DOT_SEGMENT = re.compile(r"^(?:\.|%2e){1,2}$", re.IGNORECASE)


_TIMEOUT_SETTINGS: dict[str, dict[str, float]] = {
    # ordinary calls: 10 s to connect, 60 s for each read, write and wait for a pooled connection
    "DEFAULT_TIMEOUT": {"timeout": 60.0, "connect": 10.0},
    # a call that generates (`interactions.create` without streaming): answers can take minutes
    "GENERATION_TIMEOUT": {"timeout": 60.0, "connect": 10.0, "read": 600.0},
    # streams: the read timeout is the longest silence allowed between two chunks of events
    "STREAM_TIMEOUT": {"timeout": 60.0, "connect": 10.0, "read": 300.0},
}
_TIMEOUT_OF_KIND = {
    "default": "DEFAULT_TIMEOUT",
    "generation": "GENERATION_TIMEOUT",
    "stream": "STREAM_TIMEOUT",
}


def _timeout(name: str) -> httpx.Timeout:
    import httpx

    settings = dict(_TIMEOUT_SETTINGS[name])
    return httpx.Timeout(settings.pop("timeout"), **settings)


def __getattr__(name: str) -> Any:
    # DEFAULT_TIMEOUT, GENERATION_TIMEOUT, STREAM_TIMEOUT as `httpx.Timeout`s, made on first use
    # so that importing the client does not import httpx
    if name in _TIMEOUT_SETTINGS:
        return _timeout(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class RequestOptions:
    """Per-call options: extra headers, query parameters and body fields, timeout, retries.

    A number as `timeout` limits each phase of the call and is also its total deadline (retries,
    a slowly sent body, a stream's events and resumes included); an `httpx.Timeout` limits
    the phases only.
    """

    extra_headers: Mapping[str, str] | None = None
    extra_query: Mapping[str, Any] | None = None
    extra_body: Mapping[str, Any] | None = None
    timeout: float | httpx.Timeout | None = None
    max_retries: int | None = None
    retry_non_idempotent: bool | None = None


class PathParameter(Value):
    """A value for a `{name}` in a path template; `allow_reserved` keeps `/` unescaped."""

    __slots__ = ("allow_reserved", "name", "value")

    def __init__(self, name: str, value: str, allow_reserved: bool = False) -> None:
        self.name = name
        self.value = value
        self.allow_reserved = allow_reserved


def jsonable(value: Any) -> Any:
    """Plain JSON data from models (by wire name, set fields only), mappings and sequences."""
    if type(value) in _SCALARS:
        return value
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


def _check_key(key: str, source: str) -> None:
    """Refuse a key that cannot travel in a header, saying what is wrong without echoing it."""
    if key != key.strip():
        where = "leading" if key[:1].isspace() else "trailing"
        raise GeminiError(
            f"the API key from {source} has {where} whitespace (a key read from a file often ends "
            f"in a newline): strip it, e.g. api_key=key.strip()"
        )
    bad = next((index for index, char in enumerate(key) if not 0x21 <= ord(char) <= 0x7E), None)
    if bad is not None:
        raise GeminiError(
            f"the API key from {source} contains a character that is not visible ASCII at "
            f"position {bad} (of {len(key)}); an API key is printable ASCII only"
        )


def _segment(parameter: PathParameter) -> str:
    value = str(parameter.value)
    if not value or _DOT_SEGMENT.match(value):
        raise RequestValidationError(
            f"{parameter.name} {value!r} is not a usable path segment (an id cannot be empty, "
            f"'.' or '..')",
            path=parameter.name,
        )
    if parameter.allow_reserved:
        if any(_DOT_SEGMENT.match(part) for part in value.split("/")):
            raise RequestValidationError(
                f"{parameter.name} {value!r} contains a dot segment", path=parameter.name
            )
        return quote(value, safe="/")
    return quote(value, safe="")


def _port(parts: Any) -> int | None:
    try:
        port: int | None = parts.port
    except ValueError:  # not a number
        return -1
    if port is None:
        return {"https": 443, "http": 80}.get(parts.scheme.lower())
    return port


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
        timeout: float | httpx.Timeout | None,
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
        _check_key(key, "api_key" if api_key is not None else API_KEY_ENV)
        _configure_logging_from_env()
        self._api_key = key
        raw_base_url = base_url or os.environ.get(BASE_URL_ENV, "").strip() or DEFAULT_BASE_URL
        origin, base_path, version_in_url = self._split_base_url(raw_base_url)
        self.base_url = origin + base_path
        self.base_query = urlsplit(raw_base_url.strip()).query
        """The base URL's query string, which live sessions keep (HTTP calls send their own)."""
        self.api_version = api_version or version_in_url or "v1beta"
        self.api_revision = api_revision
        self.revision_exempt_prefixes = revision_exempt_prefixes
        self.timeout = timeout
        policy = retry_policy or DEFAULT_RETRY_POLICY
        if max_retries is not None:
            policy = _with_max_retries(policy, max_retries)
        self.retry_policy = policy
        self.default_headers = dict(default_headers or {})
        self._package_version = package_version
        self._revision_by_path: dict[tuple[str, str], bool] = {}
        self._built_headers: dict[tuple[tuple[str, str], ...], httpx.Headers] = {}

    @cached_property
    def user_agent(self) -> str:
        """`gemini-interactions/<version> python/<version> httpx/<version>`."""
        import platform

        import httpx

        return (
            f"gemini-interactions/{self._package_version} python/{platform.python_version()} "
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
            f"{type(self).__name__}(base_url={_public_url(self.base_url)!r}, "
            f"api_version={self.api_version!r}, "
            f"api_revision={self.api_revision!r}, api_key='***')"
        )

    def auth_headers(self) -> dict[str, str]:
        """The authentication header: the key travels nowhere else."""
        return {"x-goog-api-key": self._api_key}

    def same_origin(self, url: str) -> bool:
        """True when `url` has the configured base URL's scheme, host and port (the only
        place the key may go)."""
        theirs, ours = urlsplit(url), urlsplit(self.base_url)
        return (theirs.scheme.lower(), theirs.hostname, _port(theirs)) == (
            ours.scheme.lower(),
            ours.hostname,
            _port(ours),
        )

    def url_for(self, template: str, path_parameters: tuple[PathParameter, ...] = ()) -> str:
        """The full URL of a path template such as `/{api_version}/interactions/{id}`."""
        path = template.replace("{api_version}", self.api_version)
        for parameter in path_parameters:
            path = path.replace("{" + parameter.name + "}", _segment(parameter))
        return self.base_url + "/" + path.lstrip("/")

    def _sends_revision(self, template: str) -> bool:
        """False for a path under one of the revision-exempt prefixes (decided once a path)."""
        key = (self.api_version, template)
        sends = self._revision_by_path.get(key)
        if sends is None:
            path = template.replace("{api_version}", self.api_version)
            sends = self._revision_by_path[key] = not any(
                path.startswith(prefix) for prefix in self.revision_exempt_prefixes
            )
        return sends

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
        timeout_kind: str = "default",
        body_is_json: bool = False,
    ) -> httpx.Request:
        """An `httpx.Request` with auth, revision, user agent, query and JSON body.

        `body_is_json` says the body is plain JSON data already (a model's `to_dict()`), so it
        is not walked again for models to convert.

        The timeout is the call's `timeout=`, else the client's, else the default of its kind
        (`DEFAULT_TIMEOUT`, `GENERATION_TIMEOUT` or `STREAM_TIMEOUT`).
        """
        options = options or _NO_OPTIONS
        url = self.url_for(template, path_parameters)
        params: dict[str, Any] = {}
        if query:
            params.update((k, _query_value(v)) for k, v in query.items() if v is not None)
        if options.extra_query:
            params.update((k, _query_value(v)) for k, v in options.extra_query.items())
        all_headers = {"user-agent": self.user_agent, **self.default_headers}
        if self.api_revision and self._sends_revision(template):
            all_headers["api-revision"] = self.api_revision
        if headers:  # header parameters: unset ones are left out, the rest go as text
            all_headers.update((k, str(v)) for k, v in headers.items() if v is not None)
        if options.extra_headers:
            all_headers.update(options.extra_headers)
        all_headers.update(self.auth_headers())
        content = None
        if body is not None or options.extra_body:
            payload = (body if body_is_json else jsonable(body)) if body is not None else {}
            if options.extra_body:
                if not isinstance(payload, dict):
                    raise ValueError("extra_body needs a JSON object body")
                payload = {**payload, **jsonable(dict(options.extra_body))}
            content = _encode_json(payload)
            all_headers["content-type"] = "application/json"
        import httpx

        timeout = options.timeout if options.timeout is not None else self.timeout
        if timeout is None:
            timeout = _timeouts()[timeout_kind]
        return httpx.Request(
            method,
            _parsed_url(url),
            params=params or None,  # no query: httpx keeps the parsed URL as it is
            headers=self._headers(all_headers),
            content=content,
            extensions={"timeout": _timeout_dict(timeout)},
        )

    def _headers(self, headers: dict[str, str]) -> httpx.Headers:
        """`headers` as httpx's `Headers`, normalized once per distinct set: a request copies
        a `Headers` as it is, where a dict costs a normalization of every name and value."""
        key = tuple(headers.items())
        built = self._built_headers.get(key)
        if built is None:
            import httpx

            if len(self._built_headers) >= 32:  # bounded: per-call header values vary
                self._built_headers.clear()
            built = self._built_headers[key] = httpx.Headers(headers)
        return built

    def policy_for(self, options: RequestOptions | None) -> RetryPolicy:
        """The retry policy of one call."""
        policy = self.retry_policy
        if options is not None and options.max_retries is not None:
            policy = _with_max_retries(policy, options.max_retries)
        if options is not None and options.retry_non_idempotent is not None:
            policy = replace(policy, retry_non_idempotent=options.retry_non_idempotent)
        return policy


_NO_OPTIONS = RequestOptions()


def _encode_json(payload: Any) -> bytes:
    """A request body as compact UTF-8 JSON, by pydantic-core's serializer (~7x faster than
    `json.JSONEncoder` on a small body; the same text but for the shortest float spellings such
    as `1e-7`; NaN and infinities written as `json` writes them). Loaded with the first body."""
    from pydantic_core import to_json

    return to_json(payload, inf_nan_mode="constants")


def _timeout_dict(timeout: Any) -> dict[str, float | None]:
    """The `timeout` extension httpx reads, a fresh dict each request (transports may cap it)."""
    import httpx

    if type(timeout) is httpx.Timeout:  # the defaults and most clients' own: unhashable
        return timeout.as_dict()
    try:
        return dict(_cached_timeout_dict(timeout))
    except TypeError:  # a value that cannot be hashed
        return httpx.Timeout(timeout).as_dict()


@lru_cache(maxsize=64)  # bounded: a caller may compute a new timeout for every call
def _cached_timeout_dict(timeout: Any) -> dict[str, float | None]:
    import httpx

    return httpx.Timeout(timeout).as_dict()


_PARSED_URLS: dict[str, httpx.URL] = {}
"""URLs parsed once: parsing a URL through httpx is about a third of building a request, and
`httpx.URL` is immutable. Bounded: cleared when full (paths carry ids)."""


def _parsed_url(url: str) -> httpx.URL:
    parsed = _PARSED_URLS.get(url)
    if parsed is None:
        import httpx

        if len(_PARSED_URLS) >= 256:
            _PARSED_URLS.clear()
        parsed = _PARSED_URLS[url] = httpx.URL(url)
    return parsed


def _with_max_retries(policy: RetryPolicy, max_retries: int) -> RetryPolicy:
    return replace(policy, max_retries=max(0, max_retries))


async def _asyncio_sleep(seconds: float) -> None:
    import asyncio  # only async clients need it; importing it costs a sync user ~25 ms

    await asyncio.sleep(seconds)


def _redacted(request: httpx.Request) -> str:
    return f"{request.method} {_public_url(str(request.url))}"


DEFAULT_POOL = {"max_connections": 1000, "max_keepalive_connections": 100}
"""The connection pool of a client this package makes: 1,000 concurrent calls, 100 kept alive
(as the Stainless SDKs); bring an `httpx.Client(limits=...)` for other sizes."""


def _new_pool_limits() -> httpx.Limits:
    import httpx

    return httpx.Limits(**DEFAULT_POOL)


def _proxy_failure(error: ImportError) -> GeminiError:
    """The error for an HTTP client that cannot be made (a SOCKS proxy without `socksio`)."""
    return GeminiError(
        f"cannot create the HTTP client: {error} (a SOCKS proxy from ALL_PROXY / HTTPS_PROXY "
        f"needs `pip install httpx[socks]`; or pass http_client=httpx.Client(trust_env=False))"
    )


_FORKS = [0]


def _count_fork() -> None:
    _FORKS[0] += 1


if hasattr(os, "register_at_fork"):  # POSIX: a child process starts with fresh connections
    os.register_at_fork(after_in_child=_count_fork)


def _fork_count() -> int:
    """How many times this process is a forked child (changes in the child after a fork)."""
    return _FORKS[0]


def _capped_timeout(request: httpx.Request, left: float) -> dict[str, float | None]:
    """`request`'s timeouts, none longer than `left` seconds (a call's remaining time); a phase
    at most 10 ms longer is left as it is (a call's first attempt keeps its own `timeout=`)."""
    current = request.extensions.get("timeout") or {}
    capped: dict[str, float | None] = {}
    for phase in ("connect", "read", "write", "pool"):
        value = current.get(phase)
        capped[phase] = left if value is None or value > left + 0.01 else value
    return capped


def _never_sent(error: Exception) -> bool:
    """A transport failure before the request reached the server: safe to retry for any method."""
    import httpx

    return isinstance(error, httpx.ConnectError | httpx.ConnectTimeout)


@cache
def _timeouts() -> dict[str, httpx.Timeout]:
    return {kind: _timeout(name) for kind, name in _TIMEOUT_OF_KIND.items()}


class _Attempts(Value):
    """The retry bookkeeping of one request, shared by both transports."""

    __slots__ = ("clock", "policy", "retry", "started")

    def __init__(
        self, policy: RetryPolicy, started: float, clock: Callable[[], float], retry: int = 0
    ) -> None:
        self.policy = policy
        self.started = started
        self.clock = clock
        self.retry = retry

    def after_status(self, request: httpx.Request, response: httpx.Response) -> float | None:
        idempotent = not self.policy.unsafe_to_retry(request.method)
        wait = self.policy.delay(
            self.retry,
            self.clock() - self.started,
            status=response.status_code,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
            idempotent=idempotent,
        )
        self._log(request, f"status {response.status_code}", wait)
        return wait

    def after_transport_error(self, request: httpx.Request, error: Exception) -> float | None:
        import httpx

        if isinstance(error, httpx.PoolTimeout):
            self._log(request, "no pooled connection became free", None)
            return None  # the pool is full: waiting again only queues behind the same requests
        if self.policy.unsafe_to_retry(request.method) and not _never_sent(error):
            self._log(request, f"{type(error).__name__} after sending", None)
            return None
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


_CHECK_BEFORE_RETRYING = (
    "the request may have been processed (it is not idempotent, so it was not retried): check "
    "before sending it again — a created interaction shows up in interactions.get(id) when its "
    "id is known, and a created background run keeps going — or pass "
    "retry_non_idempotent=True to retry anyway"
)


def _transport_error(
    request: httpx.Request, error: Exception, policy: RetryPolicy, secret: str
) -> APIConnectionError:
    """The client's error for a transport failure; it never carries the key (not even chained)."""
    import httpx

    detail = _redact_secret(str(error), secret)
    name = type(error).__name__
    processed = policy.unsafe_to_retry(request.method) and not _never_sent(error)
    if isinstance(error, httpx.PoolTimeout):
        return APITimeoutError(
            "no connection of the pool became free in time (all were busy); raise the pool's "
            "size with http_client=httpx.Client(limits=httpx.Limits(max_connections=...)) or "
            "the pool timeout with timeout=httpx.Timeout(..., pool=...)",
            method=request.method,
            url=str(request.url),
        )
    if isinstance(error, httpx.TimeoutException):
        message = f"request timed out ({name})"
        if processed:
            message += f"; {_CHECK_BEFORE_RETRYING}"
        failure: APIConnectionError = APITimeoutError(
            message, method=request.method, url=str(request.url)
        )
    else:
        message = f"connection failed: {name}: {detail}" if detail else f"connection failed: {name}"
        if processed:
            message += f"; {_CHECK_BEFORE_RETRYING}"
        failure = APIConnectionError(message, method=request.method, url=str(request.url))
    failure.may_have_been_processed = processed
    return failure


def _status_failure(request: httpx.Request, response: httpx.Response, policy: RetryPolicy) -> Any:
    error = _status_error(response)
    if 300 <= response.status_code < 400:
        where = _public_url(response.headers.get("location", "(no location)"))[:200]
        error.args = (
            f"{error.args[0]}; redirect to {where} not followed: the key goes to the configured "
            f"base_url only (set base_url to the new address if you trust it)",
        )
    if (
        response.status_code >= 500
        and policy.unsafe_to_retry(request.method)
        and response.status_code not in policy.non_idempotent_statuses
    ):
        error.may_have_been_processed = True
        error.args = (f"{error.args[0]}; {_CHECK_BEFORE_RETRYING}",)
    return error


def _secret(request: httpx.Request) -> str:
    secret: str = request.headers.get("x-goog-api-key", "")
    return secret
