# Copied from runtime/_core/_async_client.py by interactions-codegen; edit it there.
"""The constant part of the generated clients: settings, `with_options`, the context manager
and `repr`. The generated `AsyncClient` derives from `AsyncClientBase` and adds its class
constants (package, version, API revision) and one attribute per resource; `Client` derives
from the sync twin, `SyncClientBase`, rewritten from this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, ClassVar, NamedTuple, Self

from ._async_api_client import AsyncAPIClient
from ._async_transport import AsyncTransport
from ._client_base import ClientCore
from ._limits import ResponseLimits
from ._retry import RetryPolicy

if TYPE_CHECKING:
    import httpx

__all__ = ["DEFAULT_REVISION", "AsyncClientBase", "ClientSettings"]


class _DefaultRevision:
    def __repr__(self) -> str:
        return "API_REVISION"


DEFAULT_REVISION = _DefaultRevision()
"""`api_revision=`'s default: the revision the client was generated for (its `API_REVISION`)."""


class ClientSettings(NamedTuple):
    """The options a client was built with (`with_options` changes some of them)."""

    api_key: str | None
    base_url: str | None
    api_version: str | None
    api_revision: str | None
    timeout: float | httpx.Timeout | None
    max_retries: int | None
    retry_policy: RetryPolicy | None
    default_headers: Mapping[str, str] | None

    def __repr__(self) -> str:
        shown = self._replace(api_key=None if self.api_key is None else "***")
        return "ClientSettings" + repr(tuple(shown))

    def changed(
        self,
        api_key: str | None,
        base_url: str | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int | None,
        retry_policy: RetryPolicy | None,
        default_headers: Mapping[str, str] | None,
    ) -> ClientSettings:
        """These settings with every option that is given (not None) replaced."""
        return self._replace(
            api_key=self.api_key if api_key is None else api_key,
            base_url=self.base_url if base_url is None else base_url,
            timeout=self.timeout if timeout is None else timeout,
            max_retries=self.max_retries if max_retries is None else max_retries,
            retry_policy=self.retry_policy if retry_policy is None else retry_policy,
            default_headers=self.default_headers if default_headers is None else default_headers,
        )


class AsyncClientBase(AsyncAPIClient):
    """What every generated async client does besides its resources."""

    _PACKAGE: ClassVar[str]
    _VERSION: ClassVar[str]
    _API_REVISION: ClassVar[str | None]
    _REVISION_EXEMPT_PREFIXES: ClassVar[tuple[str, ...]]

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        api_version: str | None = None,
        api_revision: str | _DefaultRevision | None = DEFAULT_REVISION,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: AsyncTransport | None = None,
        limits: ResponseLimits | None = None,
    ) -> None:
        if isinstance(api_revision, _DefaultRevision):
            api_revision = self._API_REVISION
        self._settings = ClientSettings(
            api_key,
            base_url,
            api_version,
            api_revision,
            timeout,
            max_retries,
            retry_policy,
            default_headers,
        )
        transport = transport or AsyncTransport(http_client)
        if limits is not None:
            transport.limits = limits
        super().__init__(self._client_core(self._settings), transport, self._PACKAGE)

    @classmethod
    def _client_core(cls, settings: ClientSettings) -> ClientCore:
        return ClientCore(
            api_key=settings.api_key,
            base_url=settings.base_url,
            api_version=settings.api_version,
            api_revision=settings.api_revision,
            revision_exempt_prefixes=cls._REVISION_EXEMPT_PREFIXES,
            timeout=settings.timeout,
            retry_policy=settings.retry_policy,
            max_retries=settings.max_retries,
            default_headers=settings.default_headers,
            package_version=cls._VERSION,
        )

    def with_options(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> Self:
        """A copy of this client with some options changed, sharing its connections:
        `client.with_options(timeout=5, max_retries=0).interactions.get(...)`."""
        copy = type(self).__new__(type(self))
        copy._settings = self._settings.changed(
            api_key, base_url, timeout, max_retries, retry_policy, default_headers
        )
        AsyncAPIClient.__init__(
            copy, self._client_core(copy._settings), self._transport, self._PACKAGE
        )
        return copy

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return repr(self._core).replace("ClientCore", type(self).__name__, 1)
