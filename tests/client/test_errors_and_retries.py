"""What needs exact control of bytes or of the transport: a non-JSON error body, transport
exceptions (a connection refused, a read timeout) on an `httpx.MockTransport`, the backoff
arithmetic, HTTP-date `Retry-After`, URL forms and path encoding, the caller's own httpx client.

Typed status errors, retries and the never-twice `create` run against the fake API in
test_errors_on_fake.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import gemini_interactions as gi
import httpx
import pytest
from gemini_interactions import Client, RetryPolicy, SyncTransport
from gemini_interactions._core._retry import parse_retry_after

from tests.client.conftest import API_KEY
from tests.client.loopback import LoopbackServer, Reply

INTERACTION = {"id": "v1_abc", "status": "completed"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def scripted(*responses: httpx.Response | Exception) -> tuple[httpx.Client, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    queue = list(responses)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return httpx.Client(transport=httpx.MockTransport(handle)), seen


def client_with(http: httpx.Client, clock: FakeClock, policy: RetryPolicy | None = None) -> Client:
    transport = SyncTransport(http, sleep=clock.sleep, clock=clock)
    return Client(
        api_key=API_KEY, transport=transport, retry_policy=policy or RetryPolicy(random=lambda: 0.0)
    )


ERROR_BODY = {
    "error": {"code": 400, "message": "Unknown parameter 'foo'.", "status": "INVALID_ARGUMENT"}
}


def test_a_non_json_error_body_still_gives_a_message(
    client: Client, server: LoopbackServer
) -> None:
    server.handler = lambda request: Reply(status=502, raw=b"<html>bad gateway</html>")
    with pytest.raises(gi.InternalServerError, match="bad gateway"):
        client.interactions.get("x")


def test_backoff_is_capped_jittered_and_bounded() -> None:
    policy = RetryPolicy(max_retries=10, max_elapsed=1000, random=lambda: 1.0)
    assert [policy.backoff(n) for n in range(6)] == [0.375, 0.75, 1.5, 3.0, 6.0, 6.0]
    assert policy.delay(10, 0.0, status=503) is None
    assert policy.delay(0, 999.9, status=503) is None, "max_elapsed bounds the total wait"


def test_retry_after_seconds_and_http_date_are_honoured() -> None:
    # W11: Retry-After as seconds or an HTTP date (a past date waits 0)
    later = datetime.now(UTC) + timedelta(seconds=20)
    http, _ = scripted(
        httpx.Response(429, headers={"retry-after": "7"}, json=ERROR_BODY),
        httpx.Response(
            503, headers={"retry-after": format_datetime(later, usegmt=True)}, json=ERROR_BODY
        ),
        httpx.Response(200, json=INTERACTION),
    )
    clock = FakeClock()
    client_with(http, clock).interactions.get("v1_abc")
    assert clock.sleeps[0] == 7.0
    assert 15 <= clock.sleeps[1] <= 20
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("soon") is None


def test_connection_errors_are_retried_then_raised_as_typed_errors() -> None:
    http, seen = scripted(*[httpx.ConnectError("refused")] * 5)
    clock = FakeClock()
    with pytest.raises(gi.APIConnectionError) as raised:
        client_with(http, clock).interactions.get("x")
    assert len(seen) == 5 and len(clock.sleeps) == 4
    assert not isinstance(raised.value, gi.APITimeoutError)
    http, _ = scripted(httpx.ReadTimeout("slow"), httpx.ReadTimeout("slow"))
    with pytest.raises(gi.APITimeoutError):
        client_with(http, FakeClock(), RetryPolicy(max_retries=1)).interactions.get("x")


def test_a_missing_key_is_a_clear_error_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    with pytest.raises(gi.GeminiError, match="GEMINI_API_KEY"):
        Client()
    monkeypatch.setenv("GEMINI_API_KEY", "from-env")
    assert Client().interactions is not None


def test_request_rules_fail_before_anything_is_sent(client: Client, server: LoopbackServer) -> None:
    with pytest.raises(gi.RequestRuleError, match="deep-research-background") as raised:
        client.interactions.create(agent="deep-research-preview-04-2026", input="research this")
    assert "S3" in str(raised.value) and server.requests == []
    with pytest.raises(gi.RequestRuleError, match="file-search-exclusive"):
        client.interactions.create(
            model="m",
            input="x",
            tools=[gi.FileSearch(file_search_store_names=["s"]), gi.GoogleSearch()],
        )
    assert server.requests == []


def test_own_http_client_is_used_and_not_closed(server: LoopbackServer) -> None:
    calls: list[str] = []

    def hook(request: httpx.Request) -> None:
        calls.append(str(request.url))

    server.handler = lambda request: Reply(body=INTERACTION)
    own = httpx.Client(event_hooks={"request": [hook]})
    with Client(api_key=API_KEY, base_url=server.url, http_client=own) as client:
        client.interactions.get("v1_abc")
    assert calls and not own.is_closed
    own.close()


@pytest.mark.parametrize(
    "base",
    [
        "{url}",
        "{url}/",
        "{url}/v1beta",
        "{url}/v1beta/",
        "{url}//v1beta//",
    ],
)
def test_base_url_forms_give_the_same_request_urls(base: str, server: LoopbackServer) -> None:
    # W84: base URLs are joined with slash normalization
    server.handler = lambda request: Reply(
        body=INTERACTION, headers={"x-goog-upload-url": f"{server.url}/session"}
    )
    with Client(api_key=API_KEY, base_url=base.format(url=server.url)) as client:
        client.interactions.get("v1_abc")
        client.environments.files.upload("env-1", "a/b.txt", b"x")
    paths = [request.path for request in server.requests]
    assert paths[0] == "/v1beta/interactions/v1_abc"
    assert paths[1] == "/upload/v1beta/environments/env-1/files/a/b.txt"


def test_dot_segment_and_empty_ids_are_refused_locally(
    client: Client, server: LoopbackServer
) -> None:
    # W13: an id is one percent-encoded path segment; empty and dot segments are refused
    for bad in ("", ".", "..", "%2e%2E"):
        with pytest.raises(ValueError, match="path segment"):
            client.interactions.get(bad)
    server.handler = lambda request: Reply(body=INTERACTION)
    client.interactions.get("id with/slash")
    assert server.requests[-1].path == "/v1beta/interactions/id%20with%2Fslash"


def test_header_parameters_left_unset_are_not_sent() -> None:
    from gemini_interactions._core._client_base import ClientCore

    core = ClientCore(
        api_key=API_KEY,
        base_url=None,
        api_version=None,
        api_revision=None,
        revision_exempt_prefixes=(),
        timeout=5.0,
        retry_policy=None,
        max_retries=None,
        default_headers=None,
        package_version="0",
    )
    request = core.build_request("GET", "/{api_version}/x", headers={"x-set": 3, "x-unset": None})
    assert request.headers["x-set"] == "3" and "x-unset" not in request.headers
    assert "api-revision" not in request.headers and request.headers["x-goog-api-key"] == API_KEY


def test_requests_built_alike_share_no_headers() -> None:
    # a client normalizes each distinct header set once; every request still gets its own
    # copy (a hook or a retry that changes one request's headers leaves the next alone), in
    # the order the client wrote them
    from gemini_interactions._core._client_base import ClientCore

    core = ClientCore(
        api_key=API_KEY,
        base_url=None,
        api_version=None,
        api_revision="2026-05-20",
        revision_exempt_prefixes=(),
        timeout=5.0,
        retry_policy=None,
        max_retries=None,
        default_headers={"x-team": "a"},
        package_version="0",
    )
    first = core.build_request("POST", "/{api_version}/x", body={"a": 1})
    first.headers["x-team"] = "changed"
    del first.headers["x-goog-api-key"]
    second = core.build_request("POST", "/{api_version}/x", body={"a": 1})
    assert second.headers["x-team"] == "a" and second.headers["x-goog-api-key"] == API_KEY
    assert [name for name, _ in second.headers.items()] == [
        "host",
        "user-agent",
        "x-team",
        "api-revision",
        "x-goog-api-key",
        "content-type",
        "content-length",
    ]
    other = core.build_request("POST", "/{api_version}/x", headers={"x-call": "1"}, body={})
    assert other.headers["x-call"] == "1" and "x-call" not in second.headers
    for n in range(40):  # many distinct sets: the store stays bounded
        core.build_request("GET", "/{api_version}/x", headers={"x-n": str(n)})
    assert len(core._built_headers) <= 32
