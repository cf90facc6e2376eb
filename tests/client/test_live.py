"""Live Interactions over WebSocket (W109): sessions against `websockets` servers on 127.0.0.1.

Each test runs a real server (scripted by hand, or the fake's `live`) and the generated client's
`interactions.connect()`, and checks what went over the wire and what the caller saw.
"""

from __future__ import annotations

import asyncio
import base64
import json
import pickle
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, suppress
from http import HTTPStatus
from typing import Any

import gemini_interactions as gi
import pytest
from gemini_interactions.testing import FakeGemini
from gemini_interactions.types import (
    AudioDelta,
    InteractionCanceledEvent,
    InteractionCancelledEvent,
    InteractionConnectedEvent,
    LiveInteractionCompletedEvent,
    ReconnectionRequiredEvent,
    StepDelta,
    TextDelta,
    UnknownLiveServerEvent,
)
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from tests.conftest import GENERATED, PROJECT_ROOT

KEY = "test-key-0123456789abcdef"
Handler = Callable[[ServerConnection], Awaitable[None]]


@asynccontextmanager
async def _server(handler: Handler, **options: Any) -> AsyncIterator[str]:
    async with serve(handler, "127.0.0.1", 0, **options) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        yield f"http://127.0.0.1:{port}"


def _recorder(
    frames: list[Any], answer: Callable[[dict[str, Any]], list[Any]] | None = None
) -> Handler:
    """A handler that records every frame and answers each with `answer(frame)`'s frames."""

    async def handler(socket: ServerConnection) -> None:
        async for message in socket:
            frame = json.loads(message)
            frames.append(frame)
            for out in answer(frame) if answer else []:
                if isinstance(out, int):
                    await socket.close(out, f"closing {KEY}")
                    return
                with suppress(ConnectionClosed):  # a client that left already
                    await socket.send(json.dumps(out))

    return handler


def _connected(frame: dict[str, Any]) -> list[Any]:
    if frame.get("event_type") == "interaction.connect":
        return [{"event_type": "interaction.connected", "interaction_id": frame["id"]}]
    return []


def test_a_session_speaks_the_w109_wire_and_unpacks_batched_frames_in_order() -> None:
    seen: dict[str, Any] = {}
    frames: list[Any] = []

    async def handler(socket: ServerConnection) -> None:
        assert socket.request is not None
        seen["path"] = socket.request.path
        seen["headers"] = [(k.lower(), v) for k, v in socket.request.headers.raw_items()]
        batch = [
            {"event_type": "interaction.connected", "interaction_id": "int_1"},
            {"event_type": "step.start", "index": 0, "step": {"type": "model_output"}},
            {"event_type": "step.delta", "index": 0, "delta": {"type": "text", "text": "Hi"}},
        ]
        async for message in socket:
            frames.append(json.loads(message))
            if len(frames) == 3:  # connect, text, the batched pair
                await socket.send(json.dumps({"events": batch}))
                await socket.send(json.dumps({"event_type": "step.stop", "index": 0}))

    async def main() -> list[str | None]:
        async with _server(handler) as base:
            client = gi.AsyncClient(api_key=KEY, base_url=base + "/proxy/v1beta?tenant=a%20b")
            kinds: list[str | None] = []
            async with client.interactions.connect(id="int_1") as connection:
                assert connection.id == "int_1"
                await connection.send("Hello")
                await connection.send(
                    [
                        {"event_type": "input", "content": [{"type": "text", "text": "a"}]},
                        {"event_type": "input", "content": [{"type": "text", "text": "b"}]},
                    ]
                )
                async for event in connection.receive():
                    kinds.append(event.event_type)
                    if event.event_type == "step.stop":
                        break
            return kinds

    kinds = asyncio.run(main())
    assert kinds == ["interaction.connected", "step.start", "step.delta", "step.stop"]
    assert seen["path"] == "/proxy/v1beta/interactions/live?tenant=a%20b"
    headers = dict(seen["headers"])
    assert headers["x-goog-api-key"] == KEY
    assert [name for name, _ in seen["headers"]].count("x-goog-api-key") == 1
    assert "authorization" not in headers and KEY not in seen["path"]
    assert frames == [
        {"event_type": "interaction.connect", "id": "int_1"},
        {"event_type": "input", "content": [{"type": "text", "text": "Hello"}]},
        {
            "events": [
                {"event_type": "input", "content": [{"type": "text", "text": "a"}]},
                {"event_type": "input", "content": [{"type": "text", "text": "b"}]},
            ]
        },
        {"event_type": "interaction.disconnect"},
    ]


