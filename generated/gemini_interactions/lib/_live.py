# Copied from runtime/lib/_live.py by interactions-codegen; edit it there.
"""What the sync and async live sessions share (Live Interactions over WebSocket, fact W109).

A live session is a WebSocket at `<base>/<api_version>/interactions/live` (`ws://` for an
`http://` base, `wss://` for `https://`, the base path and query kept) that carries the same
step events as the SSE stream plus session events. This module owns the wire: the URL, the handshake
headers (the key travels only in `x-goog-api-key`, an ephemeral `auth_tokens/...` token
included), how `send()` input becomes a frame (text, one event, or a list batched as
`{"events": [...]}`), how a server frame becomes events (a batched frame is unpacked in order),
which events end a session, and the errors a session raises. The `websockets` package (the
`live` extra) is imported only when a session opens, so the package imports without it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import urlsplit, urlunsplit

from .._core._client_base import ClientCore
from .._core._errors import (
    APIConnectionError,
    APITimeoutError,
    GeminiError,
    RequestValidationError,
    StreamError,
    _redact_secret,
)

if TYPE_CHECKING:  # the sessions name their socket types through these two aliases
    from websockets.asyncio.client import ClientConnection as _AsyncConnection
    from websockets.sync.client import ClientConnection as _SyncConnection

    AsyncWebSocket = _AsyncConnection
    SyncWebSocket = _SyncConnection

    from .._core._base import ApiModel

    LiveInput: TypeAlias = (
        str | Mapping[str, Any] | ApiModel | Sequence[Mapping[str, Any] | ApiModel]
    )
    """What `send()` takes: text, one client event (a dict or a model such as `InputEvent`),
    or a list of them (sent as one batched frame)."""

__all__ = [
    "LIVE_EXTRA",
    "TERMINAL_EVENTS",
    "LiveConnectionError",
    "LiveSessionError",
    "LiveTimeoutError",
    "LiveUnavailableError",
    "check_id",
    "check_timeouts",
    "closed_error",
    "connection_closed",
    "dumps",
    "encode_input",
    "error_event",
    "frame_events",
    "is_cancel",
    "live_headers",
    "live_url",
    "require_websockets",
    "setup_error",
]

LIVE_EXTRA = "live"
"""The extra that installs `websockets`: `pip install 'gemini-interactions[live]'`."""

TERMINAL_EVENTS = frozenset(
    {
        "interaction.completed",
        "interaction.canceled",
        "interaction.cancelled",
        "reconnection_required",
    }
)
"""Server events after which a session carries nothing more (W109: both spellings of the
cancel acknowledgement; `reconnection_required` asks the client to connect again by id)."""


class LiveUnavailableError(GeminiError, ImportError):
    """Live sessions need the `websockets` package, which the `live` extra installs."""


class LiveConnectionError(APIConnectionError):
    """A live session could not open, or its socket closed before a terminal event.

    `close_code` is the WebSocket close code (1006 when the socket dropped without one) and
    `http_status` the status of a refused handshake; the peer's close reason is not kept (it
    may echo request data).
    """

    def __init__(
        self,
        message: str,
        *,
        url: str,
        close_code: int | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message, method="WEBSOCKET", url=url)
        self.close_code = close_code
        self.http_status = http_status


class LiveTimeoutError(LiveConnectionError, APITimeoutError):
    """A live session did not open within `open_timeout`, sent nothing for `idle_timeout`
    seconds, or outlived its overall `timeout`."""


class LiveSessionError(StreamError):
    """The server sent an `error` event on a live session; `event` is that event, parsed."""

    def __init__(self, message: str, *, body: Any, event: Any, events_received: int) -> None:
        super().__init__(message, body=body, events_received=events_received)
        self.event = event


def require_websockets() -> None:
    """Raise `LiveUnavailableError`, naming the extra, when `websockets` is not installed."""
    try:
        import websockets  # noqa: F401
    except ImportError:
        raise LiveUnavailableError(
            "live sessions need the `websockets` package: install the "
            f"`{LIVE_EXTRA}` extra (pip install 'gemini-interactions[{LIVE_EXTRA}]')"
        ) from None


def live_url(core: ClientCore, path: str) -> str:
    """The session's WebSocket URL: the client's base URL with a ws scheme, plus the path (the
    base URL's path and query kept)."""
    parts = urlsplit(core.base_url)
    scheme = "ws" if parts.scheme.lower() in ("http", "ws") else "wss"
    full = "/".join(
        part.strip("/") for part in (parts.path, core.api_version, path) if part.strip("/")
    )
    return urlunsplit((scheme, parts.netloc, "/" + full, core.base_query, ""))


def live_headers(core: ClientCore, extra_headers: Mapping[str, str] | None) -> dict[str, str]:
    """The handshake headers: user agent, revision and defaults, the caller's extras, then the
    key in `x-goog-api-key` (last, so no extra header replaces or duplicates it)."""
    headers = {"user-agent": core.user_agent, **core.default_headers}
    if core.api_revision:
        headers["api-revision"] = core.api_revision
    headers.update(extra_headers or {})
    auth = core.auth_headers()
    wanted = {name.lower() for name in auth} | {"authorization"}
    headers = {name: value for name, value in headers.items() if name.lower() not in wanted}
    headers.update(auth)
    return headers


def _plain(value: Any) -> Any:
    """A client event (a mapping, or a model with `to_dict`) as plain JSON values."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def encode_input(value: Any) -> dict[str, Any]:
    """The frame `send(value)` writes: text becomes an `input` event, a list one batched
    `{"events": [...]}` frame; anything else is refused with a `ValueError`."""
    if isinstance(value, str):
        return {"event_type": "input", "content": [{"type": "text", "text": value}]}
    if isinstance(value, list | tuple):
        if not value:
            raise RequestValidationError(
                "send() got an empty list of events: send at least one", path="events"
            )
        return {"events": [_event(item, f"events[{index}]") for index, item in enumerate(value)]}
    return _event(value, "event")


def _event(value: Any, where: str) -> dict[str, Any]:
    plain = _plain(value)
    if not isinstance(plain, dict) or not isinstance(plain.get("event_type"), str):
        raise RequestValidationError(
            f"send(): {where} must be a client event, a mapping with an `event_type` string "
            f"(got {type(value).__name__})",
            path=where,
        )
    return plain


def check_id(value: Any) -> str:
    """The interaction id to connect to; an empty one is refused naming `id`."""
    if not isinstance(value, str) or not value.strip():
        raise RequestValidationError(
            "connect() needs the id of an existing interaction (a non-empty string)", path="id"
        )
    return value


def check_timeouts(open_timeout: Any, idle_timeout: Any, timeout: Any) -> None:
    """Refuse a timeout that is not a positive number of seconds (None: no limit), naming it."""
    for name, value, optional in (
        ("open_timeout", open_timeout, False),
        ("idle_timeout", idle_timeout, True),
        ("timeout", timeout, True),
    ):
        if value is None and optional:
            continue
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not 0 < value < float("inf"):
            raise RequestValidationError(
                f"connect(): {name} must be a positive number of seconds, got {value!r}",
                path=name,
            )


def is_cancel(frame: Mapping[str, Any]) -> bool:
    """True when the frame holds an `interaction.cancel` event."""
    events = frame.get("events")
    items = events if isinstance(events, list) else [frame]
    return any(
        isinstance(item, Mapping) and item.get("event_type") == "interaction.cancel"
        for item in items
    )


def dumps(frame: Mapping[str, Any]) -> str:
    """A frame as compact JSON text."""
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False)


def frame_events(raw: str | bytes, url: str) -> list[dict[str, Any]]:
    """The events of one server frame in wire order (a batched `{"events": [...]}` frame is
    unpacked); a frame that is not JSON events raises `LiveConnectionError`."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        payload = json.loads(text)
    except (UnicodeDecodeError, ValueError):
        raise LiveConnectionError("a live server frame was not JSON text", url=url) from None
    batch = payload.get("events") if isinstance(payload, dict) else None
    events = batch if isinstance(batch, list) else [payload]
    for event in events:
        if not isinstance(event, dict) or not isinstance(event.get("event_type"), str):
            raise LiveConnectionError("a live server event had no `event_type` string", url=url)
    return events


def error_event(
    event: dict[str, Any], parse: Callable[[dict[str, Any]], Any], received: int, key: str
) -> LiveSessionError:
    """The `LiveSessionError` for an `error` event; an echo of the key is redacted from the
    message, the kept body and the parsed event alike."""
    body = json.loads(_redact_secret(json.dumps(event), key))
    error = body.get("error")
    message = error.get("message") if isinstance(error, dict) else None
    text = str(message) if message else "the live session reported an error"
    return LiveSessionError(text, body=body, event=parse(body), events_received=received)


def closed_error(error: BaseException, url: str, *, during: str) -> LiveConnectionError:
    """A `LiveConnectionError` for a socket that closed `during` something (the close code kept,
    the peer's reason dropped)."""
    code: int | None = None
    for side in ("rcvd", "sent"):
        frame = getattr(error, side, None)
        if frame is not None and code is None:
            code = int(frame.code)
    code = 1006 if code is None else code
    return LiveConnectionError(
        f"the live session's socket closed {during} (code {code})", url=url, close_code=code
    )


def setup_error(error: BaseException, url: str) -> LiveConnectionError:
    """A `LiveConnectionError` for a handshake that failed (the HTTP status kept when refused)."""
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    if isinstance(error, TimeoutError):
        return LiveTimeoutError("the live session did not open in time", url=url)
    if isinstance(status, int):
        return LiveConnectionError(
            f"the live session was refused with HTTP {status}", url=url, http_status=status
        )
    if hasattr(error, "rcvd") or hasattr(error, "sent"):
        return closed_error(error, url, during="while opening")
    return LiveConnectionError(f"the live session could not open ({type(error).__name__})", url=url)


async def _async_open(url: str, headers: dict[str, str], open_timeout: float) -> AsyncWebSocket:
    """An open asyncio WebSocket (the handshake bounded by `open_timeout`)."""
    from websockets.asyncio.client import connect

    return await connect(url, additional_headers=headers, open_timeout=open_timeout, max_size=2**24)


def _sync_open(url: str, headers: dict[str, str], open_timeout: float) -> SyncWebSocket:
    """An open blocking WebSocket (the handshake bounded by `open_timeout`)."""
    from websockets.sync.client import connect

    opening = connect(url, additional_headers=headers, open_timeout=open_timeout, max_size=2**24)
    return opening.__enter__()  # the connection itself (newer releases wrap it in `connect`)


async def _async_recv(socket: AsyncWebSocket, timeout: float | None) -> str | bytes:
    """The next frame, or `TimeoutError` after `timeout` seconds (None waits forever)."""
    return await asyncio.wait_for(socket.recv(), timeout)


def _sync_recv(socket: SyncWebSocket, timeout: float | None) -> str | bytes:
    """The next frame, or `TimeoutError` after `timeout` seconds (None waits forever)."""
    return socket.recv(timeout)


def connection_closed() -> type[BaseException]:
    """`websockets`' ConnectionClosed (imported once a session exists)."""
    from websockets.exceptions import ConnectionClosed

    return ConnectionClosed
