"""Hostile answers are bounded: compression bombs, endless events, deep JSON, dribbled bodies.

Every limit raises a `GeminiError` naming it (`ResponseLimitError.limit`, or `APITimeoutError`
for a call's total deadline) and stops reading early: the bomb tests watch the peak memory.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import struct
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator, Mapping
from functools import cache

import gemini_interactions as gi
import httpx
import pytest
from gemini_interactions import AsyncClient, Client, ResponseLimits
from gemini_interactions._core._sse import EventTooLargeError, SSEDecoder

from tests.client.conftest import API_KEY
from tests.client.loopback import LoopbackServer, RecordedRequest, Reply

MIB = 1 << 20
SMALL = ResponseLimits(max_body_bytes=4 * MIB, max_event_bytes=2 * MIB)


@cache
def gzip_bomb(megabytes: int = 512) -> bytes:
    """A valid gzip member of `megabytes` MiB of zeros, about 1 KiB per MiB (the issue's 509 KiB
    → 512 MiB bomb): one fully flushed deflate block repeated."""
    zeros = bytes(MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    trailer = struct.pack("<II", crc, (megabytes * MIB) & 0xFFFFFFFF)
    return header + block * megabytes + b"\x03\x00" + trailer


def small_client(server: LoopbackServer) -> Client:
    return Client(api_key=API_KEY, base_url=server.url, max_retries=0, limits=SMALL)


def peak_megabytes(action: object) -> float:
    tracemalloc.start()
    try:
        assert callable(action)
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / MIB


@pytest.mark.parametrize("status", [200, 500])
def test_a_gzip_bomb_stops_at_the_body_limit_with_little_memory(
    server: LoopbackServer, status: int
) -> None:
    bomb = gzip_bomb()
    assert len(bomb) < 600 * 1024
    server.handler = lambda request: Reply(
        status=status, raw=bomb, headers={"content-encoding": "gzip"}
    )
    raised: list[gi.ResponseLimitError] = []

    def call() -> None:
        with small_client(server) as client, pytest.raises(gi.ResponseLimitError) as error:
            client.interactions.get("x")
        raised.append(error.value)

    assert peak_megabytes(call) < 24, "the bomb was inflated far past the limit"
    assert raised[0].limit == "max_body_bytes" and "max_body_bytes=4194304" in str(raised[0])


def test_a_gzip_body_within_the_limits_is_read_as_usual(server: LoopbackServer) -> None:
    body = {"id": "v1_x", "status": "completed", "outputs": [], "pad": "x" * 100_000}
    server.handler = lambda request: Reply(
        raw=gzip.compress(json.dumps(body).encode()), headers={"content-encoding": "gzip"}
    )
    with small_client(server) as client:
        interaction = client.interactions.get("v1_x")
    assert interaction.id == "v1_x" and interaction.to_dict()["pad"] == body["pad"]


def test_a_body_that_does_not_gunzip_is_a_client_error(server: LoopbackServer) -> None:
    server.handler = lambda request: Reply(
        raw=b"this is not gzip", headers={"content-encoding": "gzip"}
    )
    with small_client(server) as client, pytest.raises(gi.ResponseLimitError) as raised:
        client.interactions.get("x")
    assert raised.value.limit is None and "content-encoding 'gzip'" in str(raised.value)


def test_an_uncompressed_body_past_the_limit_is_refused(server: LoopbackServer) -> None:
    server.handler = lambda request: Reply(raw=b" " * (5 * MIB))
    with small_client(server) as client, pytest.raises(gi.ResponseLimitError, match="max_body"):
        client.interactions.get("x")


def sse(body: bytes, **headers: str) -> Reply:
    return Reply(raw=body, content_type="text/event-stream", headers=headers)


@pytest.mark.parametrize(
    "body",
    [
        b"data: " + b"x" * (3 * MIB),  # one endless line
        b": keep-alive\n" * 300_000,  # comment lines that never end an event
        b"data: x\n" * 600_000,  # an event of many lines that never ends
        b"data: " + b"x" * (3 * MIB) + b"\r\n",  # the line-by-line path (CR line ends)
    ],
    ids=["endless-line", "comment-flood", "endless-event", "crlf"],
)
def test_a_stream_event_past_the_event_limit_is_refused(
    server: LoopbackServer, body: bytes
) -> None:
    server.handler = lambda request: sse(body)
    with small_client(server) as client, pytest.raises(gi.ResponseLimitError) as raised:
        for _ in client.interactions.create(model="m", input="hi", stream=True):
            pass
    assert raised.value.limit == "max_event_bytes"
    assert len(server.requests) == 1, "an oversized event is not resumed (it would come again)"


def test_a_gzip_bomb_in_a_stream_stops_at_the_event_limit(server: LoopbackServer) -> None:
    server.handler = lambda request: sse(gzip_bomb(), **{"content-encoding": "gzip"})

    def read() -> None:
        with small_client(server) as client, pytest.raises(gi.ResponseLimitError):
            for _ in client.interactions.create(model="m", input="hi", stream=True):
                pass

    assert peak_megabytes(read) < 24


def test_one_large_event_in_small_chunks_decodes_in_linear_time() -> None:
    text = "x" * (16 * MIB)
    framed = f"event: interaction.completed\ndata: {text}\n\n".encode()
    many_lines = b"".join(b"data: " + b"y" * 1000 + b"\n" for _ in range(16_000)) + b"\n"
    for body, expected_size in ((framed, len(text)), (many_lines, 16_000 * 1001 - 1)):
        decoder = SSEDecoder(64 * MIB)
        started = time.perf_counter()
        items = [
            item
            for start in range(0, len(body), 16 * 1024)
            for item in decoder.feed(body[start : start + 16 * 1024])
        ]
        elapsed = time.perf_counter() - started
        assert len(items) == 1 and len(items[0].data) == expected_size  # type: ignore[union-attr]
        assert elapsed < 3.0, f"{elapsed:.1f} s: the buffer is re-scanned for every chunk"


def test_the_decoder_limit_counts_the_pending_event() -> None:
    decoder = SSEDecoder(100)
    assert list(decoder.feed(b"data: " + b"a" * 50 + b"\n\n")) != []
    with pytest.raises(EventTooLargeError):
        list(decoder.feed(b"data: " + b"b" * 60 + b"\ndata: " + b"c" * 60 + b"\n"))


DEEP = b"[" * 5000 + b"]" * 5000


def test_json_nested_too_deep_is_a_named_limit_not_a_recursion_error(
    server: LoopbackServer,
) -> None:
    server.handler = lambda request: Reply(
        raw=b'{"id": "x", "status": "completed", "a": ' + DEEP + b"}"
    )
    with small_client(server) as client, pytest.raises(gi.ResponseLimitError) as raised:
        client.interactions.get("x")
    assert raised.value.limit == "json_nesting"
    nested = b"[" * 300 + b"]" * 300  # past pydantic-core's 200 levels: json.loads reads it
    server.handler = lambda request: Reply(
        raw=b'{"id": "x", "status": "completed", "a": ' + nested + b"}"
    )
    with small_client(server) as client:
        kept = client.interactions.get("x")
    extra = kept.model_extra or {}
    assert json.dumps(extra["a"]).count("[") == 300
    server.handler = lambda request: Reply(status=400, raw=DEEP)
    with small_client(server) as client, pytest.raises(gi.BadRequestError):
        client.interactions.get("x")


def test_a_deeply_nested_stream_event_ends_the_stream_with_a_stream_error(
    server: LoopbackServer,
) -> None:
    server.handler = lambda request: sse(b"data: " + DEEP + b"\n\n")
    with small_client(server) as client, pytest.raises(gi.StreamError, match="json_nesting"):
        for _ in client.interactions.create(model="m", input="hi", stream=True):
            pass


class DribbleServer:
    """Answers every request with headers, then one byte every 20 ms, never finishing."""

    def __init__(self, head: bytes, drip: bytes) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._head, self._drip = head, drip
        self._stop = threading.Event()
        self.connections = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def _serve(self) -> None:
        self._socket.settimeout(0.05)
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            connection.recv(65536)
            try:
                connection.sendall(self._head)
                for _ in range(500):  # at most 10 s, long after any test gave up
                    if self._stop.wait(0.02):
                        return
                    connection.sendall(self._drip)
            except OSError:
                return  # the client hung up

    def close(self) -> None:
        self._stop.set()
        self._thread.join(1.0)
        self._socket.close()


@pytest.fixture
def dribbling_json() -> Iterator[DribbleServer]:
    head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n"
    server = DribbleServer(head, b" ")
    yield server
    server.close()


@pytest.fixture
def keep_alive_stream() -> Iterator[DribbleServer]:
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n"
    server = DribbleServer(head, b": keep-alive\n\n")
    yield server
    server.close()


def test_a_numeric_call_timeout_bounds_a_body_dribbled_byte_by_byte(
    dribbling_json: DribbleServer,
) -> None:
    with Client(api_key=API_KEY, base_url=dribbling_json.url, max_retries=0) as client:
        started = time.monotonic()
        with pytest.raises(gi.APITimeoutError, match=r"timeout=0\.3"):
            client.interactions.get("x", timeout=0.3)
    assert time.monotonic() - started < 1.5


def test_a_numeric_call_timeout_bounds_a_stream_of_keep_alives(
    keep_alive_stream: DribbleServer,
) -> None:
    with Client(api_key=API_KEY, base_url=keep_alive_stream.url, max_retries=0) as client:
        started = time.monotonic()
        stream = client.interactions.create(model="m", input="hi", stream=True, timeout=0.3)
        with pytest.raises(gi.APITimeoutError, match=r"timeout=0\.3"):
            for _ in stream:
                pass
    assert time.monotonic() - started < 1.5


CREATED = {
    "event_type": "interaction.created",
    "event_id": "e1",
    "interaction": {"id": "v1_resume", "status": "in_progress"},
}
COMPLETED = {
    "event_type": "interaction.completed",
    "event_id": "e2",
    "interaction": {"id": "v1_resume", "status": "completed"},
}


def frames(*events: Mapping[str, object]) -> bytes:
    return b"".join(b"data: " + json.dumps(event).encode() + b"\n\n" for event in events)


def test_a_streams_resume_requests_keep_its_timeout_and_extra_headers(
    server: LoopbackServer,
) -> None:
    def handler(request: RecordedRequest) -> Reply:
        if request.method == "POST":  # the first event, then the connection drops
            return Reply(raw=frames(CREATED) + b"data: {", content_type="text/event-stream")
        return sse(frames(COMPLETED))

    server.handler = handler
    timeouts: list[dict[str, float]] = []
    http = httpx.Client(
        event_hooks={"request": [lambda r: timeouts.append(r.extensions["timeout"])]}
    )
    with Client(api_key=API_KEY, base_url=server.url, http_client=http, max_retries=0) as client:
        stream = client.interactions.create(
            model="m", input="hi", stream=True, timeout=20.0, extra_headers={"x-trace": "t-1"}
        )
        assert [event.event_type for event in stream] == [
            "interaction.created",
            "interaction.completed",
        ]
    first, resume = server.requests
    assert resume.method == "GET" and resume.query["last_event_id"] == ["e1"]
    assert first.headers["x-trace"] == resume.headers["x-trace"] == "t-1"
    assert 19 < timeouts[0]["read"] <= 20.0 and 0 < timeouts[1]["read"] <= timeouts[0]["read"]
    http.close()


def test_the_async_client_has_the_same_limits_and_deadlines(
    server: LoopbackServer, keep_alive_stream: DribbleServer
) -> None:
    server.handler = lambda request: Reply(raw=gzip_bomb(), headers={"content-encoding": "gzip"})

    async def scenario() -> None:
        async with AsyncClient(
            api_key=API_KEY, base_url=server.url, max_retries=0, limits=SMALL
        ) as client:
            with pytest.raises(gi.ResponseLimitError, match="max_body_bytes"):
                await client.interactions.get("x")
        async with AsyncClient(
            api_key=API_KEY, base_url=keep_alive_stream.url, max_retries=0
        ) as client:
            stream = await client.interactions.create(
                model="m", input="hi", stream=True, timeout=0.3
            )
            with pytest.raises(gi.APITimeoutError):
                async for _ in stream:
                    pass

    started = time.monotonic()
    asyncio.run(scenario())
    assert time.monotonic() - started < 3.0
