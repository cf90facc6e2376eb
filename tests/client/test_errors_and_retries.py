"""Typed errors, the retry policy (with a fake clock), and what never leaks: the API key."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import gemini_interactions as gi
import httpx
import pytest
from gemini_interactions import Client, RetryPolicy, SyncTransport
from gemini_interactions._retry import parse_retry_after

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


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, gi.BadRequestError),
        (401, gi.AuthenticationError),
        (403, gi.PermissionDeniedError),
        (404, gi.NotFoundError),
        (409, gi.ConflictError),
        (422, gi.UnprocessableEntityError),
        (429, gi.RateLimitError),
        (500, gi.InternalServerError),
        (503, gi.InternalServerError),
    ],
)
def test_status_errors_are_typed_and_informative(
    status: int, error_type: type[gi.APIStatusError], client: Client, server: LoopbackServer
) -> None:
    server.handler = lambda request: Reply(
        status=status, body=ERROR_BODY, headers={"x-goog-request-id": "req-77"}
    )
    with pytest.raises(error_type) as raised:
        client.interactions.get("v1_abc")
    error = raised.value
    assert isinstance(error, gi.GeminiError)
    assert error.status_code == status
    assert error.message == "Unknown parameter 'foo'."
    assert error.code == 400 and error.status == "INVALID_ARGUMENT"
    assert error.request_id == "req-77"
    assert error.method == "GET" and error.url.endswith("/v1beta/interactions/v1_abc")
    assert API_KEY not in str(error) and API_KEY not in error.url


def test_a_non_json_error_body_still_gives_a_message(
    client: Client, server: LoopbackServer
) -> None:
    server.handler = lambda request: Reply(status=502, raw=b"<html>bad gateway</html>")
    with pytest.raises(gi.InternalServerError, match="bad gateway"):
        client.interactions.get("x")


def test_retries_retryable_statuses_with_backoff_then_succeeds() -> None:
    http, seen = scripted(
        httpx.Response(503, json=ERROR_BODY),
        httpx.Response(429, json=ERROR_BODY),
        httpx.Response(408, json=ERROR_BODY),
        httpx.Response(200, json=INTERACTION),
    )
    clock = FakeClock()
    result = client_with(http, clock).interactions.get("v1_abc")
    assert result.id == "v1_abc"
    assert len(seen) == 4
    assert clock.sleeps == [0.5, 1.0, 2.0]


def test_backoff_is_capped_jittered_and_bounded() -> None:
    policy = RetryPolicy(max_retries=10, max_elapsed=1000, random=lambda: 1.0)
    assert [policy.backoff(n) for n in range(6)] == [0.375, 0.75, 1.5, 3.0, 6.0, 6.0]
    assert policy.delay(10, 0.0, status=503) is None
    assert policy.delay(0, 999.9, status=503) is None, "max_elapsed bounds the total wait"


def test_retry_after_seconds_and_http_date_are_honoured() -> None:
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


def test_a_retry_after_beyond_the_limit_is_not_waited_for() -> None:
    http, seen = scripted(httpx.Response(429, headers={"retry-after": "3600"}, json=ERROR_BODY))
    clock = FakeClock()
    with pytest.raises(gi.RateLimitError):
        client_with(http, clock).interactions.get("x")
    assert clock.sleeps == [] and len(seen) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_other_client_errors_are_never_retried(status: int) -> None:
    http, seen = scripted(httpx.Response(status, json=ERROR_BODY))
    with pytest.raises(gi.APIStatusError):
        client_with(http, FakeClock()).interactions.get("x")
    assert len(seen) == 1


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


def test_max_retries_zero_disables_retries_per_client_and_per_call() -> None:
    http, seen = scripted(httpx.Response(503, json=ERROR_BODY))
    transport = SyncTransport(http, sleep=FakeClock().sleep)
    with pytest.raises(gi.InternalServerError):
        Client(api_key=API_KEY, transport=transport, max_retries=0).interactions.get("x")
    assert len(seen) == 1
    http, seen = scripted(httpx.Response(503, json=ERROR_BODY))
    with pytest.raises(gi.InternalServerError):
        client_with(http, FakeClock()).interactions.get("x", max_retries=0)
    assert len(seen) == 1


def test_the_key_is_only_ever_a_header(
    server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.handler = lambda request: Reply(body=INTERACTION)
    with (
        caplog.at_level(logging.DEBUG, logger="gemini_interactions"),
        Client(api_key=API_KEY, base_url=server.url) as client,
    ):
        client.interactions.get("v1_abc")
        assert API_KEY not in repr(client)
        assert "api_key='***'" in repr(client)
    seen = server.requests[0]
    assert seen.headers["x-goog-api-key"] == API_KEY
    assert "key" not in seen.query
    assert any(
        "GET" in record.getMessage() and "-> 200" in record.getMessage()
        for record in caplog.records
    )
    assert all(API_KEY not in record.getMessage() for record in caplog.records)


def test_a_missing_key_is_a_clear_error_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    with pytest.raises(gi.GeminiError, match="GEMINI_API_KEY"):
        Client()
    monkeypatch.setenv("GEMINI_API_KEY", "from-env")
    assert Client().interactions is not None


def test_headers_extra_query_extra_body_and_timeout_escape_hatches(
    client: Client, server: LoopbackServer
) -> None:
    server.handler = lambda request: Reply(body=INTERACTION)
    client.interactions.create(
        model="gemini-3.7-flash",
        input="hi",
        extra_headers={"x-trace": "t1"},
        extra_query={"debug": True},
        extra_body={"brand_new_field": {"a": 1}},
        timeout=5.0,
    )
    seen = server.requests[0]
    assert seen.headers["x-trace"] == "t1"
    assert seen.query["debug"] == ["true"]
    assert seen.json() == {"model": "gemini-3.7-flash", "input": "hi", "brand_new_field": {"a": 1}}


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
    for bad in ("", ".", "..", "%2e%2E"):
        with pytest.raises(ValueError, match="path segment"):
            client.interactions.get(bad)
    server.handler = lambda request: Reply(body=INTERACTION)
    client.interactions.get("id with/slash")
    assert server.requests[-1].path == "/v1beta/interactions/id%20with%2Fslash"


def test_header_parameters_left_unset_are_not_sent() -> None:
    from gemini_interactions._client_base import ClientCore

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
