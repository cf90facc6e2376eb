"""Streams of interaction events that survive dropped connections and never end silently.

`Stream` (sync, `_sync_streaming`) and `AsyncStream` (`_async_streaming`, the one source the sync
module is rewritten from) iterate typed events of one interaction; this module holds what both
share. Underneath, the SSE decoder reads the response; a `_StreamState` tracks the interaction
id, the last `event_id`, the events already seen (so a resumed stream never repeats one) and the
accumulated interaction.

When the connection drops, closes cleanly before `interaction.completed` / `error` / `[DONE]`,
or ends in the middle of an event (an unterminated event is discarded, as the SSE standard
says), the stream re-opens the interaction's event stream after the last event it delivered
(`GET .../interactions/{id}?alt=sse&last_event_id=...`), a bounded number of times with backoff,
so a reader of events sees every event exactly once. Only when re-streaming fails does it fall
back to reading the interaction: a finished one is delivered as recovery events — the parts the
reader missed as `step.start` / `step.delta` events (they carry no `event_id`), then
`interaction.completed` — so printing `delta.text` still shows the whole answer.

A `store: false` stream has an empty interaction id and no event ids (fact W86): it cannot be
resumed, and a drop raises `StreamError` saying so. A server that replays a stream from its start
(no event ids to resume after) is de-duplicated by position. A 403/404 within `grace_period`
seconds of the start is the API not having caught up yet (fact W78).

A stream obeys the client's limits (`_limits`): an event larger than `max_event_bytes` raises
`ResponseLimitError` (no resume: the same event would come again), and a call given a numeric
`timeout=` raises `APITimeoutError` once the whole stream, resumes included, runs past it — a
server sending only keep-alives cannot hold it open forever.

An `error` event is delivered and then raised as `StreamError`; so is a bare JSON line (fact
W77). An event that breaks its schema is delivered anyway (see `_tolerant`). `final()` returns the
complete interaction. A stream closes its connection when iteration ends, on `break` (via
`close()`, the context manager, or simply dropping the stream: no reference cycle keeps it
alive) and on exceptions.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._errors import (
    StreamError,
)
from ._limits import NESTING_PROBLEM, Deadline
from ._registry import features
from ._retry import ResumePolicy
from ._sse import DONE, BareJsonLine, ServerSentEvent
from ._values import Value
from ._waiting import TERMINAL_STATUSES

if TYPE_CHECKING:  # httpx loads with the first request
    import httpx

__all__ = ["ResumePolicy", "delta_text"]


def delta_text(event: Any) -> str | None:
    """The text an event adds to the answer: a `step.delta` whose delta is text; else None."""
    if getattr(event, "event_type", None) != "step.delta":
        return None
    text = getattr(getattr(event, "delta", None), "text", None)
    delta_type = getattr(getattr(event, "delta", None), "type", None)
    return text if delta_type == "text" and isinstance(text, str) else None


class _StreamState:
    """Everything a stream knows, updated by each payload; no I/O."""

    def __init__(self, interaction_id: str | None) -> None:
        self.interaction_id = interaction_id or None
        self.unstored = False
        self.last_event_id: str | None = None
        self.seen_ids: set[str] = set()
        self.events_received = 0
        self.recovered_events = 0
        self.position = 0
        self.replayed = 0
        self.done = False
        self.error: Any = None
        self.accumulator = features().accumulator()  # lib/_accumulate.py
        self.on_completed: Callable[[Any], None] | None = None
        """Told the finished interaction (how an answer left unfinished warns, `_continuation`)."""

    def _note_id(self, value: Any) -> None:
        if value == "":
            self.unstored = True  # a store: false interaction has an empty id (W86)
        elif isinstance(value, str) and self.interaction_id is None:
            self.interaction_id = value

    def accept(self, payload: Any) -> bool:
        """Record an event payload; False when it is a repeat to skip."""
        if type(payload) is not dict:  # what the JSON parsers give for an object
            return False
        self.position += 1
        event_id = payload.get("event_id")
        if type(event_id) is str and event_id:
            if event_id in self.seen_ids:
                return False
            self.seen_ids.add(event_id)
            self.last_event_id = event_id
        elif self.position <= self.replayed:
            return False  # a replay from the start, of events without ids: already delivered
        self.events_received += 1
        kind = payload.get("event_type")
        if kind != "step.delta":  # nearly every event is a delta, which none of these concern
            self._note_lifecycle(kind, payload)
        self.accumulator.add(payload)
        return True

    def _note_lifecycle(self, kind: Any, payload: dict[str, Any]) -> None:
        """The interaction's id, its end, or its error, from the events that carry them."""
        if kind in ("interaction.created", "interaction.completed"):
            interaction = payload.get("interaction")
            if isinstance(interaction, dict):
                self._note_id(interaction.get("id"))
        elif kind == "interaction.status_update":
            self._note_id(payload.get("interaction_id"))
        if kind == "interaction.completed":
            self.done = True
            if self.on_completed is not None:
                self.on_completed(payload.get("interaction"))
        elif kind == "error":
            self.done = True
            self.error = payload.get("error", payload)

    def reconnected(self) -> None:
        """A new connection starts; without event ids, it replays what was already delivered."""
        self.position = 0
        self.replayed = self.events_received if self.last_event_id is None else 0

    def recover(self, interaction: dict[str, Any]) -> list[dict[str, Any]]:
        """Events that deliver what the reader missed of a finished `interaction`."""
        payloads = features().recovery_events(self.accumulator, interaction)
        accepted = [payload for payload in payloads if self.accept(payload)]
        self.recovered_events += len(accepted)
        return accepted

    def answered_with_json(self, body: Any) -> list[dict[str, Any]] | None:
        """Events for a JSON answer to a streaming request: a finished interaction is delivered
        as recovery events; an error object raises; an unfinished interaction gives None."""
        if isinstance(body, dict) and isinstance(body.get("status"), str) and "error" not in body:
            self._note_id(body.get("id"))
            if body["status"] in TERMINAL_STATUSES:
                return self.recover(body)
            return None
        raise StreamError(
            f"the stream was answered with JSON instead of events: {str(body)[:200]}",
            body=body,
            events_received=self.events_received,
        )

    def incomplete(self, reason: str) -> StreamError:
        return StreamError(
            f"the stream ended without a terminal event after {self.events_received} "
            f"event(s): {reason}",
            events_received=self.events_received,
        )

    def cannot_resume(self, reason: str) -> StreamError | None:
        """The error to raise when this stream has nothing to resume from, else None."""
        if self.interaction_id is not None:
            return None
        if self.unstored:
            return StreamError(
                f"a store: false stream cannot be resumed (the API gives it no interaction id "
                f"and no event ids); {self.events_received} event(s) arrived before {reason}",
                events_received=self.events_received,
            )
        return self.incomplete(f"{reason}, and no interaction id is known to resume it")

    def raise_error(self) -> None:
        if self.error is not None:
            raise StreamError(
                f"the stream reported an error: {_describe(self.error)}",
                body=self.error,
                events_received=self.events_received,
            )


