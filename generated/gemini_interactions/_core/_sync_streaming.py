# Rewritten from runtime/_core/_async_streaming.py by interactions-codegen; edit it there.
"""The synchronous twin of `_async_streaming`: the same code with `async` / `await` removed and
async names mapped to their sync twins, rewritten from `_async_streaming.py` token by token when
the package is generated; `_async_streaming` documents it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

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

__all__ = ["Stream"]

_EventT = TypeVar("_EventT")
_FinalT = TypeVar("_FinalT")
_DEFAULT_POLICY = ResumePolicy()


def _sync_read(response: httpx.Response, connection: _Connection) -> Generator[_Batch, None, None]:
    limit = connection.max_event_bytes
    decoder = SSEDecoder(limit)
    deadline = connection.deadline
    body = BodyDecoder(response, limit if limit is not None else 1 << 62, what="a streamed answer")
    try:
        if _is_json(response):
            content = b"".join([piece for raw in response.iter_raw() for piece in body.feed(raw)])
            raise _json_answer(content)
        for raw in response.iter_raw():
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
        response.close()


def _sync_events(  # noqa: C901 (the resume state machine of one stream (events, cuts, resumes, status fallback) stays in one place; split, its state would travel between functions)
    connection: _Connection,
    fetch_status: Callable[[str], dict[str, Any]],
    reconnect: Callable[[str, str | None], httpx.Response],
    sleep: Callable[[float], None],
) -> Generator[Any, None, None]:
    import httpx

    state = connection.state
    accept, parse_event = state.accept, connection.parse_event  # once, not once per event
    attempt = 0
    while True:
        reason = "the connection closed"
        response, connection.response = connection.response, None
        if response is not None:
            reader = _sync_read(response, connection)
            try:
                for batch in reader:
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
                reader.close()
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
            for payload in _sync_fallback(connection, fetch_status, reason):
                yield payload
            return
        sleep(connection.policy.delay(attempt))
        attempt += 1
        try:
            connection.response = reconnect(state.interaction_id, state.last_event_id)
            state.reconnected()
        except (NotFoundError, PermissionDeniedError):
            if not connection.within_grace():
                raise
        except (httpx.TransportError, APIConnectionError):
            continue
        except APIStatusError as status:
            reason = f"{reason}; re-streaming answered {status.status_code}"
            for payload in _sync_fallback(connection, fetch_status, reason):
                yield payload
            return


def _sync_fallback(
    connection: _Connection, fetch_status: Callable[[str], dict[str, Any]], reason: str
) -> Iterator[Any]:
    state = connection.state
    assert state.interaction_id is not None
    try:
        current = fetch_status(state.interaction_id)
    except GeminiError as error:
        raise state.incomplete(f"{reason}; its status could not be read ({error})") from error
    if current.get("status") not in TERMINAL_STATUSES:
        raise state.incomplete(f"{reason}; the interaction is still {current.get('status')!r}")
    for payload in state.recover(current):
        yield connection.parse_event(payload)


class Stream(Generic[_EventT, _FinalT]):
    """Typed events of one interaction, iterated as they arrive; `final()` gives the complete
    interaction (on `AsyncStream`: `async for event in stream`, `await stream.final()`)."""

    def __init__(
        self,
        response: httpx.Response,
        *,
        parse_event: Callable[[Any], _EventT],
        parse_final: Callable[[dict[str, Any]], _FinalT],
        fetch_status: Callable[[str], dict[str, Any]],
        reconnect: Callable[[str, str | None], httpx.Response],
        policy: ResumePolicy = _DEFAULT_POLICY,
        interaction_id: str | None = None,
        sleep: Callable[[float], None] | None = None,
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
        self._iterator = _sync_events(
            self._connection, fetch_status, reconnect, sleep or time.sleep
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

    def __iter__(self) -> Iterator[_EventT]:
        return self._iterator

    def __next__(self) -> _EventT:
        event: _EventT = self._iterator.__next__()
        return event

    def final(self) -> _FinalT:
        """Read the rest of the stream and return the complete interaction."""
        for _ in self._iterator:
            pass
        return self._parse_final(self._state.accumulator.result())

    def until_done(self) -> _FinalT:
        """`final()`: read the stream to its end and return the complete interaction."""
        return self.final()

    def text_stream(self) -> Iterator[str]:
        """Only the answer's text, piece by piece as it arrives (thoughts and other steps are
        read but not yielded); `final()` afterwards still gives the complete interaction."""
        for event in self._iterator:
            text = delta_text(event)
            if text is not None:
                yield text

    def close(self) -> None:
        """Stop reading and close the connection."""
        self._iterator.close()
        response, self._connection.response = self._connection.response, None
        if response is not None:
            response.close()

    def __enter__(self) -> Stream[_EventT, _FinalT]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
