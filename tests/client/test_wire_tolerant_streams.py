"""Streams that bend the protocol, over real HTTP on 127.0.0.1: never lose what the wire sent.

- a body that ends cleanly inside an event is resumed (WHATWG discards the unterminated event);
- a reader of `delta.text` sees the whole answer even when re-streaming fails (recovery events);
- `store: false` streams (W86: empty ids, no event ids, `[DONE]` at the end, W87) cannot resume,
  and say so; a server that replays from the start without ids is de-duplicated;
- events that break their schema (W04 empty data, W62 file-search result without `result`, W91
  arguments cut off) are delivered, logged once, and never end the stream;
- dropping a stream without `with` closes its connection (no reference cycle).
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import random
import socket
import threading
import time
from typing import Any

import gemini_interactions as gi
import pytest
from gemini_interactions import AsyncClient, AsyncTransport, Client, SyncTransport
from gemini_interactions._core._streaming import ResumePolicy

from tests.client.conftest import API_KEY
from tests.client.loopback import LoopbackServer, RecordedRequest, Reply
from tests.json_exact import assert_json_exact

ANSWER = "".join(f"w{index:03d}, " for index in range(42))  # 252 characters
assert len(ANSWER) == 252
PIECES = [ANSWER[offset : offset + 6] for offset in range(0, len(ANSWER), 6)]
ID = "int_wire_1"


def sse(payload: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(payload).encode() + b"\n\n"


def answer_events(interaction_id: str = ID, with_ids: bool = True) -> list[dict[str, Any]]:
    """A text answer as the API streams it (W87: a status update before the first step)."""
    events: list[dict[str, Any]] = [
        {
            "event_type": "interaction.created",
            "interaction": {"id": interaction_id, "status": "in_progress"},
        },
        {
            "event_type": "interaction.status_update",
            "interaction_id": interaction_id,
            "status": "in_progress",
        },
        {"event_type": "step.start", "index": 0, "step": {"type": "model_output", "content": []}},
        *(
            {"event_type": "step.delta", "index": 0, "delta": {"type": "text", "text": piece}}
            for piece in PIECES
        ),
        {"event_type": "step.stop", "index": 0},
        {
            "event_type": "interaction.completed",
            "interaction": {"id": interaction_id, "status": "completed"},
        },
    ]
    if with_ids:
        for number, event in enumerate(events):
            event["event_id"] = f"evt_{number:04d}"
    return events


def finished_interaction(interaction_id: str = ID) -> dict[str, Any]:
    return {
        "id": interaction_id,
        "status": "completed",
        "steps": [{"type": "model_output", "content": [{"type": "text", "text": ANSWER}]}],
    }


def body_of(events: list[dict[str, Any]]) -> bytes:
    return b"".join(sse(event) for event in events)


def stream_reply(body: bytes, cut_at: int | None = None) -> Reply:
    return Reply(raw=body, content_type="text/event-stream", cut_at=cut_at)


def printed_text(events: list[Any]) -> str:
    """What a user printing `event.delta.text` sees."""
    return "".join(
        event.delta.text
        for event in events
        if isinstance(event, gi.StepDelta) and isinstance(event.delta, gi.TextDelta)
    )


def cut_inside_an_event(body: bytes, rng: random.Random) -> int:
    """A byte offset strictly inside one event of `body` (never on a boundary)."""
    while True:
        cut = rng.randrange(len(body) // 6, len(body) - 10)
        if body[cut - 2 : cut] != b"\n\n" and body[cut - 1 : cut + 1] != b"\n\n":
            return cut


def _after(events: list[dict[str, Any]], last_event_id: str | None) -> list[dict[str, Any]]:
    if last_event_id is None:
        return events
    ids = [event.get("event_id") for event in events]
    return events[ids.index(last_event_id) + 1 :]


def sync_client(server: LoopbackServer) -> Client:
    client = Client(
        api_key=API_KEY,
        base_url=server.url,
        max_retries=0,
        transport=SyncTransport(sleep=lambda seconds: None),
    )
    client.resume_policy = ResumePolicy(max_attempts=3)
    return client


def async_client(server: LoopbackServer) -> AsyncClient:
    async def no_sleep(seconds: float) -> None:
        return None

    client = AsyncClient(
        api_key=API_KEY,
        base_url=server.url,
        max_retries=0,
        transport=AsyncTransport(sleep=no_sleep),
    )
    client.resume_policy = ResumePolicy(max_attempts=3)
    return client


def read_all_sync(server: LoopbackServer) -> tuple[list[Any], Any]:
    with sync_client(server) as client:
        stream = client.interactions.create(model="m", input="go", stream=True)
        events = list(stream)
        return events, stream.final()


def read_all_async(server: LoopbackServer) -> tuple[list[Any], Any]:
    async def run() -> tuple[list[Any], Any]:
        async with async_client(server) as client:
            stream = await client.interactions.create(model="m", input="go", stream=True)
            events = [event async for event in stream]
            return events, await stream.final()

    return asyncio.run(run())


READERS = {"sync": read_all_sync, "async": read_all_async}


# 1. A clean end in the middle of an event resumes -------------------------------------------


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_body_that_ends_cleanly_inside_an_event_is_resumed(
    mode: str, seed: int, server: LoopbackServer
) -> None:
    events = answer_events()
    body = body_of(events)
    cut = cut_inside_an_event(body, random.Random(seed))

    def handler(request: RecordedRequest) -> Reply:
        if request.method == "POST":
            return stream_reply(body[:cut])  # a complete HTTP answer, cut inside an event
        last = request.query.get("last_event_id", [None])[0]
        return stream_reply(body_of(_after(events, last)))

    server.handler = handler
    received, final = READERS[mode](server)
    assert [event.event_id for event in received] == [event["event_id"] for event in events]
    assert printed_text(received) == ANSWER
    resumes = [r for r in server.requests if r.method == "GET"]
    assert len(resumes) == 1 and "last_event_id" in resumes[0].query
    assert final.steps[0].content[0].text == ANSWER


# 2. A reader of events never silently misses content -----------------------------------------


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_when_re_streaming_fails_the_reader_still_sees_every_character(
    mode: str, seed: int, server: LoopbackServer
) -> None:
    events = answer_events()
    body = body_of(events)
    cut = random.Random(seed).randrange(len(body) // 3, len(body) * 2 // 3)

    def handler(request: RecordedRequest) -> Reply:
        if request.method == "POST":
            return stream_reply(body, cut_at=cut)  # the connection drops
        if "alt" in request.query:  # re-streaming is refused for this interaction
            return Reply(status=400, body={"error": {"message": "stream not available"}})
        return Reply(body=finished_interaction())

    server.handler = handler
    received, final = READERS[mode](server)
    assert printed_text(received) == ANSWER
    assert isinstance(received[-1], gi.InteractionCompletedEvent)
    assert final.steps[0].content[0].text == ANSWER
    methods = [(r.method, "alt" in r.query) for r in server.requests]
    assert methods == [("POST", True), ("GET", True), ("GET", False)], "re-stream first"


def test_recovery_events_start_the_steps_a_reader_never_saw(server: LoopbackServer) -> None:
    events = answer_events()
    head = body_of(events[:2])  # created and status update only

    def handler(request: RecordedRequest) -> Reply:
        if request.method == "POST":
            return stream_reply(head)
        if "alt" in request.query:
            return Reply(status=400, body={"error": {"message": "no"}})
        return Reply(body=finished_interaction())

    server.handler = handler
    with sync_client(server) as client:
        stream = client.interactions.create(model="m", input="go", stream=True)
        received = list(stream)
        assert stream.recovered_events == 4  # start, one text delta, stop, completed
    kinds = [type(event).__name__ for event in received]
    assert kinds[2:] == ["StepStart", "StepDelta", "StepStop", "InteractionCompletedEvent"]
    assert printed_text(received) == ANSWER and received[2].event_id is None


# 3. Streams without ids (store: false) --------------------------------------------------------


def unstored_body() -> bytes:
    events = answer_events(interaction_id="", with_ids=False)
    return body_of(events) + b"event: done\ndata: [DONE]\n\n"


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_complete_store_false_stream_reads_to_its_done_frame(
    mode: str, server: LoopbackServer
) -> None:
    server.handler = lambda request: stream_reply(unstored_body())
    received, final = READERS[mode](server)
    assert printed_text(received) == ANSWER and final.status == "completed"
    assert len(server.requests) == 1


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_dropped_store_false_stream_says_it_cannot_resume(
    mode: str, seed: int, server: LoopbackServer
) -> None:
    body = unstored_body()
    cut = random.Random(seed).randrange(len(body) // 3, len(body) - 40)
    server.handler = lambda request: stream_reply(body, cut_at=cut)
    with pytest.raises(gi.StreamError, match="store: false stream cannot be resumed") as raised:
        READERS[mode](server)
    assert raised.value.events_received >= 2
    assert f"{raised.value.events_received} event(s) arrived" in str(raised.value)
    assert [r.method for r in server.requests] == ["POST"], "no request to an empty id (W86)"


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_replay_from_the_start_without_event_ids_shows_the_text_once(
    mode: str, seed: int, server: LoopbackServer
) -> None:
    body = body_of(answer_events(with_ids=False))
    cut = random.Random(seed).randrange(len(body) // 4, len(body) - 40)

    def handler(request: RecordedRequest) -> Reply:
        if request.method == "POST":
            return stream_reply(body, cut_at=cut)
        assert "last_event_id" not in request.query or request.query["last_event_id"] == [""]
        return stream_reply(body)  # the whole stream again, from its first event

    server.handler = handler
    received, final = READERS[mode](server)
    assert printed_text(received) == ANSWER  # 252 characters, not 376
    assert final.steps[0].content[0].text == ANSWER


# 4. Events that break their schema never abort the stream ------------------------------------


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_schema_breaking_events_are_delivered_and_logged_once(
    mode: str, server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    events: list[dict[str, Any]] = [
        {"event_type": "interaction.created", "interaction": {"id": ID, "status": "in_progress"}},
        {"event_type": "interaction.status_update", "status": "in_progress"},  # no id
        {
            "event_type": "step.start",
            "index": 0,
            "step": {"type": "function_call", "id": "c1", "name": "now"},
        },
        {"event_type": "step.stop", "index": 0},
        {
            "event_type": "step.start",
            "index": 1,
            "step": {"type": "file_search_result", "call_id": "f1"},
        },
        {"event_type": "step.delta", "index": 1, "delta": {"type": "file_search_result"}},  # W62
        {"event_type": "step.stop", "index": 1},
        {"event_type": "error", "error": {"code": 429, "message": "quota"}},  # a numeric code
    ]
    body = body_of(events[:2]) + b"data:\n\n" + body_of(events[2:])  # an empty data line (W04)
    server.handler = lambda request: stream_reply(body)
    received: list[Any] = []
    caplog.set_level(logging.WARNING, logger="gemini_interactions")
    if mode == "sync":
        with sync_client(server) as client:
            stream = client.interactions.create(model="m", input="go", stream=True)
            with pytest.raises(gi.StreamError, match="quota"):
                for event in stream:
                    received.append(event)
    else:

        async def run() -> None:
            async with async_client(server) as client:
                stream = await client.interactions.create(model="m", input="go", stream=True)
                async for event in stream:
                    received.append(event)

        with pytest.raises(gi.StreamError, match="quota"):
            asyncio.run(run())
    assert len(received) == len(events)
    call = received[2].step
    assert isinstance(call, gi.FunctionCallStep) and call.name == "now" and call.arguments is None
    assert "arguments" in call.validation_problems[0]
    assert isinstance(received[5].delta, gi.FileSearchResultDelta)
    assert received[7].error.code == 429
    assert_json_exact(received[7].to_dict(), events[7])
    for event, sent in zip(received, events, strict=True):
        assert_json_exact(event.to_dict(), sent, "kept exactly as it came")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    # one per broken event; the file-search delta without `result` is the live shape (W62)
    assert len(warnings) == 3, [r.getMessage() for r in warnings]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_arguments_cut_off_by_an_incomplete_interaction_are_kept_raw(
    mode: str, server: LoopbackServer
) -> None:
    events: list[dict[str, Any]] = [
        {"event_type": "interaction.created", "interaction": {"id": ID, "status": "in_progress"}},
        {
            "event_type": "step.start",
            "index": 0,
            "step": {"type": "function_call", "id": "c1", "name": "plan", "arguments": {}},
        },
        {
            "event_type": "step.delta",
            "index": 0,
            "delta": {"type": "arguments_delta", "arguments": '{"city": "Par'},
        },
        {"event_type": "interaction.completed", "interaction": {"id": ID, "status": "incomplete"}},
    ]
    server.handler = lambda request: stream_reply(body_of(events))
    received, final = READERS[mode](server)
    assert len(received) == 4 and final.status == "incomplete"
    (call,) = final.steps
    assert isinstance(call, gi.FunctionCallStep)
    assert call.to_dict()["arguments_text"] == '{"city": "Par'  # W91: kept raw, never fatal
    assert call.arguments is None, "a cut-off call must not read like a call without arguments"


# 5. Dropping a stream closes its connection ---------------------------------------------------


class _SlowStreamServer:
    """Streams one event every 10 ms for up to 5 s; records when the client hung up."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.closed_after: float | None = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def _serve(self) -> None:
        connection, _ = self.listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                b"transfer-encoding: chunked\r\n\r\n"
            )
            started = time.monotonic()
            created = sse(
                {
                    "event_type": "interaction.created",
                    "interaction": {"id": ID, "status": "in_progress"},
                }
            )
            delta = sse(
                {"event_type": "step.delta", "index": 0, "delta": {"type": "text", "text": "x"}}
            )
            try:
                for payload in [created, *[delta] * 500]:
                    connection.sendall(b"%x\r\n%s\r\n" % (len(payload), payload))
                    time.sleep(0.01)
            except OSError:
                self.closed_after = time.monotonic() - started

    def close(self) -> None:
        self.listener.close()


