# Copied from runtime/testing/_live.py by interactions-codegen; edit it there.
"""The fake's live sessions: a real WebSocket server on 127.0.0.1 with scripted events (W109).

    fake = FakeGemini()
    fake.live.reply("Hi there!")                   # the answer to the next `input` event
    with fake.live.serve() as base_url:            # ws://127.0.0.1:<port>/v1beta/interactions/live
        client = AsyncClient(api_key="test-key", base_url=base_url)
        async with client.interactions.connect(id="int_1") as connection:
            await connection.send("Hello")
            async for event in connection.receive():
                ...

What it models: the handshake needs an `x-goog-api-key` header (else it closes with 1008);
the first frame must be `interaction.connect` with an `id` (acknowledged with
`interaction.connected`); each `input` event is answered by the next scripted turn (`reply()`
with text and/or audio, `events()` with any events, `error()`, `drop()` for an abnormal close,
`reconnect()` for `reconnection_required`), in one batched `{"events": [...]}` frame when
`batched=True`; `interaction.complete` is answered with `interaction.completed` whose `status`
is an rpc Status (`{"code": 0}`), `interaction.cancel` with `interaction.cancelled` (or
`interaction.canceled` when `cancel_spelling` says so), and `interaction.disconnect` closes the
session. An `input` with nothing scripted gets an `error` event saying so, so a scripting
mistake is loud. `sessions` records every session's headers and frames, in order.

It needs the `websockets` package (the `live` extra), imported when `serve()` starts.
"""

from __future__ import annotations

import base64
import json
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from websockets.sync.server import ServerConnection

__all__ = ["LIVE_PATH", "FakeLive", "LiveSessionRecord"]

LIVE_PATH = "/interactions/live"


@dataclass
class LiveSessionRecord:
    """One session the fake served: its path, handshake headers (lower-case names) and every
    frame the client sent, decoded, in order."""

    path: str
    headers: dict[str, str]
    frames: list[Any] = field(default_factory=list)

    @property
    def events(self) -> list[dict[str, Any]]:
        """The client's events, batched frames unpacked."""
        out: list[dict[str, Any]] = []
        for frame in self.frames:
            batch = frame.get("events") if isinstance(frame, dict) else None
            out.extend(batch if isinstance(batch, list) else [frame])
        return out


@dataclass(frozen=True)
class _Turn:
    events: tuple[dict[str, Any], ...] = ()
    batched: bool = False
    drop: int | None = None


class FakeLive:
    """Scripted live sessions; `FakeGemini().live` is one."""

    def __init__(self, *, cancel_spelling: str = "interaction.cancelled") -> None:
        self._turns: deque[_Turn] = deque()
        self._lock = threading.Lock()
        self.cancel_spelling = cancel_spelling
        self.sessions: list[LiveSessionRecord] = []

    def reply(
        self,
        text: str | None = None,
        *,
        audio: bytes | None = None,
        mime_type: str = "audio/pcm;rate=24000",
        batched: bool = False,
    ) -> FakeLive:
        """Answer the next `input` with a model step: `text` as a text delta, `audio` as an
        audio delta carrying the bytes (base64 on the wire)."""
        deltas: list[dict[str, Any]] = []
        if text is not None:
            deltas.append({"type": "text", "text": text})
        if audio is not None:
            encoded = base64.b64encode(audio).decode("ascii")
            deltas.append({"type": "audio", "data": encoded, "mime_type": mime_type})
        events = [{"event_type": "step.start", "index": 0, "step": {"type": "model_output"}}]
        events += [{"event_type": "step.delta", "index": 0, "delta": delta} for delta in deltas]
        events.append({"event_type": "step.stop", "index": 0})
        return self.events(events, batched=batched)

    def events(self, events: Sequence[dict[str, Any]], *, batched: bool = False) -> FakeLive:
        """Answer the next `input` with these events (one frame each, or one batched frame)."""
        with self._lock:
            self._turns.append(_Turn(events=tuple(events), batched=batched))
        return self

    def error(self, message: str, *, code: str = "invalid_argument") -> FakeLive:
        """Answer the next `input` with an `error` event."""
        return self.events([{"event_type": "error", "error": {"code": code, "message": message}}])

    def reconnect(self) -> FakeLive:
        """Answer the next `input` with `reconnection_required`."""
        return self.events([{"event_type": "reconnection_required"}])

    def drop(self, *, code: int = 1011) -> FakeLive:
        """Answer the next `input` by closing the socket with `code` (no terminal event)."""
        with self._lock:
            self._turns.append(_Turn(drop=code))
        return self

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Serve live sessions on 127.0.0.1; yields the base URL a client is built with."""
        from websockets.sync.server import serve

        server = serve(self._session, "127.0.0.1", 0)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.socket.getsockname()[1]}"
        finally:
            server.shutdown()
            thread.join(timeout=5)

    def _next_turn(self) -> _Turn | None:
        with self._lock:
            return self._turns.popleft() if self._turns else None

    def _session(self, socket: ServerConnection) -> None:
        request = socket.request
        path = request.path if request is not None else ""
        headers = (
            {name.lower(): value for name, value in request.headers.raw_items()}
            if request is not None
            else {}
        )
        record = LiveSessionRecord(path=path, headers=headers)
        with self._lock:
            self.sessions.append(record)
        if not path.split("?")[0].endswith(LIVE_PATH):
            socket.close(1008, "no live session at this path")
            return
        if not headers.get("x-goog-api-key"):
            socket.close(1008, "missing x-goog-api-key")
            return
        from websockets.exceptions import ConnectionClosed

        try:
            for message in socket:
                frame = json.loads(message)
                record.frames.append(frame)
                batch = frame.get("events") if isinstance(frame, dict) else None
                for event in batch if isinstance(batch, list) else [frame]:
                    if not self._answer(socket, record, event):
                        return
        except ConnectionClosed:  # the client left (a cancel closes without waiting)
            return

    def _answer(self, socket: ServerConnection, record: LiveSessionRecord, event: Any) -> bool:
        """Answer one client event; False once the session is over."""
        kind = event.get("event_type") if isinstance(event, dict) else None
        if len(record.frames) == 1 and kind != "interaction.connect":
            _send(socket, [_error("the first event must be interaction.connect")])
            socket.close()
            return False
        if kind == "interaction.connect":
            identifier = event.get("id")
            if not isinstance(identifier, str) or not identifier:
                _send(socket, [_error("interaction.connect needs an id")])
                socket.close()
                return False
            _send(socket, [{"event_type": "interaction.connected", "interaction_id": identifier}])
        elif kind == "input":
            turn = self._next_turn()
            if turn is None:
                _send(
                    socket, [_error("the fake has no scripted live reply left (fake.live.reply)")]
                )
            elif turn.drop is not None:
                socket.close(turn.drop, "scripted drop")
                return False
            elif turn.batched:
                socket.send(json.dumps({"events": list(turn.events)}))
            else:
                _send(socket, list(turn.events))
        elif kind == "interaction.complete":
            done = {"event_type": "interaction.completed", "status": {"code": 0}}
            _send(socket, [done])
            socket.close()
            return False
        elif kind == "interaction.cancel":
            _send(socket, [{"event_type": self.cancel_spelling}])
            socket.close()
            return False
        elif kind == "interaction.disconnect":
            socket.close()
            return False
        return True


def _error(message: str) -> dict[str, Any]:
    return {"event_type": "error", "error": {"code": "invalid_argument", "message": message}}


def _send(socket: ServerConnection, events: list[dict[str, Any]]) -> None:
    for event in events:
        socket.send(json.dumps(event))
