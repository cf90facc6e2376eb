"""Streaming on the raw loopback server, where the test controls every byte: SSE framing, chunk
boundaries, the benchmark's 10,047-event payload, streams that end badly, and `wait()` through
statuses the fake does not send. Resuming after cuts at random bytes and events runs against
the fake API in test_streaming_on_fake.py."""

from __future__ import annotations

import asyncio
import json
import random
import typing
from typing import Any

import gemini_interactions as gi
import pytest
from gemini_interactions import AsyncClient, Client, SyncTransport
from gemini_interactions._core._sse import DONE, BareJsonLine, ServerSentEvent, SSEDecoder

from tests.client.conftest import API_KEY
from tests.client.loopback import LoopbackServer, RecordedRequest, Reply
from tests.conftest import SHARED

STREAM = (SHARED / "bench" / "payloads" / "stream.sse").read_bytes()


def decode_all(chunks: list[bytes]) -> list[Any]:
    decoder = SSEDecoder()
    items = [item for chunk in chunks for item in decoder.feed(chunk)]
    return items + list(decoder.flush())


FRAMES = (
    'event: step.delta\r\ndata: {"a": "é漢😀"}\r\nid: 7\r\n\r\n'
    ": keep-alive comment\n"
    "data: line one\ndata: line two\n\n"
    "retry: 3000\rdata: cr only\r\r"
    "data: last without blank line"
).encode()


def test_sse_framing_crlf_lf_cr_multiline_comments_and_ids() -> None:
    decoder = SSEDecoder()
    items = [*decoder.feed(FRAMES), *decoder.flush()]
    assert items == [
        ServerSentEvent(data='{"a": "é漢😀"}', event="step.delta", id="7"),
        ServerSentEvent(data="line one\nline two", id="7"),
        ServerSentEvent(data="cr only", id="7", retry=3000),
    ]
    # WHATWG "event stream interpretation": an event unterminated at the end is discarded
    assert decoder.discarded_partial_event


def test_a_done_sentinel_without_its_blank_line_still_ends_the_stream() -> None:
    decoder = SSEDecoder()
    assert [*decoder.feed(b"event: done\ndata: [DONE]"), *decoder.flush()] == [DONE]
    assert not decoder.discarded_partial_event


def test_event_names_from_a_server_that_invents_them_keep_their_text_and_no_memory() -> None:
    """Decoded `event:` names are remembered for the next event; a server sending a new name on
    every event gets every name right and grows nothing past a small bound."""
    from gemini_interactions._core import _sse

    decoder = SSEDecoder()
    frames = b"".join(f'event: kind.{n}.é\ndata: {{"n": {n}}}\n\n'.encode() for n in range(500))
    items = decoder.feed(frames)
    assert [item.event for item in items] == [f"kind.{n}.é" for n in range(500)]  # type: ignore[union-attr]
    assert [item.data for item in items] == [f'{{"n": {n}}}' for n in range(500)]  # type: ignore[union-attr]
    assert 0 < len(_sse._EVENT_NAMES) <= 64


@pytest.mark.parametrize("seed", range(20))
def test_sse_chunk_boundaries_anywhere_even_inside_utf8(seed: int) -> None:
    rng = random.Random(seed)
    cuts = sorted(rng.sample(range(1, len(FRAMES)), 12))
    chunks = [FRAMES[a:b] for a, b in zip([0, *cuts], [*cuts, len(FRAMES)], strict=True)]
    assert decode_all(chunks) == decode_all([FRAMES])
    assert decode_all([bytes([byte]) for byte in FRAMES]) == decode_all([FRAMES])


LF_FRAMES = (
    'event: step.delta\ndata: {"a": "é漢😀"}\n\n'
    ": keep-alive\n\n"
    "id: 9\ndata: two\ndata: lines\n\n"
    'data: {"b": 1}\n\n\n\n'
    'event: x\nretry: 5\ndata: {"c": 2}\n\n'
    '{"error": {"message": "refused"}}\n'
    "data: [DONE]\n\n"
).encode()


@pytest.mark.parametrize("seed", range(20))
def test_the_lf_fast_path_agrees_with_line_by_line_decoding(seed: int) -> None:
    rng = random.Random(seed)
    cuts = sorted(rng.sample(range(1, len(LF_FRAMES)), 9))
    chunks = [LF_FRAMES[a:b] for a, b in zip([0, *cuts], [*cuts, len(LF_FRAMES)], strict=True)]
    # CRLF line ends take the line-by-line path: both paths must decode the same items
    expected = decode_all([LF_FRAMES.replace(b"\n", b"\r\n")])
    assert decode_all(chunks) == decode_all([LF_FRAMES]) == expected
    assert expected[0] == ServerSentEvent(data='{"a": "é漢😀"}', event="step.delta")
    assert ServerSentEvent(data="two\nlines", id="9") in expected
    assert expected[-2:] == [BareJsonLine('{"error": {"message": "refused"}}'), DONE]


