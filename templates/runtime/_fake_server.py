"""The fake as a real HTTP server on 127.0.0.1, for code that builds its own client.

One thread serves each connection; answers are written as they are (a stream event by event,
flushed), and a cut stream closes the socket without finishing the chunked body.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .testing import FakeGemini

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
            answer = fake.handle(self.command, url, dict(self.headers.items()), body)
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


@contextlib.contextmanager
def serve(fake: FakeGemini) -> Iterator[str]:
    """Serve `fake` on a free port of 127.0.0.1; yields the base URL (`http://127.0.0.1:N/v1beta`)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="gemini-fake", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1beta"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
