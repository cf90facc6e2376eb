"""The continuation loops of `create(..., automatic_continuation=True)`: the one source of both.

`_sync_continuation` (`continue_call`, `continue_stream`, `ContinuationStream`) is rewritten from
this module when the package is generated. What a hop sends, when to take one and how hops merge
is decided in `_continuation` (fact W98); this module only sends the hops and reads them.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import suppress
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .._core._async_streaming import AsyncStream
from .._core._errors import GeminiError
from .._core._raw_response import RawResponse
from .._core._streaming import delta_text
from ._continuation import (
    ContinuationError,
    ContinuationSpec,
    _Plan,
    _same_token,
    _StreamHops,
    merge_hops,
)

if TYPE_CHECKING:
    from .._core._api_client import Call, StreamSpec
    from .._core._async_api_client import AsyncAPIClient
    from .._core._client_base import RequestOptions

__all__ = ["AsyncContinuationStream", "async_continue_call", "async_continue_stream"]

_EventT = TypeVar("_EventT")
_FinalT = TypeVar("_FinalT")


async def async_continue_call(
    client: AsyncAPIClient,
    call: Call,
    spec: ContinuationSpec,
    options: RequestOptions | None,
    automatic: bool | None,
) -> Any:
    """Send `call`; with `automatic`, continue a `requires_continuation` answer hop by hop and
    return the merged result (`ContinuationError` when a hop fails after the first)."""
    plan = _Plan(call, spec, options, automatic, client._transport.clock)
    first = await client.call(plan.first_call(), options)
    if isinstance(first, RawResponse) or not plan.enabled:  # a raw response is one HTTP answer
        plan.warn_if_incomplete(first, stacklevel=4)
        return first
    hops = [first]
    sent = (call.body or {}).get(spec.token)
    while plan.continues(hops[-1]):
        token = str(hops[-1].continuation_token)
        owner = hops[-1].id or None
        if token == sent:
            raise plan.interrupted(_same_token(token), hops, token, owner)
        try:
            plan.check_time()
            hops.append(await client.call(plan.hop_call(token, owner), plan.hop_options()))
        except GeminiError as error:
            raise plan.interrupted(str(error), hops, token, owner) from error
        sent = token
    return merge_hops(hops)


async def async_continue_stream(
    client: AsyncAPIClient,
    call: Call,
    stream_spec: StreamSpec,
    spec: ContinuationSpec,
    options: RequestOptions | None,
    automatic: bool | None,
) -> Any:
    """Open the stream of `call`; with `automatic`, an `AsyncContinuationStream` that reads
    every hop as one stream."""
    plan = _Plan(call, spec, options, automatic, client._transport.clock)
    first = await client.stream(plan.first_call(), stream_spec, options)
    if isinstance(first, RawResponse):
        return first
    if not plan.enabled:
        if plan.warns:  # told once the stream's `interaction.completed` arrives
            first._state.on_completed = plan.warn_if_incomplete
        return first
    return AsyncContinuationStream(client, plan, stream_spec, first)


async def _async_hop_events(
    client: AsyncAPIClient, hops: _StreamHops, spec: StreamSpec
) -> AsyncGenerator[Any, None]:
    plan = hops.plan
    while True:
        current = hops.streams[-1]
        failure: GeminiError | None = None
        try:
            async for event in current:
                hops.observe(event)
                yield event
        except GeminiError as error:
            failure = error
        with suppress(GeminiError):  # a dropped hop: what arrived of it
            hops.finals.append(await current.final())
        try:
            following = hops.next_hop(failure)
        except ContinuationError as stop:
            if failure is not None and not hops.progressed():
                raise failure from None  # nothing to continue from: the first hop's own error
            raise stop from failure
        if following is None:
            return
        token, owner = following
        try:
            plan.check_time()
            opened = await client.stream(plan.hop_call(token, owner), spec, plan.hop_options())
        except GeminiError as error:
            raise hops.stop(str(error)) from error
        hops.start(token, owner)
        hops.streams.append(opened.parse() if isinstance(opened, RawResponse) else opened)


class AsyncContinuationStream(AsyncStream[_EventT, _FinalT], Generic[_EventT, _FinalT]):
    """The events of every hop of a continued answer, read as one stream: each hop's events in
    order (its own `interaction.created` ... `interaction.completed`), text exactly once;
    `final()` merges the hops (steps in order, usage summed, `continuation_ids`)."""

    def __init__(  # the hops' own streams do the reading; this one only chains them
        self,
        client: AsyncAPIClient,
        plan: _Plan,
        spec: StreamSpec,
        first: AsyncStream[_EventT, _FinalT],
    ) -> None:
        self._hops = _StreamHops(plan)
        self._hops.streams.append(first)
        self._chain = _async_hop_events(client, self._hops, spec)
        self._count = 0

    @property
    def interaction_id(self) -> str | None:
        """The id of the hop being read (None for a `store: false` stream)."""
        current: AsyncStream[Any, Any] = self._hops.streams[-1]
        return current.interaction_id

    @property
    def last_event_id(self) -> str | None:
        """The last event id of the hop being read (event ids belong to one hop)."""
        current: AsyncStream[Any, Any] = self._hops.streams[-1]
        return current.last_event_id

    @property
    def events_received(self) -> int:
        """How many events were delivered, over all hops so far."""
        return self._count

    @property
    def recovered_events(self) -> int:
        """Events rebuilt from a finished hop after a failed re-stream, over all hops."""
        return sum(stream.recovered_events for stream in self._hops.streams)

    @property
    def continuation_ids(self) -> tuple[str, ...]:
        """The ids of the hops read so far (a `store: false` hop has none)."""
        ids = [stream.interaction_id for stream in self._hops.streams]
        return tuple(dict.fromkeys(identifier for identifier in ids if identifier))

    def __aiter__(self) -> AsyncIterator[_EventT]:
        return self

    async def __anext__(self) -> _EventT:
        event: _EventT = await self._chain.__anext__()
        self._count += 1
        return event

    async def final(self) -> _FinalT:
        """Read every hop to its end and return the merged interaction."""
        async for _ in self._chain:
            self._count += 1
        result: _FinalT = merge_hops(self._hops.finals)
        return result

    async def text_stream(self) -> AsyncIterator[str]:
        """Only the answer's text, piece by piece, across hops."""
        async for event in self:
            text = delta_text(event)
            if text is not None:
                yield text

    async def close(self) -> None:
        """Stop reading and close the connection of the hop being read."""
        await self._chain.aclose()
        await self._hops.streams[-1].close()
