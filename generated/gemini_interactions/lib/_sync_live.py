# Rewritten from runtime/lib/_async_live.py by interactions-codegen; edit it there.
"""The synchronous twin of `_async_live`: the same code with `async` / `await` removed and async
names mapped to their sync twins, rewritten from `_async_live.py` token by token when the package
is generated; `_async_live` documents it.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._live import (
    TERMINAL_EVENTS,
    LiveConnectionError,
    LiveTimeoutError,
    _sync_open,
    _sync_recv,
    check_id,
    check_timeouts,
    closed_error,
    connection_closed,
    dumps,
    encode_input,
    error_event,
    frame_events,
    is_cancel,
    live_headers,
    live_url,
    require_websockets,
    setup_error,
)

if TYPE_CHECKING:
    from .._core._client_base import ClientCore
    from .._core._sync_api_client import SyncAPIClient
    from ._live import LiveInput, SyncWebSocket

__all__ = ["LiveConnection", "LiveSession", "live_session"]

_E = TypeVar("_E")


class LiveConnection(Generic[_E]):
    """An open live session: `send()` input, `receive()` events, `complete()` or `cancel()`."""

    def __init__(
        self,
        socket: SyncWebSocket,
        *,
        id: str,
        url: str,
        key: str,
        parse: Callable[[dict[str, Any]], _E],
        idle_timeout: float | None,
        deadline: float | None,
    ) -> None:
        self.id = id
        """The id of the interaction this session is connected to."""
        self._socket = socket
        self._url = url
        self._key = key
        self._parse = parse
        self._idle_timeout = idle_timeout
        self._deadline = deadline
        self._pending: deque[dict[str, Any]] = deque()
        self._received = 0
        self._receiving = False
        self._terminal = False
        self._broken = False
        self._closed = False

    @property
    def ended(self) -> bool:
        """True once a terminal event arrived, `cancel()` was sent, or the socket failed."""
        return self._terminal or self._broken

    def send(self, input: LiveInput) -> None:
        """Send text (an `input` event), one client event, or a list of client events (one
        batched `{"events": [...]}` frame). Sending `interaction.cancel` ends the session."""
        if self.ended:
            raise LiveConnectionError("this live session has ended", url=self._url)
        frame = encode_input(input)
        self._write(frame)
        if is_cancel(frame):
            self._terminal = True
            self._close()

    def complete(self) -> None:
        """Ask the server to finish the interaction; `receive()` then ends with
        `interaction.completed`."""
        self.send({"event_type": "interaction.complete"})

    def cancel(self) -> None:
        """Cancel the interaction on the server and end this session (no more events)."""
        if not self.ended:
            self.send({"event_type": "interaction.cancel"})

    def receive(self) -> Iterator[_E]:
        """The server's events in wire order, until a terminal event (yielded too)."""
        while not self.ended:
            if not self._pending:
                # only the read is guarded: a caller's `break` leaves the generator suspended
                # (not closed) until it is collected, and that must not block the next receive()
                if self._receiving:
                    raise RuntimeError("only one receive() may read a live session at a time")
                self._receiving = True
                try:
                    self._read_frame()
                finally:
                    self._receiving = False
                continue
            event = self._pending.popleft()
            self._received += 1
            kind = event["event_type"]
            if kind == "error":
                self._broken = True
                self._close()
                raise error_event(event, self._parse, self._received, self._key)
            parsed = self._parse(event)
            if kind in TERMINAL_EVENTS:
                self._terminal = True
                self._pending.clear()
                self._close()
            yield parsed

    def detach(self) -> None:
        """Leave the session without ending the interaction (`interaction.disconnect`)."""
        if self._closed:
            return
        if not self.ended:
            with suppress(Exception):
                self._socket.send(dumps({"event_type": "interaction.disconnect"}))
        self._terminal = True
        self._close()

    def _read_frame(self) -> None:
        wait = self._idle_timeout
        if self._deadline is not None:
            left = max(self._deadline - time.monotonic(), 0.0)
            wait = left if wait is None else min(wait, left)
        try:
            raw = _sync_recv(self._socket, wait)
        except TimeoutError:
            self._broken = True
            self._close()
            over = self._deadline is not None and time.monotonic() >= self._deadline
            raise LiveTimeoutError(
                "the live session outlived its timeout"
                if over
                else f"the live session sent nothing for {self._idle_timeout} seconds",
                url=self._url,
            ) from None
        except connection_closed() as error:
            self._broken = True
            self._close()
            raise closed_error(error, self._url, during="before a terminal event") from None
        try:
            self._pending.extend(frame_events(raw, self._url))
        except LiveConnectionError:
            self._broken = True
            self._close()
            raise

    def _write(self, frame: Mapping[str, Any]) -> None:
        try:
            self._socket.send(dumps(frame))
        except connection_closed() as error:
            self._broken = True
            self._close()
            raise closed_error(error, self._url, during="while sending") from None

    def _close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with suppress(Exception):
            self._socket.close()


class LiveSession(Generic[_E]):
    """What `interactions.connect()` returns: `async with` it to get the connection."""

    def __init__(
        self,
        core: ClientCore,
        path: str,
        parse: Callable[[dict[str, Any]], _E],
        *,
        id: str,
        input: Any,
        extra_headers: Mapping[str, str] | None,
        open_timeout: float,
        idle_timeout: float | None,
        timeout: float | None,
    ) -> None:
        self._core = core
        self._path = path
        self._parse = parse
        self._id = check_id(id)
        check_timeouts(open_timeout, idle_timeout, timeout)
        self._input = input
        self._extra_headers = extra_headers
        self._open_timeout = open_timeout
        self._idle_timeout = idle_timeout
        self._timeout = timeout
        self._connection: LiveConnection[_E] | None = None

    def __enter__(self) -> LiveConnection[_E]:
        require_websockets()
        url = live_url(self._core, self._path)
        headers = live_headers(self._core, self._extra_headers)
        deadline = None if self._timeout is None else time.monotonic() + self._timeout
        try:
            socket = _sync_open(url, headers, self._open_timeout)
        except Exception as error:
            raise setup_error(error, url) from None
        connection = LiveConnection(
            socket,
            id=self._id,
            url=url,
            key=headers.get("x-goog-api-key", ""),
            parse=self._parse,
            idle_timeout=self._idle_timeout,
            deadline=deadline,
        )
        first: dict[str, Any] = {"event_type": "interaction.connect", "id": self._id}
        if self._input is not None:
            first["input"] = self._input
        try:
            connection._write(first)
        except BaseException:
            connection._close()
            raise
        self._connection = connection
        return connection

    def __exit__(self, exc_type: Any, exc: Any, traceback: Any) -> None:
        if self._connection is not None:
            self._connection.detach()


def live_session(
    client: SyncAPIClient,
    path: str,
    event_schema: str,
    *,
    id: str,
    input: Any,
    extra_headers: Mapping[str, str] | None,
    open_timeout: float,
    idle_timeout: float | None,
    timeout: float | None,
) -> LiveSession[Any]:
    """The session `connect()` returns: events parse as `event_schema` of the types module, as
    tolerantly as stream events do (an unknown event type is kept, not refused)."""
    from .._core._api_client import _wire_parser

    parse = _wire_parser(
        client._package, event_schema, lambda event: f"live event {event.get('event_type')!r}"
    )
    return LiveSession(
        client._core,
        path,
        parse,
        id=id,
        input=input,
        extra_headers=extra_headers,
        open_timeout=open_timeout,
        idle_timeout=idle_timeout,
        timeout=timeout,
    )