def test_a_https_base_url_connects_with_wss_and_a_refused_socket_names_that_url() -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = gi.Client(api_key=KEY, base_url=f"https://127.0.0.1:{port}/base")
    with pytest.raises(gi.LiveConnectionError) as raised, client.interactions.connect(id="i"):
        pass
    assert raised.value.url == f"wss://127.0.0.1:{port}/base/v1beta/interactions/live"
    assert KEY not in str(raised.value)


@pytest.mark.parametrize(
    ("terminal", "model"),
    [
        (
            {"event_type": "interaction.completed", "status": {"code": 0}},
            LiveInteractionCompletedEvent,
        ),
        ({"event_type": "interaction.cancelled"}, InteractionCancelledEvent),
        ({"event_type": "interaction.canceled"}, InteractionCanceledEvent),
        ({"event_type": "reconnection_required"}, ReconnectionRequiredEvent),
    ],
)
def test_events_parse_typed_unknown_ones_round_trip_and_a_terminal_event_ends_receive(
    terminal: dict[str, Any], model: type[Any]
) -> None:
    audio = b"\x00\x01\xfe\xff pcm"
    unknown = {"event_type": "session.tick", "n": 1, "nested": {"a": [1, 2.5, None]}}
    delta = {
        "event_type": "step.delta",
        "index": 0,
        "delta": {
            "type": "audio",
            "data": base64.b64encode(audio).decode(),
            "mime_type": "audio/pcm",
        },
    }
    frames: list[Any] = []

    def answer(frame: dict[str, Any]) -> list[Any]:
        if frame.get("event_type") == "interaction.connect":
            return [*_connected(frame), unknown, delta, terminal, {"event_type": "step.stop"}]
        return []

    async def main() -> list[Any]:
        async with _server(_recorder(frames, answer)) as base:
            client = gi.AsyncClient(api_key=KEY, base_url=base)
            async with client.interactions.connect(id="int_2") as connection:
                events = [event async for event in connection.receive()]
                assert connection.ended
                assert [event async for event in connection.receive()] == []
            return events

    events = asyncio.run(main())
    assert [type(event) for event in events] == [
        InteractionConnectedEvent,
        UnknownLiveServerEvent,
        StepDelta,
        model,
    ]  # the event after the terminal one is never read
    assert events[1].to_dict() == unknown
    assert isinstance(events[2], StepDelta) and isinstance(events[2].delta, AudioDelta)
    assert events[2].delta.data_bytes() == audio
    assert events[3].to_dict() == terminal
    if isinstance(events[3], LiveInteractionCompletedEvent):
        assert events[3].status is not None and events[3].status.code == 0
    assert frames == [{"event_type": "interaction.connect", "id": "int_2"}]  # no disconnect


def test_an_error_event_raises_a_typed_error_that_never_holds_the_key() -> None:
    error = {"event_type": "error", "error": {"code": "invalid_argument", "message": f"bad {KEY}"}}

    def answer(frame: dict[str, Any]) -> list[Any]:
        return [error] if frame.get("event_type") == "input" else _connected(frame)

    async def main() -> gi.LiveSessionError:
        async with _server(_recorder([], answer)) as base:
            client = gi.AsyncClient(api_key=KEY, base_url=base)
            async with client.interactions.connect(id="int_3") as connection:
                await connection.send("hi")
                with pytest.raises(gi.LiveSessionError) as raised:
                    async for _ in connection.receive():
                        pass
                assert connection.ended
                return raised.value

    failure = asyncio.run(main())
    assert isinstance(failure, gi.StreamError) and isinstance(failure, gi.GeminiError)
    assert failure.code == "invalid_argument" and failure.events_received == 2
    assert failure.event.error.code == "invalid_argument"
    for text in (str(failure), repr(failure), repr(failure.body), repr(failure.event)):
        assert KEY not in text
    assert KEY.encode() not in pickle.dumps(failure)


