"""`AsyncStream`: typed events of one interaction that survive dropped connections.

This is the one source of both stream classes: `_sync_streaming` (`Stream`) is rewritten from
this module token by token when the package is generated (`async`/`await` dropped, async names
mapped to their sync twins). What the two share lives in `_streaming`; see its docstring for how
a stream resumes, recovers and refuses to end silently.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._client_base import _asyncio_sleep
from ._errors import (
    APIConnectionError,
    APIStatusError,
    GeminiError,
    NotFoundError,
    PermissionDeniedError,
)
from ._limits import BodyDecoder, Deadline, event_too_large, request_of
from ._retry import ResumePolicy
from ._sse import EventTooLargeError, SSEDecoder
from ._streaming import (
    _ENDED_INSIDE_AN_EVENT,
    _Batch,
    _batch,
    _Connection,
    _EndedInsideAnEventError,
    _is_json,
    _json_answer,
    _JsonInsteadOfEventsError,
    _StreamState,
    delta_text,
)
from ._waiting import TERMINAL_STATUSES

if TYPE_CHECKING:  # httpx loads with the first request
    import httpx

__all__ = ["AsyncStream"]

_EventT = TypeVar("_EventT")
_FinalT = TypeVar("_FinalT")
_DEFAULT_POLICY = ResumePolicy()


async def _async_read(
    response: httpx.Response, connection: _Connection
) -> AsyncGenerator[_Batch, None]:
    limit = connection.max_event_bytes
    decoder = SSEDecoder(limit)
    deadline = connection.deadline
    body = BodyDecoder(response, limit if limit is not None else 1 << 62, what="a streamed answer")
    try:
        if _is_json(response):
            content = b"".join(
                [piece async for raw in response.aiter_raw() for piece in body.feed(raw)]
            )
            raise _json_answer(content)
        async for raw in response.aiter_raw():
            if deadline is not None:
                deadline.check(response.request)
            if body.plain:
                yield _batch(decoder.feed(raw))
            else:
                for chunk in body.feed(raw):
                    yield _batch(decoder.feed(chunk))
        yield _batch(decoder.flush())
        if decoder.discarded_partial_event:
            raise _EndedInsideAnEventError
    except EventTooLargeError:
        raise event_too_large(request_of(response), limit or 0) from None
    finally:
        await response.aclose()


async def _async_events(  # noqa: C901 (the resume state machine of one stream (events, cuts, resumes, status fallback) stays in one place; split, its state would travel between functions)
    connection: _Connection,
    fetch_status: Callable[[str], Awaitable[dict[str, Any]]],
    reconnect: Callable[[str, str | None], Awaitable[httpx.Response]],
    sleep: Callable[[float], Awaitable[None]],
) -> AsyncGenerator[Any, None]:
    import httpx

    state = connection.state
    accept, parse_event = state.accept, connection.parse_event  # once, not once per event
    attempt = 0
    while True:
        reason = "the connection closed"
        response, connection.response = connection.response, None
        if response is not None:
            reader = _async_read(response, connection)
            try:
                async for batch in reader:
                    for payload in batch:
                        if accept(payload):
                            attempt = 0
                            yield parse_event(payload)
                        if state.done:
                            break
                    if batch.failure is not None:
                        batch.raise_failure(state)
                    if batch.ended:
                        state.done = True
                    if state.done:
                        break
            except httpx.TransportError as error:
                reason = f"the connection dropped ({type(error).__name__})"
            except _EndedInsideAnEventError:
                reason = _ENDED_INSIDE_AN_EVENT
            except _JsonInsteadOfEventsError as answer:
                recovered = state.answered_with_json(answer.body)
                if recovered is not None:
                    for payload in recovered:
                        yield connection.parse_event(payload)
                    return
                reason = "the server answered with the unfinished interaction instead of events"
            finally:
                await reader.aclose()
        state.raise_error()
        if state.done:
            return
        refusal = state.cannot_resume(reason)
        if refusal is not None:
            raise refusal
        assert state.interaction_id is not None
        deadline = connection.deadline
        if deadline is not None and connection.request is not None:
            deadline.check(connection.request)
        if attempt >= connection.policy.max_attempts:
            async for payload in _async_fallback(connection, fetch_status, reason):
                yield payload
            return
        await sleep(connection.policy.delay(attempt))
        attempt += 1
        try:
            connection.response = await reconnect(state.interaction_id, state.last_event_id)
            state.reconnected()
        except (NotFoundError, PermissionDeniedError):
            if not connection.within_grace():
                raise
        except (httpx.TransportError, APIConnectionError):
            continue
        except APIStatusError as status:
            reason = f"{reason}; re-streaming answered {status.status_code}"
            async for payload in _async_fallback(connection, fetch_status, reason):
                yield payload
            return


async def _async_fallback(
    connection: _Connection, fetch_status: Callable[[str], Awaitable[dict[str, Any]]], reason: str
) -> AsyncIterator[Any]:
    state = connection.state
    assert state.interaction_id is not None
    try:
        current = await fetch_status(state.interaction_id)
    except GeminiError as error:
        raise state.incomplete(f"{reason}; its status could not be read ({error})") from error
    if current.get("status") not in TERMINAL_STATUSES:
        raise state.incomplete(f"{reason}; the interaction is still {current.get('status')!r}")
    for payload in state.recover(current):
        yield connection.parse_event(payload)


class AsyncStream(Generic[_EventT, _FinalT]):
    """Typed events of one interaction, iterated as they arrive; `final()` gives the complete
    interaction (on `AsyncStream`: `async for event in stream`, `await stream.final()`)."""

    def __init__(
        self,
        response: httpx.Response,
        *,
        parse_event: Callable[[Any], _EventT],
        parse_final: Callable[[dict[str, Any]], _FinalT],
        fetch_status: Callable[[str], Awaitable[dict[str, Any]]],
        reconnect: Callable[[str, str | None], Awaitable[httpx.Response]],
        policy: ResumePolicy = _DEFAULT_POLICY,
        interaction_id: str | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        deadline: Deadline | None = None,
        max_event_bytes: int | None = None,
    ) -> None:
        self._state = _StreamState(interaction_id)
        self._connection = _Connection(
            response,
            self._state,
            parse_event,
            policy,
            clock,
            clock(),
            deadline,
            max_event_bytes,
            request_of(response),
        )
        self._parse_final = parse_final
        self._iterator = _async_events(
            self._connection, fetch_status, reconnect, sleep or _asyncio_sleep
        )

    @property
    def interaction_id(self) -> str | None:
        """The interaction's id, once known (None for a `store: false` stream)."""
        return self._state.interaction_id

    @property
    def last_event_id(self) -> str | None:
        """The id of the last event delivered (what a resume continues after)."""
        return self._state.last_event_id

    @property
    def events_received(self) -> int:
        """How many distinct events were delivered, recovery events included."""
        return self._state.events_received

    @property
    def recovered_events(self) -> int:
        """How many events were rebuilt from the finished interaction after a failed resume."""
        return self._state.recovered_events

    def __aiter__(self) -> AsyncIterator[_EventT]:
        return self._iterator

    async def __anext__(self) -> _EventT:
        event: _EventT = await self._iterator.__anext__()
        return event

    async def final(self) -> _FinalT:
        """Read the rest of the stream and return the complete interaction."""
        async for _ in self._iterator:
            pass
        return self._parse_final(self._state.accumulator.result())

    async def until_done(self) -> _FinalT:
        """`final()`: read the stream to its end and return the complete interaction."""
        return await self.final()

    async def text_stream(self) -> AsyncIterator[str]:
        """Only the answer's text, piece by piece as it arrives (thoughts and other steps are
        read but not yielded); `final()` afterwards still gives the complete interaction."""
        async for event in self._iterator:
            text = delta_text(event)
            if text is not None:
                yield text

    async def close(self) -> None:
        """Stop reading and close the connection."""
        await self._iterator.aclose()
        response, self._connection.response = self._connection.response, None
        if response is not None:
            await response.aclose()

    async def __aenter__(self) -> AsyncStream[_EventT, _FinalT]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