def _describe(error: Any) -> str:
    """An `error` event's object as text: `code: message` in either shape (W100), else as is."""
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        code = error.get("status") or error.get("code")
        return f"{code}: {error['message']}" if code is not None else error["message"]
    return str(error)


class _Batch(list[Any]):
    """The payloads decoded from one chunk: the reader makes one hop per chunk, not per event.

    `ended` is set when the chunk held `[DONE]`; `failure` is what cut the chunk short (a bare
    JSON line, data that is not JSON), raised once the payloads before it are delivered.
    """

    ended = False
    failure: tuple[str, Any] | None = None

    def raise_failure(self, state: _StreamState) -> None:
        if self.failure is not None:
            message, body = self.failure
            raise StreamError(message, body=body, events_received=state.events_received)


_loads: Callable[[str], Any] | None = None
"""`_tolerant.loads`, imported with the first stream (it loads pydantic, as the events do)."""


def _json_loads() -> Callable[[str], Any]:
    global _loads
    if _loads is None:
        from ._tolerant import loads

        _loads = loads
    return _loads


def _batch(decoded: list[ServerSentEvent | BareJsonLine]) -> _Batch:
    loads = _loads or _json_loads()
    batch = _Batch()
    append = batch.append
    for item in decoded:
        if item is DONE:
            batch.ended = True
            break
        if isinstance(item, BareJsonLine):
            try:
                body = json.loads(item.text)
            except (ValueError, RecursionError):
                body = item.text
            message = f"the stream carried a bare JSON line instead of an event: {item.text[:200]}"
            batch.failure = (message, body)
            break
        data = item.data
        if data[:1] != "{" and not data.strip():
            continue  # an empty `data:` line (W04)
        try:
            append(loads(data))
        except ValueError:
            batch.failure = (f"an event's data is not JSON: {data[:200]}", None)
            break
        except RecursionError:
            batch.failure = (f"an event's data {NESTING_PROBLEM}", None)
            break
    return batch


class _Connection(Value):
    """What the event loop of one stream needs; it never refers back to the `Stream`."""

    __slots__ = (
        "clock",
        "deadline",
        "max_event_bytes",
        "parse_event",
        "policy",
        "request",
        "response",
        "started",
        "state",
    )

    def __init__(
        self,
        response: httpx.Response | None,
        state: _StreamState,
        parse_event: Callable[[Any], Any],
        policy: ResumePolicy,
        clock: Callable[[], float],
        started: float,
        deadline: Deadline | None = None,
        max_event_bytes: int | None = None,
        request: httpx.Request | None = None,
    ) -> None:
        self.response = response
        self.state = state
        self.parse_event = parse_event
        self.policy = policy
        self.clock = clock
        self.started = started
        self.deadline = deadline
        """The call's total deadline (a numeric `timeout=`): resumes included."""
        self.max_event_bytes = max_event_bytes
        self.request = request
        """The first request, named by errors about the stream as a whole."""

    def within_grace(self) -> bool:
        return bool(self.clock() - self.started <= self.policy.grace_period)


_ENDED_INSIDE_AN_EVENT = "the stream ended in the middle of an event"


class _JsonInsteadOfEventsError(Exception):
    """The server answered a streaming request with plain JSON instead of events."""

    def __init__(self, body: Any) -> None:
        super().__init__("a JSON answer")
        self.body = body


def _is_json(response: httpx.Response) -> bool:
    content_type: str = response.headers.get("content-type", "")
    return content_type.startswith("application/json")


def _json_answer(content: bytes) -> _JsonInsteadOfEventsError:
    try:
        return _JsonInsteadOfEventsError(json.loads(content))
    except ValueError:
        return _JsonInsteadOfEventsError(content.decode("utf-8", errors="replace"))


class _EndedInsideAnEventError(Exception):
    """The body ended inside an event (discarded); resume like a drop."""
