# Copied from runtime/_core/_async_api_client.py by interactions-codegen; edit it there.
"""`AsyncAPIClient`: sends the generated resources' calls over an `AsyncTransport`.

This is the one source of both API clients: `_sync_api_client` (`SyncAPIClient`) is rewritten
from this module token by token when the package is generated. Preparing a request (body model,
rules, headers) and parsing an answer are shared, in `_api_client`.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from ._api_client import (
    Call,
    StreamSpec,
    _CallPreparation,
    _deadline,
    _event_what,
    _follow_up_options,
    _json_object,
    _path_value,
    _resume_call,
    _resumed,
    _start_request,
    _status_call,
    _stream_call,
    _UploadSession,
    _wire_parser,
)
from ._async_transport import AsyncTransport
from ._async_waiting import async_retry_while_absent, async_wait_until_done
from ._client_base import ClientCore, RequestOptions
from ._raw_response import RawResponse, take_raw_request
from ._uploads import UploadData, read_upload

if TYPE_CHECKING:  # streams load on the first streaming call, httpx with the first request
    import httpx

    from ._async_streaming import AsyncStream
    from ._tracing import CallSpan

__all__ = ["AsyncAPIClient"]


class AsyncAPIClient(_CallPreparation):
    """Sends calls asynchronously; the generated `AsyncClient` adds the resources."""

    def __init__(self, core: ClientCore, transport: AsyncTransport, package: str) -> None:
        self._core = core
        self._transport = transport
        self._package = package
        # tracing costs one test per call, and only loads when the application uses OpenTelemetry
        self._traced = "opentelemetry.trace" in sys.modules
        if self._traced:
            from ._tracing import retried

            transport.on_retry = retried

    async def call(self, call: Call, options: RequestOptions | None = None) -> Any:
        """Send one call and return its parsed response (None when it has no body), or its
        `RawResponse` when the call came through `with_raw_response`."""
        if self._traced:
            from ._tracing import tracing_for

            tracing = tracing_for(self._core.base_url)
            if tracing is not None:
                with tracing.call_span(call) as span:
                    return span.answered(await self._call(call, options))
        return await self._call(call, options)

    async def _call(self, call: Call, options: RequestOptions | None = None) -> Any:
        raw = take_raw_request()
        request = self._prepare(call, options)
        policy = self._core.policy_for(options)
        deadline = _deadline(options, self._transport.clock)
        if call.absent_grace:
            response = await async_retry_while_absent(
                lambda: self._transport.send(request, policy, deadline=deadline),
                grace_period=call.absent_grace,
                sleep=self._transport.sleep,
                clock=self._transport.clock,
            )
        else:
            response = await self._transport.send(request, policy, deadline=deadline)
        if raw:
            return RawResponse(response, lambda: self._parse(call, response))
        return self._parse(call, response)

    async def stream(
        self, call: Call, spec: StreamSpec, options: RequestOptions | None = None
    ) -> AsyncStream[Any, Any] | RawResponse[AsyncStream[Any, Any]]:
        """Send a streaming call; the stream resumes itself when the connection drops (through
        `with_raw_response`: the `RawResponse` whose `parse()` is the stream)."""
        span: CallSpan | None = None
        if self._traced:
            from ._tracing import tracing_for

            tracing = tracing_for(self._core.base_url)
            if tracing is not None:
                span = tracing.open(call)
                try:
                    with span.current():
                        return await self._stream(call, spec, options, span)
                except BaseException as error:
                    span.failed(error)
                    span.end()
                    raise
        return await self._stream(call, spec, options, span)

    async def _stream(
        self, call: Call, spec: StreamSpec, options: RequestOptions | None, span: CallSpan | None
    ) -> AsyncStream[Any, Any] | RawResponse[AsyncStream[Any, Any]]:
        raw = take_raw_request()
        policy = self._core.policy_for(options)
        request = self._prepare(_stream_call(call, spec), options, streaming=True)
        deadline = _deadline(options, self._transport.clock)
        response = await self._transport.send(request, policy, stream=True, deadline=deadline)
        follow_up = _follow_up_options(options)

        async def fetch_status(interaction_id: str) -> dict[str, Any]:
            status = self._prepare(_status_call(spec, interaction_id), follow_up)
            return _json_object(await self._transport.send(status, policy, deadline=deadline))

        async def reconnect(interaction_id: str, last_event_id: str | None) -> httpx.Response:
            resume = self._prepare(
                _resume_call(spec, interaction_id, last_event_id), follow_up, streaming=True
            )
            if span is not None:  # a resume, and its retries, are events of the stream's span
                span.event("resume", **{"gen_ai.response.id": interaction_id})
                with span.current():
                    return await self._transport.send(
                        resume, policy, stream=True, deadline=deadline
                    )
            return await self._transport.send(resume, policy, stream=True, deadline=deadline)

        from ._async_streaming import AsyncStream

        stream = AsyncStream(
            response,
            parse_event=_wire_parser(self._package, spec.event_schema, _event_what),
            parse_final=self._final_parser(call, spec),
            fetch_status=fetch_status,
            reconnect=reconnect,
            policy=self.resume_policy,
            interaction_id=_path_value(call, spec.resume_path_parameter),
            sleep=self._transport.sleep,
            clock=self._transport.clock,
            deadline=deadline,
            max_event_bytes=self._transport.limits.max_event_bytes,
        )
        if span is not None:  # the span ends with the stream
            from ._tracing import _async_traced_events

            stream._iterator = _async_traced_events(stream._iterator, span, stream._state)
        return RawResponse(response, lambda: stream) if raw else stream

    async def resume(
        self, spec: StreamSpec, interaction_id: str, last_event_id: str | None
    ) -> AsyncStream[Any, Any]:
        """Re-open the event stream of an interaction after `last_event_id`."""
        call = _resume_call(spec, interaction_id, last_event_id)
        opened = await self.stream(call, _resumed(spec))
        return opened.parse() if isinstance(opened, RawResponse) else opened

    async def wait(self, fetch: Callable[[], Awaitable[Any]], **settings: float) -> Any:
        """Poll `fetch` until a terminal status (see `_waiting`)."""
        transport = self._transport
        return await async_wait_until_done(
            fetch, sleep=transport.sleep, clock=transport.clock, **settings
        )

    async def upload(
        self,
        start: Call,
        data: UploadData,
        content_type: str | None,
        options: RequestOptions | None = None,
    ) -> Any:
        """Resumable upload: start a session, then send every byte and finalize in one request."""
        payload, kind = read_upload(data, content_type, start.template)
        request = _start_request(self, start, len(payload), kind, options)
        policy = self._core.policy_for(options)
        deadline = _deadline(options, self._transport.clock)
        session = _UploadSession.from_response(
            self._core, request, await self._transport.send(request, policy, deadline=deadline)
        )
        response = await self._transport.send(session.finish(payload), policy, deadline=deadline)
        return _json_object(response) if response.content.strip() else None

    async def close(self) -> None:
        """Close the HTTP connections this client opened."""
        await self._transport.close()