def test_done_sentinel_and_bare_json_lines() -> None:
    # W87: the stream ends with data [DONE]
    items = decode_all([b'data: {"x":1}\n\n{"error": {"message": "refused"}}\ndata: [DONE]\n\n'])
    assert items == [
        ServerSentEvent('{"x":1}'),
        BareJsonLine('{"error": {"message": "refused"}}'),
        DONE,
    ]


def stream_reply(body: bytes = STREAM, cut_at: int | None = None) -> Reply:
    return Reply(raw=body, content_type="text/event-stream", cut_at=cut_at)


def test_create_streams_typed_events_and_accumulates_the_interaction(
    client: Client, server: LoopbackServer
) -> None:
    server.handler = lambda request: stream_reply()
    stream = client.interactions.create(model="gemini-3-flash-preview", input="go", stream=True)
    kinds: dict[str, int] = {}
    for event in stream:
        kinds[type(event).__name__] = kinds.get(type(event).__name__, 0) + 1
    assert sum(kinds.values()) == 10047 == stream.events_received
    assert kinds["StepDelta"] > 9000 and kinds["InteractionCompletedEvent"] == 1
    request = server.requests[0]
    assert request.query["alt"] == ["sse"] and request.json()["stream"] is True
    final = stream.final()
    assert isinstance(final, gi.Interaction) and final.status == "requires_action"
    assert final.usage is not None and final.usage.total_tokens == 61232
    steps = final.steps or []
    assert [type(step).__name__ for step in steps][:1] == ["ThoughtStep"]
    calls = [step for step in steps if isinstance(step, gi.FunctionCallStep)]
    assert calls and isinstance(calls[-1].arguments, dict)
    texts = [
        block
        for step in steps
        if isinstance(step, gi.ModelOutputStep)
        for block in step.content or []
    ]
    assert texts and all(isinstance(block, gi.TextContent) for block in texts)


EVENTS = [chunk + b"\n\n" for chunk in STREAM.split(b"\n\n") if chunk.strip()]
INTERACTION_ID = "v1_ChdBbmNob3JCZW5jaG1hcmtTdHJlYW0"


def test_a_clean_close_before_completion_resumes_or_completes_from_status(
    client: Client, server: LoopbackServer
) -> None:
    head = b"".join(EVENTS[:100])

    def handler(request: RecordedRequest) -> Reply:
        if request.method == "POST":
            return stream_reply(head)
        return Reply(
            body={"id": INTERACTION_ID, "status": "completed", "usage": {"total_tokens": 5}}
        )

    server.handler = handler
    stream = client.interactions.create(model="m", input="go", stream=True)
    events = list(stream)
    assert len(events) == 101
    assert isinstance(events[-1], gi.InteractionCompletedEvent)
    # the clean close was resumed after the 100th event; the resume's JSON answer finished it
    resume = server.requests[1]
    assert resume.method == "GET" and resume.query["alt"] == ["sse"]
    assert resume.query["last_event_id"] == [events[99].event_id]
    assert len(server.requests) == 2 and stream.recovered_events == 1
    final = stream.final()
    assert final.status == "completed" and final.usage and final.usage.total_tokens == 5
    assert len(final.steps or []) >= 1


def test_a_bare_json_line_is_a_typed_stream_error(client: Client, server: LoopbackServer) -> None:
    # W77: a refusal as a bare JSON line in a stream
    refusal = {"error": {"code": 400, "message": "Request blocked due to safety violations"}}
    body = b"".join(EVENTS[:3]) + json.dumps(refusal).encode() + b"\n"
    server.handler = lambda request: stream_reply(body)
    stream = client.interactions.create(model="m", input="go", stream=True)
    received = []
    with pytest.raises(gi.StreamError) as raised:
        for event in stream:
            received.append(event)
    assert len(received) == 3
    assert raised.value.body == refusal and raised.value.events_received == 3


def test_an_error_event_is_delivered_then_raised(client: Client, server: LoopbackServer) -> None:
    error = b'data: {"event_type":"error","error":{"code":"internal","message":"boom"}}\n\n'
    server.handler = lambda request: stream_reply(EVENTS[0] + error)
    stream = client.interactions.create(model="m", input="go", stream=True)
    received = []
    with pytest.raises(gi.StreamError, match="boom"):
        for event in stream:
            received.append(event)
    assert isinstance(received[-1], gi.ErrorEvent)


