"""A real HTTP server on 127.0.0.1 for the client tests: it records requests and answers them.

Tests install a handler `(RecordedRequest) -> Reply`; the default answers `{}`. The server runs
in a thread per connection, so concurrent clients exercise real sockets end to end.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Reply:
    """What the server sends back."""

    status: int = 200
    body: Any = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    cut_at: int | None = None
    """Send only this many body bytes, then drop the connection (a mid-stream failure)."""
    content_type: str = "application/json"


Handler = Callable[[RecordedRequest], Reply]


class _QuietServer(ThreadingHTTPServer):
    request_queue_size = 1024  # the default backlog of 5 drops connections under concurrency

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up early (a test breaking out of a stream) is not an error."""


class LoopbackServer:
    """Start with `with LoopbackServer() as server:`; `server.url` is its base URL."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.handler: Handler = lambda request: Reply()
        self._lock = threading.Lock()
        outer = self

        class _RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                recorded = RecordedRequest(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query, keep_blank_values=True),
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=body,
                )
                with outer._lock:
                    outer.requests.append(recorded)
                reply = outer.handler(recorded)
                payload = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("content-type", reply.content_type)
                self.send_header("content-length", str(len(payload)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                if reply.cut_at is not None:
                    self.wfile.write(payload[: reply.cut_at])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                self.wfile.write(payload)

            # http.server dispatches on these names
            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle  # noqa: N815

        self._server = _QuietServer(("127.0.0.1", 0), _RequestHandler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def serve() -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        yield server
