# Copied from runtime/testing/_server.py by interactions-codegen; edit it there.
"""The fake as a real HTTP server on 127.0.0.1, for code that builds its own client.

One thread serves each connection; answers are written as they are (a stream event by event,
flushed), and a cut stream closes the socket without finishing the chunked body. The listen
backlog is deep enough for hundreds of clients connecting at once (the standard library's 5
resets most of a burst), a client that leaves early is no error (no traceback is printed), and
the port is closed when the `with` block ends.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import FakeGemini, FakeResponse

__all__ = ["serve"]


def _handler(fake: FakeGemini) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet in tests
            return

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            url = f"http://{self.headers.get('host', '127.0.0.1')}{self.path}"
            answer = fake.handle(
                self.command, url, dict(self.headers.items()), body, on_clock=False
            )
            try:
                self._write(answer)
            except (BrokenPipeError, ConnectionResetError):  # the client left early
                self.close_connection = True

        def _write(self, answer: FakeResponse) -> None:
            if answer.dropped:  # read, then close without a byte of answer
                self.close_connection = True
                return
            if answer.delay:
                time.sleep(answer.delay)
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            for chunk in answer.chunks:
                if not chunk:  # an empty chunk would end the chunked body early
                    continue
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.flush()
            if answer.cut:
                self.close_connection = True
                return
            self.wfile.write(b"0\r\n\r\n")

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve  # noqa: N815

    return Handler


class _Server(ThreadingHTTPServer):
    request_queue_size = 1024
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that disconnects is not an error; anything else is printed as usual."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextlib.contextmanager
def serve(fake: FakeGemini) -> Iterator[str]:
    """Serve `fake` on a free port of 127.0.0.1; yields the base URL (`http://127.0.0.1:N/v1beta`)."""
    server = _Server(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="gemini-fake", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1beta"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