def test_get_stream_and_explicit_resume(client: Client, server: LoopbackServer) -> None:
    server.handler = lambda request: stream_reply(b"".join(EVENTS[10000:]))
    events = list(client.interactions.get(INTERACTION_ID, stream=True))
    assert events[-1].event_id == "evt_010046"
    # W03/W94: alt=sse alone selects SSE; a `stream` query parameter on this GET once failed
    assert server.requests[0].query == {"alt": ["sse"]}
    resumed = client.interactions.resume(INTERACTION_ID, last_event_id="evt_009999")
    assert next(event.event_id for event in resumed) == "evt_010000"
    assert server.requests[1].query == {"alt": ["sse"], "last_event_id": ["evt_009999"]}


def test_breaking_out_closes_the_stream(client: Client, server: LoopbackServer) -> None:
    server.handler = lambda request: stream_reply()
    with client.interactions.create(model="m", input="go", stream=True) as stream:
        for index, _ in enumerate(stream):
            if index == 5:
                break
    assert stream.events_received == 6
    with pytest.raises(StopIteration):
        next(stream)


def test_async_stream_accumulates(server: LoopbackServer) -> None:
    server.handler = lambda request: stream_reply()

    async def scenario() -> gi.Interaction:
        async with AsyncClient(api_key=API_KEY, base_url=server.url) as client:
            stream = await client.interactions.create(model="m", input="go", stream=True)
            count = 0
            async for _ in stream:
                count += 1
            assert count == 10047
            return await stream.final()

    final = asyncio.run(scenario())
    assert final.status == "requires_action"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def waiting_client(server: LoopbackServer, clock: Clock) -> Client:
    transport = SyncTransport(sleep=clock.sleep, clock=clock)
    return Client(api_key=API_KEY, base_url=server.url, transport=transport, max_retries=0)


def test_wait_polls_through_unknown_statuses_and_early_404s(server: LoopbackServer) -> None:
    answers = [
        Reply(status=404, body={"error": {"message": "not yet"}}),
        Reply(status=403, body={"error": {"message": "not yet"}}),
        Reply(body={"id": "i", "status": "in_progress"}),
        Reply(body={"id": "i", "status": "thinking_hard"}),
        Reply(body={"id": "i", "status": "completed"}),
    ]
    server.handler = lambda request: answers.pop(0)
    clock = Clock()
    result = waiting_client(server, clock).interactions.wait("i", poll_interval=1.0)
    assert result.status == "completed" and answers == []
    assert clock.now == pytest.approx(1 + 1.5 + 2.25 + 3.375)


@pytest.mark.parametrize("status", ["requires_continuation", "idle"])
def test_wait_stops_at_the_bindings_statuses_that_wait_for_the_caller(
    status: str, server: LoopbackServer
) -> None:
    # W92, W93: known values now (type checkers see them), terminal for wait(); W98:
    # requires_continuation only when the interaction is not background work
    assert status in typing.get_args(gi.InteractionStatus)
    answers = [
        Reply(body={"id": "i", "status": "in_progress"}),
        Reply(body={"id": "i", "status": status, "background": False}),
    ]
    server.handler = lambda request: answers.pop(0)
    result = waiting_client(server, Clock()).interactions.wait("i", poll_interval=1.0)
    assert result.status == status and answers == []


def test_wait_polls_on_through_requires_continuation_of_background_work(
    server: LoopbackServer,
) -> None:
    # W98: the server continues background work by itself
    answers = [
        Reply(body={"id": "i", "status": "requires_continuation", "background": True}),
        Reply(body={"id": "i", "status": "requires_continuation"}),
        Reply(body={"id": "i", "status": "completed", "background": True}),
    ]
    server.handler = lambda request: answers.pop(0)
    result = waiting_client(server, Clock()).interactions.wait("i", poll_interval=1.0)
    assert result.status == "completed" and answers == []


def test_wait_gives_up_on_late_404s_and_after_the_timeout(server: LoopbackServer) -> None:
    server.handler = lambda request: Reply(body={"id": "i", "status": "in_progress"})
    with pytest.raises(gi.GeminiError, match="not finished after 5s"):
        waiting_client(server, Clock()).interactions.wait("i", timeout=5)
    server.handler = lambda request: Reply(status=404, body={"error": {"message": "gone"}})
    with pytest.raises(gi.NotFoundError):
        waiting_client(server, Clock()).interactions.wait("i", grace_period=3, timeout=60)