def test_breaking_out_of_a_plain_for_loop_closes_the_connection() -> None:
    slow = _SlowStreamServer()
    gc.disable()  # prove that no reference cycle is left for the garbage collector
    try:
        with Client(api_key=API_KEY, base_url=slow.url, max_retries=0) as client:
            for _event in client.interactions.create(model="m", input="go", stream=True):
                break
            slow.thread.join(timeout=4)
        # the server saw the connection closed before it had sent its 500 events
        assert slow.closed_after is not None
    finally:
        gc.enable()
        slow.close()


def test_a_streamed_thought_as_the_native_capture_shows_it(server: LoopbackServer) -> None:
    # W90: a bare {"type": "thought"} start, then thought_summary deltas with text contents
    summary = ["Weighing ", "the options", "."]
    events: list[dict[str, Any]] = [
        {"event_type": "interaction.created", "interaction": {"id": "", "status": "in_progress"}},
        {"event_type": "step.start", "index": 0, "step": {"type": "thought"}},
        *(
            {
                "event_type": "step.delta",
                "index": 0,
                "delta": {"type": "thought_summary", "content": {"type": "text", "text": piece}},
            }
            for piece in summary
        ),
        {"event_type": "step.stop", "index": 0},
        {"event_type": "interaction.completed", "interaction": {"id": "", "status": "completed"}},
    ]
    body = body_of(events) + b"event: done\ndata: [DONE]\n\n"
    server.handler = lambda request: stream_reply(body)
    received, final = read_all_sync(server)
    assert len(received) == len(events)
    (thought,) = final.steps
    assert isinstance(thought, gi.ThoughtStep)
    assert_json_exact(
        [block.to_dict() for block in thought.summary or []],
        [{"type": "text", "text": "".join(summary)}],
    )
