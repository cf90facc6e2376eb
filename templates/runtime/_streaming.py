"""Streams of interaction events that survive dropped connections and never end silently.

`Stream` (sync) and `AsyncStream` iterate typed events of one interaction. Underneath, the SSE
decoder reads the response; a shared `_StreamState` tracks the interaction id, the last
`event_id`, the events already seen (so a resumed stream never repeats one) and the accumulated
interaction. When the connection drops, or closes cleanly before `interaction.completed`,
`error` or `[DONE]`, the stream first checks the interaction's status: a finished interaction is
completed from that answer; an unfinished one is re-streamed from the last event
(`GET .../interactions/{id}?alt=sse&last_event_id=...`), a bounded number of times with backoff.
A 403/404 within `grace_period` seconds of the start is treated as the API not having caught up
yet (fact W78). If nothing works, `StreamError` says how many events arrived.

An `error` event is delivered and then raised as `StreamError`; so is a bare JSON line (fact
W77). `final()` returns the complete interaction. Streams close their connection when iteration
ends, on `break` (via `close()` or the context manager) and on exceptions.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

from ._accumulate import InteractionAccumulator
from ._errors import APIConnectionError, NotFoundError, PermissionDeniedError, StreamError
from ._sse import DONE, BareJsonLine, SSEDecoder
from ._waiting import TERMINAL_STATUSES

__all__ = ["AsyncStream", "ResumePolicy", "Stream"]

_EventT = TypeVar("_EventT")
_FinalT = TypeVar("_FinalT")


@dataclass(frozen=True)
class ResumePolicy:
    """How hard a stream tries to resume: attempts, backoff, and the early-404 grace period."""

    max_attempts: int = 5
    initial_delay: float = 0.25
    max_delay: float = 4.0
    grace_period: float = 10.0

    def delay(self, attempt: int) -> float:
        return float(min(self.max_delay, self.initial_delay * 2**attempt))


class _StreamState:
    """Everything a stream knows, updated by each payload; no I/O."""

    def __init__(self, interaction_id: str | None) -> None:
        self.interaction_id = interaction_id
        self.last_event_id: str | None = None
        self.seen_ids: set[str] = set()
        self.events_received = 0
        self.done = False
        self.error: Any = None
        self.accumulator = InteractionAccumulator()

    def accept(self, payload: Any) -> bool:
        """Record an event payload; False when it is a repeat to skip."""
        if not isinstance(payload, dict):
            return False
        event_id = payload.get("event_id")
        if isinstance(event_id, str):
            if event_id in self.seen_ids:
                return False
            self.seen_ids.add(event_id)
            self.last_event_id = event_id
        self.events_received += 1
        kind = payload.get("event_type")
        if kind == "interaction.created":
            interaction = payload.get("interaction")
            if isinstance(interaction, dict) and isinstance(interaction.get("id"), str):
                self.interaction_id = interaction["id"]
        if kind == "interaction.completed":
            self.done = True
        elif kind == "error":
            self.done = True
            self.error = payload.get("error", payload)
        self.accumulator.add(payload)
        return True

    def complete_from(self, interaction: dict[str, Any]) -> dict[str, Any]:
        """A synthesized `interaction.completed` for an interaction found finished."""
        payload = {"event_type": "interaction.completed", "interaction": interaction}
        self.accept(payload)
        return payload

    def incomplete(self, reason: str) -> StreamError:
        return StreamError(
            f"the stream ended without a terminal event after {self.events_received} "
            f"event(s): {reason}",
            events_received=self.events_received,
        )


def _payloads(decoded: Iterator[Any], state: _StreamState) -> Iterator[Any]:
    for item in decoded:
        if item is DONE:
            state.done = True
            return
        if isinstance(item, BareJsonLine):
            try:
                body = json.loads(item.text)
            except ValueError:
                body = item.text
            raise StreamError(
                f"the stream carried a bare JSON line instead of an event: {item.text[:200]}",
                body=body,
                events_received=state.events_received,
            )
        try:
            yield json.loads(item.data)
        except ValueError:
            raise StreamError(
                f"an event's data is not JSON: {item.data[:200]}",
                events_received=state.events_received,
            ) from None


class Stream(Generic[_EventT, _FinalT]):
    """Typed events of one interaction; `final()` gives the complete interaction."""

    def __init__(
        self,
        response: httpx.Response,
        *,
        parse_event: Callable[[Any], _EventT],
        parse_final: Callable[[dict[str, Any]], _FinalT],
        fetch_status: Callable[[str], dict[str, Any]],
        reconnect: Callable[[str, str | None], httpx.Response],
        policy: ResumePolicy = ResumePolicy(),
        interaction_id: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._response: httpx.Response | None = response
        self._parse_event = parse_event
        self._parse_final = parse_final
        self._fetch_status = fetch_status
        self._reconnect = reconnect
        self._policy = policy
        self._sleep = sleep
        self._clock = clock
        self._started = clock()
        self._state = _StreamState(interaction_id)
        self._iterator = self._events()

    @property
    def interaction_id(self) -> str | None:
        return self._state.interaction_id

    @property
    def last_event_id(self) -> str | None:
        return self._state.last_event_id

    @property
    def events_received(self) -> int:
        return self._state.events_received

    def __iter__(self) -> Iterator[_EventT]:
        return self._iterator

    def __next__(self) -> _EventT:
        return next(self._iterator)

    def _read(self, response: httpx.Response) -> Iterator[Any]:
        decoder = SSEDecoder()
        try:
            for chunk in response.iter_bytes():
                yield from _payloads(decoder.feed(chunk), self._state)
            yield from _payloads(decoder.flush(), self._state)
        finally:
            response.close()

    def _events(self) -> Generator[_EventT, None, None]:
        state = self._state
        attempt = 0
        while True:
            reason = "the connection closed"
            if self._response is not None:
                try:
                    for payload in self._read(self._response):
                        if state.accept(payload):
                            attempt = 0
                            yield self._parse_event(payload)
                        if state.done:
                            break
                except httpx.TransportError as error:
                    reason = f"the connection dropped ({type(error).__name__})"
                finally:
                    self._response = None
            if state.error is not None:
                raise StreamError(
                    f"the stream reported an error: {state.error}",
                    body=state.error,
                    events_received=state.events_received,
                )
            if state.done:
                return
            if state.interaction_id is None or attempt >= self._policy.max_attempts:
                raise state.incomplete(reason)
            self._sleep(self._policy.delay(attempt))
            attempt += 1
            try:
                current = self._fetch_status(state.interaction_id)
                if current.get("status") in TERMINAL_STATUSES:
                    yield self._parse_event(state.complete_from(current))
                    return
                self._response = self._reconnect(state.interaction_id, state.last_event_id)
            except (NotFoundError, PermissionDeniedError):
                if self._clock() - self._started > self._policy.grace_period:
                    raise
            except (httpx.TransportError, APIConnectionError):
                continue

    def final(self) -> _FinalT:
        """Read the rest of the stream and return the complete interaction."""
        for _ in self:
            pass
        return self._parse_final(self._state.accumulator.result())

    def close(self) -> None:
        """Stop reading and close the connection."""
        self._iterator.close()
        if self._response is not None:
            self._response.close()
            self._response = None

    def __enter__(self) -> Stream[_EventT, _FinalT]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncStream(Generic[_EventT, _FinalT]):
    """The async twin of `Stream`: `async for event in stream`, `await stream.final()`."""

    def __init__(
        self,
        response: httpx.Response,
        *,
        parse_event: Callable[[Any], _EventT],
        parse_final: Callable[[dict[str, Any]], _FinalT],
        fetch_status: Callable[[str], Awaitable[dict[str, Any]]],
        reconnect: Callable[[str, str | None], Awaitable[httpx.Response]],
        policy: ResumePolicy = ResumePolicy(),
        interaction_id: str | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._response: httpx.Response | None = response
        self._parse_event = parse_event
        self._parse_final = parse_final
        self._fetch_status = fetch_status
        self._reconnect = reconnect
        self._policy = policy
        self._sleep = sleep
        self._clock = clock
        self._started = clock()
        self._state = _StreamState(interaction_id)
        self._iterator = self._events()

    @property
    def interaction_id(self) -> str | None:
        return self._state.interaction_id

    @property
    def last_event_id(self) -> str | None:
        return self._state.last_event_id

    @property
    def events_received(self) -> int:
        return self._state.events_received

    def __aiter__(self) -> AsyncIterator[_EventT]:
        return self._iterator

    async def __anext__(self) -> _EventT:
        return await self._iterator.__anext__()

    async def _read(self, response: httpx.Response) -> AsyncIterator[Any]:
        decoder = SSEDecoder()
        try:
            async for chunk in response.aiter_bytes():
                for payload in _payloads(decoder.feed(chunk), self._state):
                    yield payload
            for payload in _payloads(decoder.flush(), self._state):
                yield payload
        finally:
            await response.aclose()

    async def _pause(self, seconds: float) -> None:
        if self._sleep is not None:
            await self._sleep(seconds)
        else:
            import asyncio

            await asyncio.sleep(seconds)

    async def _events(self) -> AsyncGenerator[_EventT, None]:
        state = self._state
        attempt = 0
        while True:
            reason = "the connection closed"
            if self._response is not None:
                try:
                    async for payload in self._read(self._response):
                        if state.accept(payload):
                            attempt = 0
                            yield self._parse_event(payload)
                        if state.done:
                            break
                except httpx.TransportError as error:
                    reason = f"the connection dropped ({type(error).__name__})"
                finally:
                    self._response = None
            if state.error is not None:
                raise StreamError(
                    f"the stream reported an error: {state.error}",
                    body=state.error,
                    events_received=state.events_received,
                )
            if state.done:
                return
            if state.interaction_id is None or attempt >= self._policy.max_attempts:
                raise state.incomplete(reason)
            await self._pause(self._policy.delay(attempt))
            attempt += 1
            try:
                current = await self._fetch_status(state.interaction_id)
                if current.get("status") in TERMINAL_STATUSES:
                    yield self._parse_event(state.complete_from(current))
                    return
                self._response = await self._reconnect(state.interaction_id, state.last_event_id)
            except (NotFoundError, PermissionDeniedError):
                if self._clock() - self._started > self._policy.grace_period:
                    raise
            except (httpx.TransportError, APIConnectionError):
                continue

    async def final(self) -> _FinalT:
        """Read the rest of the stream and return the complete interaction."""
        async for _ in self:
            pass
        return self._parse_final(self._state.accumulator.result())

    async def close(self) -> None:
        """Stop reading and close the connection."""
        await self._iterator.aclose()
        if self._response is not None:
            await self._response.aclose()
            self._response = None

    async def __aenter__(self) -> AsyncStream[_EventT, _FinalT]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