@pytest.mark.parametrize("code", [1011, 1000])
def test_a_socket_closed_before_a_terminal_event_raises_with_its_code_not_its_reason(
    code: int,
) -> None:
    def answer(frame: dict[str, Any]) -> list[Any]:
        return [code] if frame.get("event_type") == "input" else _connected(frame)

    async def main() -> gi.LiveConnectionError:
        async with _server(_recorder([], answer)) as base:
            client = gi.AsyncClient(api_key=KEY, base_url=base)
            async with client.interactions.connect(id="int_4") as connection:
                await connection.send("hi")
                with pytest.raises(gi.LiveConnectionError) as raised:
                    async for _ in connection.receive():
                        pass
                with pytest.raises(gi.LiveConnectionError, match="ended"):
                    await connection.send("again")
                return raised.value

    failure = asyncio.run(main())
    assert isinstance(failure, gi.APIConnectionError)
    assert failure.close_code == code
    assert "closing" not in str(failure) and KEY not in str(failure)


def test_a_user_exception_inside_the_block_propagates_unchanged_and_disconnects() -> None:
    frames: list[Any] = []

    class MineError(Exception):
        pass

    async def main() -> None:
        async with _server(_recorder(frames, _connected)) as base:
            client = gi.AsyncClient(api_key=KEY, base_url=base)
            mine = MineError("the user's own")
            with pytest.raises(MineError) as raised:
                async with client.interactions.connect(id="int_5"):
                    raise mine
            assert raised.value is mine
            await asyncio.sleep(0.05)  # let the server read the last frame

    asyncio.run(main())
    assert frames == [
        {"event_type": "interaction.connect", "id": "int_5"},
        {"event_type": "interaction.disconnect"},
    ]


def test_idle_and_overall_timeouts_raise_live_timeout_errors() -> None:
    async def ticking(socket: ServerConnection) -> None:
        await socket.recv()
        while True:
            await socket.send(json.dumps({"event_type": "session.tick"}))
            await asyncio.sleep(0.01)

    async def silent(socket: ServerConnection) -> None:
        await socket.wait_closed()

    async def main() -> tuple[float, float]:
        async with _server(silent) as base:
            client = gi.AsyncClient(api_key=KEY, base_url=base)
            started = time.monotonic()
            async with client.interactions.connect(id="int_6", idle_timeout=0.05) as connection:
                with pytest.raises(gi.LiveTimeoutError, match=r"sent nothing for 0\.05"):
                    async for _ in connection.receive():
                        pass
            idle = time.monotonic() - started
        async with _server(ticking) as base:
            client = gi.AsyncClient(api_key=KEY, base_url=base)
            started = time.monotonic()
            async with client.interactions.connect(
                id="int_6", idle_timeout=0.5, timeout=0.15
            ) as connection:
                with pytest.raises(gi.LiveTimeoutError, match="outlived its timeout") as raised:
                    async for _ in connection.receive():
                        pass
                assert isinstance(raised.value, gi.APITimeoutError)
            overall = time.monotonic() - started
        return idle, overall

    idle, overall = asyncio.run(main())
    assert idle < 0.5 and overall < 0.6


