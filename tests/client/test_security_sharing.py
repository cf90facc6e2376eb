"""A client shared by threads, by many concurrent calls, and across `os.fork()`.

- 32 threads making their first call at once create one connection pool, and `close()`
  closes it (no pool is left open);
- the default pool holds 1,000 concurrent calls (the old 100 failed most of 500 creates);
- a child process forked after the parent used the client gets its own connections: the
  fork test runs a real `os.fork()` against a 127.0.0.1 server that answers each request
  with the port of the connection it came on.
"""

from __future__ import annotations

import json
import os
import select
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from gemini_interactions import Client

from tests.client.conftest import API_KEY
from tests.client.loopback import LoopbackServer, Reply


def test_threads_sharing_a_new_client_create_one_pool_and_close_it(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[httpx.Client] = []

    class CountedClient(httpx.Client):
        def __init__(self, **options: Any) -> None:
            super().__init__(**options)
            made.append(self)

    monkeypatch.setattr(httpx, "Client", CountedClient)
    server.handler = lambda request: Reply(body={"id": "x", "status": "completed"})
    client = Client(api_key=API_KEY, base_url=server.url, max_retries=0)
    start = threading.Barrier(32)
    failures: list[BaseException] = []

    def work() -> None:
        start.wait()
        try:
            client.interactions.get("x")
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=work) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert failures == []
    assert len(made) == 1, f"{len(made)} connection pools for one client"
    client.close()
    assert made[0].is_closed


def test_the_default_pool_holds_many_more_concurrent_calls_than_100(
    server: LoopbackServer,
) -> None:
    """150 calls at once; the server answers only once all 150 are in flight (or after 2 s).
    With httpx's pool of 100, 50 calls never got a connection and failed after a 1 s pool
    timeout (the issue's 500 creates with `timeout=2` against a 0.5 s server lost 334)."""
    calls = 150
    arrived = [0]
    lock = threading.Lock()
    everyone = threading.Event()

    def gather(request: Any) -> Reply:
        if request.path.endswith("/warm-up"):
            return Reply(body={"id": "warm-up", "status": "completed"})
        with lock:
            arrived[0] += 1
            if arrived[0] >= calls:
                everyone.set()
        everyone.wait(2.0)
        return Reply(body={"id": "x", "status": "completed"})

    server.handler = gather
    client = Client(api_key=API_KEY, base_url=server.url, max_retries=0)
    client.interactions.get("warm-up")  # the pool exists before the threads share it
    timeout = httpx.Timeout(10.0, pool=1.0)
    start = threading.Barrier(calls)
    failures: list[BaseException] = []

    def work() -> None:
        start.wait()
        try:
            client.interactions.get("x", timeout=timeout)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=work) for _ in range(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    client.close()
    assert failures == [], f"{len(failures)} of {calls} calls failed: {failures[:1]}"
    assert everyone.is_set(), "the calls were not all in flight at once"


class _PortEcho(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        body = json.dumps({"id": f"port-{self.client_address[1]}", "status": "completed"})
        payload = body.encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def port_echo() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PortEcho)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="this platform has no os.fork()")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_never_shares_the_parents_connections(port_echo: str) -> None:
    client = Client(api_key=API_KEY, base_url=port_echo, max_retries=0)
    parent_port = client.interactions.get("x").id
    assert client.interactions.get("x").id == parent_port, "the parent keeps its connection"
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report the port its call came from, then leave at once
        code = 1
        try:
            os.close(reader)
            os.write(writer, client.interactions.get("x").id.encode())
            code = 0
        finally:
            os._exit(code)
    os.close(writer)
    try:
        ready, _, _ = select.select([reader], [], [], 10.0)
        child_port = os.read(reader, 100).decode() if ready else "(no answer in 10 s)"
    finally:
        os.close(reader)
        for _ in range(100):  # reap the child, bounded
            if os.waitpid(pid, os.WNOHANG)[0]:
                break
            time.sleep(0.01)
        else:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
    assert child_port.startswith("port-") and child_port != parent_port
    assert client.interactions.get("x").id == parent_port, "the parent's connection is intact"
    client.close()


def test_a_client_brought_from_before_a_fork_is_kept_with_a_warning(
    port_echo: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from gemini_interactions._core import _client_base

    http = httpx.Client()
    client = Client(api_key=API_KEY, base_url=port_echo, http_client=http, max_retries=0)
    client.interactions.get("x")
    monkeypatch.setattr(_client_base, "_FORKS", [_client_base._FORKS[0] + 1])  # as in a child
    with caplog.at_level("WARNING", logger="gemini_interactions"):
        client.interactions.get("x")
        client.interactions.get("x")
    warnings = [r for r in caplog.records if "forked after its http_client" in r.message]
    assert len(warnings) == 1, "the caller's client is theirs: kept, with one warning"
    assert client._transport.http is http
    client.close()
    http.close()