def test_an_open_timeout_and_a_refused_handshake_raise_typed_errors() -> None:
    async def never_upgrades(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        await asyncio.sleep(1)
        writer.close()

    def refuse(connection: ServerConnection, request: Request) -> Response:
        return connection.respond(HTTPStatus.FORBIDDEN, f"no, {KEY}\n")

    async def main() -> tuple[gi.LiveConnectionError, gi.LiveConnectionError]:
        listener = await asyncio.start_server(never_upgrades, "127.0.0.1", 0)
        port = listener.sockets[0].getsockname()[1]
        client = gi.AsyncClient(api_key=KEY, base_url=f"http://127.0.0.1:{port}")
        with pytest.raises(gi.LiveTimeoutError) as slow:
            async with client.interactions.connect(id="int_7", open_timeout=0.1):
                pass
        listener.close()
        async with _server(_recorder([]), process_request=refuse) as base:
            client = gi.AsyncClient(api_key=KEY, base_url=base)
            with pytest.raises(gi.LiveConnectionError) as refused:
                async with client.interactions.connect(id="int_7"):
                    pass
        return slow.value, refused.value

    slow, refused = asyncio.run(main())
    assert refused.http_status == 403 and KEY not in str(refused)
    assert slow.close_code is None


def test_reconnection_required_ends_receive_and_the_same_id_connects_again() -> None:
    frames: list[Any] = []
    turns: Iterator[list[Any]] = iter(
        [[{"event_type": "reconnection_required"}], [{"event_type": "step.stop", "index": 0}]]
    )

    def answer(frame: dict[str, Any]) -> list[Any]:
        return next(turns) if frame.get("event_type") == "input" else _connected(frame)

    async def main() -> list[list[str | None]]:
        seen = []
        async with _server(_recorder(frames, answer)) as base:
            client = gi.AsyncClient(api_key=KEY, base_url=base)
            identifier = "int_8"
            for _ in range(2):
                async with client.interactions.connect(id=identifier) as connection:
                    await connection.send("go on")
                    kinds: list[str | None] = []
                    async for event in connection.receive():
                        kinds.append(event.event_type)
                        if event.event_type == "step.stop":
                            break
                    seen.append(kinds)
                    identifier = connection.id
            await asyncio.sleep(0.05)
        return seen

    assert asyncio.run(main()) == [
        ["interaction.connected", "reconnection_required"],
        ["interaction.connected", "step.stop"],
    ]
    connects = [frame for frame in frames if frame.get("event_type") == "interaction.connect"]
    assert connects == [{"event_type": "interaction.connect", "id": "int_8"}] * 2


def test_cancel_sends_interaction_cancel_and_ends_the_session() -> None:
    frames: list[Any] = []

    async def main() -> None:
        async with _server(_recorder(frames, _connected)) as base:
            client = gi.AsyncClient(api_key=KEY, base_url=base)
            async with client.interactions.connect(id="int_9") as connection:
                await connection.send(
                    [{"event_type": "input", "content": []}, {"event_type": "interaction.cancel"}]
                )
                assert connection.ended
                assert [event async for event in connection.receive()] == []
                await connection.cancel()  # a no-op once ended
            await asyncio.sleep(0.05)

    asyncio.run(main())
    assert frames == [
        {"event_type": "interaction.connect", "id": "int_9"},
        {"events": [{"event_type": "input", "content": []}, {"event_type": "interaction.cancel"}]},
    ]  # no disconnect after a cancel


def test_local_refusals_name_the_argument_and_send_nothing() -> None:
    client = gi.Client(api_key=KEY, base_url="http://127.0.0.1:9")
    with pytest.raises(gi.RequestValidationError) as empty_id:
        client.interactions.connect(id=" ")
    assert empty_id.value.path == "id"
    timeouts: list[tuple[str, dict[str, Any]]] = [
        ("open_timeout", {"open_timeout": 0}),
        ("idle_timeout", {"idle_timeout": -1.0}),
        ("timeout", {"timeout": float("inf")}),
    ]
    for name, options in timeouts:
        with pytest.raises(gi.RequestValidationError) as bad_timeout:
            client.interactions.connect(id="int_10", **options)
        assert bad_timeout.value.path == name
    frames: list[Any] = []

    async def main() -> None:
        async with _server(_recorder(frames, _connected)) as base:
            async_client = gi.AsyncClient(api_key=KEY, base_url=base)
            async with async_client.interactions.connect(id="int_10") as connection:
                with pytest.raises(gi.RequestValidationError) as batch:
                    await connection.send([])
                assert batch.value.path == "events"
                with pytest.raises(gi.RequestValidationError) as bad:
                    await connection.send([{"event_type": "input"}, {"content": []}])
                assert bad.value.path == "events[1]"
            await asyncio.sleep(0.05)

    asyncio.run(main())
    assert [frame.get("event_type") for frame in frames] == [
        "interaction.connect",
        "interaction.disconnect",
    ]


def test_an_ephemeral_auth_token_travels_as_the_key_header() -> None:
    fake = FakeGemini()
    fake.live.reply("ok")
    token = "auth_tokens/0123456789abcdef0123456789abcdef"
    with fake.live.serve() as base:
        client = gi.Client(api_key=token, base_url=base)
        with client.interactions.connect(id="int_11") as connection:
            connection.send("hi")
            for event in connection.receive():
                if event.event_type == "step.stop":
                    break
    (session,) = fake.live.sessions
    assert session.headers["x-goog-api-key"] == token
    assert "authorization" not in session.headers


def test_the_fake_serves_scripted_sessions_sync_and_async() -> None:
    fake = FakeGemini()
    fake.live.reply("Hello", audio=b"\x01\x02").reply("Batched", batched=True)
    fake.live.error("scripted failure").drop(code=1011)

    async def first() -> list[Any]:
        client = gi.AsyncClient(api_key=KEY, base_url=base)
        events: list[Any] = []
        async with client.interactions.connect(id="int_12") as connection:
            for text in ("one", "two"):
                await connection.send(text)
                async for event in connection.receive():
                    events.append(event)
                    if event.event_type == "step.stop":
                        break
            await connection.complete()
            events += [event async for event in connection.receive()]
        return events

    with fake.live.serve() as base:
        events = asyncio.run(first())
        client = gi.Client(api_key=KEY, base_url=base)
        with client.interactions.connect(id="int_13") as connection:
            connection.send("three")
            with pytest.raises(gi.LiveSessionError, match="scripted failure"):
                list(connection.receive())
        with client.interactions.connect(id="int_13") as connection:
            connection.send("four")
            with pytest.raises(gi.LiveConnectionError) as dropped:
                list(connection.receive())
        assert dropped.value.close_code == 1011
    deltas = [event.delta for event in events if isinstance(event, StepDelta)]
    assert [delta.text for delta in deltas if isinstance(delta, TextDelta)] == ["Hello", "Batched"]
    assert [delta.data_bytes() for delta in deltas if isinstance(delta, AudioDelta)] == [
        b"\x01\x02"
    ]
    completed = events[-1]
    assert isinstance(completed, LiveInteractionCompletedEvent) and completed.status is not None
    assert completed.status.code == 0
    assert [len(session.frames) for session in fake.live.sessions] == [4, 2, 2]
    assert fake.live.sessions[0].events[-1] == {"event_type": "interaction.complete"}


def test_the_package_imports_without_websockets_and_connect_names_the_extra() -> None:
    program = """
import sys

class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name == "websockets" or name.startswith("websockets."):
            raise ImportError("blocked: " + name)
        return None

sys.meta_path.insert(0, Blocker())
import gemini_interactions as gi

client = gi.Client(api_key="test-key-0123456789abcdef", base_url="http://127.0.0.1:9")
session = client.interactions.connect(id="int_1")
try:
    with session:
        pass
except gi.LiveUnavailableError as error:
    assert isinstance(error, ImportError) and isinstance(error, gi.GeminiError)
    print(error)
"""
    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(GENERATED), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "`live` extra" in result.stdout and "websockets" in result.stdout


def test_a_users_session_code_passes_mypy_strict_and_runs_against_the_fake() -> None:
    example = PROJECT_ROOT / "tests" / "typed_usage" / "live_example.py"
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir=/dev/null", str(example)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={"MYPYPATH": str(GENERATED), "PATH": "/usr/bin:/bin"},
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    ran = subprocess.run(
        [sys.executable, str(example)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(GENERATED), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "ok"


def test_the_readme_live_example_runs_against_the_fake() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("<!-- live-example -->\n```python\n", 1)[1].split("```", 1)[0]
    exec(compile(example, "README.md (live example)", "exec"), {"__name__": "readme"})


def test_a_sync_session_times_out_when_idle() -> None:
    fake = FakeGemini()
    fake.live.events([])  # the input is answered with nothing
    with fake.live.serve() as base:
        client = gi.Client(api_key=KEY, base_url=base)
        started = time.monotonic()
        with client.interactions.connect(id="int_14", idle_timeout=0.1) as connection:
            connection.send("anyone?")
            kinds = []
            with pytest.raises(gi.LiveTimeoutError, match="sent nothing"):
                for event in connection.receive():
                    kinds.append(event.event_type)
        assert time.monotonic() - started < 1.0
    assert kinds == ["interaction.connected"]
