"""Requests a production user can defend, over real HTTP on 127.0.0.1 (the server counts them).

- a `create` is never silently sent twice: read timeouts and 500/502/504 after sending are not
  retried; 408/429/503 and connections that never opened are; opt in per client or per call;
- a full connection pool is not a connection failure and burns no retries;
- timeouts per kind of call; `wait()` fits Deep Research;
- rules refuse only on live facts and warn on reported or conflicting ones (W07, W26, W50,
  W56, W76), naming facts and confidence;
- local errors name the parameter; typos are refused with the closest name;
- the API key is checked when the client is built and never appears in an error or a log.
"""

from __future__ import annotations

import inspect
import logging
import socket
import threading
import warnings
from typing import Any

import gemini_interactions as gi
import httpx
import pytest
from gemini_interactions import Client, RetryPolicy, SyncTransport

from tests.client.conftest import API_KEY
from tests.client.loopback import LoopbackServer, RecordedRequest, Reply
from tests.json_exact import assert_json_exact

DONE = {"id": "int_1", "status": "completed"}


def quick_client(server: LoopbackServer, **options: Any) -> Client:
    sleeps: list[float] = []
    transport = SyncTransport(sleep=sleeps.append)
    client = Client(api_key=API_KEY, base_url=server.url, transport=transport, **options)
    client.sleeps = sleeps  # type: ignore[attr-defined]
    return client


def held(release: threading.Event, arrived: threading.Event | None = None) -> Any:
    """A handler that answers only once `release` is set (and sets `arrived` on each request)."""

    def handler(request: RecordedRequest) -> Reply:
        if arrived is not None:
            arrived.set()
        release.wait(timeout=10)
        return Reply(body=DONE)

    return handler


# 1. Retries never duplicate work -------------------------------------------------------------


def test_a_timed_out_create_is_sent_exactly_once(server: LoopbackServer) -> None:
    answered = threading.Event()  # the server holds the answer until the client has given up
    server.handler = held(answered)
    try:
        with quick_client(server) as client, pytest.raises(gi.APITimeoutError) as raised:
            client.interactions.create(model="m", input="hi", timeout=0.2)
    finally:
        answered.set()
    assert len(server.requests) == 1 and client.sleeps == []  # type: ignore[attr-defined]
    assert raised.value.may_have_been_processed
    assert "may have been processed" in str(raised.value) and "retry_non_idempotent" in str(
        raised.value
    )


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_server_error_after_a_create_was_sent_is_not_retried(
    status: int, server: LoopbackServer
) -> None:
    server.handler = lambda request: Reply(status=status, body={"error": {"message": "oops"}})
    with quick_client(server) as client, pytest.raises(gi.InternalServerError) as raised:
        client.interactions.create(model="m", input="hi")
    assert len(server.requests) == 1 and raised.value.may_have_been_processed
    assert "may have been processed" in str(raised.value)


@pytest.mark.parametrize("status", [408, 429, 503])
def test_answers_that_prove_nothing_started_are_retried_for_a_create(
    status: int, server: LoopbackServer
) -> None:
    answers = iter([Reply(status=status, headers={"retry-after": "2"}), Reply(body=DONE)])
    server.handler = lambda request: next(answers)
    with quick_client(server) as client:
        assert client.interactions.create(model="m", input="hi").status == "completed"
        assert client.sleeps == [2.0]  # type: ignore[attr-defined]  # Retry-After honoured
    assert len(server.requests) == 2


def test_a_connection_that_never_opened_is_retried_for_a_create() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the socket closes
    sleeps: list[float] = []
    transport = SyncTransport(sleep=sleeps.append)
    with (
        Client(api_key=API_KEY, base_url=f"http://127.0.0.1:{port}", transport=transport) as client,
        pytest.raises(gi.APIConnectionError) as raised,
    ):
        client.interactions.create(model="m", input="hi")
    assert len(sleeps) == 4 and not raised.value.may_have_been_processed


def test_opting_in_retries_a_create_per_client_and_per_call(server: LoopbackServer) -> None:
    answers = iter([Reply(status=500), Reply(body=DONE)] * 2)
    server.handler = lambda request: next(answers)
    policy = RetryPolicy(retry_non_idempotent=True)
    with quick_client(server, retry_policy=policy) as client:
        assert client.interactions.create(model="m", input="hi").status == "completed"
    with quick_client(server) as client:
        created = client.interactions.create(model="m", input="hi", retry_non_idempotent=True)
        assert created.status == "completed"
    assert len(server.requests) == 4


def test_idempotent_calls_keep_retrying_server_errors_and_timeouts(
    server: LoopbackServer,
) -> None:
    answers = iter([Reply(status=500), Reply(status=502), Reply(body=DONE)])
    server.handler = lambda request: next(answers)
    with quick_client(server) as client:
        assert client.interactions.get("int_1").status == "completed"
    assert len(server.requests) == 3


# 2. A full pool burns no retries ---------------------------------------------------------------


def test_a_full_connection_pool_fails_fast_without_retries(server: LoopbackServer) -> None:
    arrived, release = threading.Event(), threading.Event()
    server.handler = held(release, arrived)
    http = httpx.Client(limits=httpx.Limits(max_connections=1))
    sleeps: list[float] = []
    results: list[Any] = []
    with Client(
        api_key=API_KEY,
        base_url=server.url,
        transport=SyncTransport(http, sleep=sleeps.append),
        timeout=httpx.Timeout(5.0, pool=0.2),
    ) as client:
        holder = threading.Thread(target=lambda: results.append(client.interactions.get("a")))
        holder.start()
        try:
            assert arrived.wait(timeout=5), "the first request holds the only connection"
            with pytest.raises(gi.APITimeoutError, match="pool") as raised:
                client.interactions.get("b")
            # the pool gave up while the first request still held the connection
            still_held = not release.is_set() and holder.is_alive()
        finally:
            release.set()
            holder.join()
    assert still_held and sleeps == [], "no backoff, no retry"
    assert "max_connections" in str(raised.value)
    assert len(server.requests) == 1 and results
    http.close()


# 3. Timeouts per kind of call -------------------------------------------------------------------


def test_timeouts_default_per_kind_of_call(server: LoopbackServer) -> None:
    seen: list[dict[str, float]] = []
    http = httpx.Client(event_hooks={"request": [lambda r: seen.append(r.extensions["timeout"])]})
    stream = (
        b'data: {"event_type": "interaction.completed", "interaction": {"status": "completed"}}\n\n'
    )
    answers = iter(
        [Reply(body=DONE), Reply(body=DONE), Reply(raw=stream, content_type="text/event-stream")]
    )
    server.handler = lambda request: next(answers)
    with Client(api_key=API_KEY, base_url=server.url, http_client=http) as client:
        client.interactions.create(model="m", input="hi")
        client.interactions.get("int_1")
        client.interactions.create(model="m", input="hi", stream=True).final()
    generation, ordinary, streaming = seen
    assert generation["connect"] == ordinary["connect"] == streaming["connect"] == 10.0
    assert generation["read"] == 600.0 and ordinary["read"] == 60.0 and streaming["read"] == 300.0
    wait = inspect.signature(Client(api_key=API_KEY).interactions.wait).parameters["timeout"]
    assert wait.default >= 3600, "Deep Research runs of 20-60 minutes are normal"
    http.close()


def test_a_client_or_call_timeout_replaces_the_defaults(server: LoopbackServer) -> None:
    seen: list[dict[str, float]] = []
    http = httpx.Client(event_hooks={"request": [lambda r: seen.append(r.extensions["timeout"])]})
    server.handler = lambda request: Reply(body=DONE)
    with Client(api_key=API_KEY, base_url=server.url, http_client=http, timeout=5.0) as client:
        client.interactions.create(model="m", input="hi")
        client.interactions.create(model="m", input="hi", timeout=7.0)
    assert seen[0]["read"] == 5.0 and seen[1]["read"] == 7.0
    http.close()


def test_an_httpx_timeout_gives_every_request_its_own_timeout_dict(
    server: LoopbackServer,
) -> None:
    """A transport may cap the `timeout` extension in place: what one request's transport did
    to it must not reach the next request."""
    seen: list[dict[str, float | None]] = []

    def cap(request: httpx.Request) -> None:
        seen.append(dict(request.extensions["timeout"]))
        request.extensions["timeout"]["read"] = 0.5

    http = httpx.Client(event_hooks={"request": [cap]})
    server.handler = lambda request: Reply(body=DONE)
    timeout = httpx.Timeout(30.0, connect=3.0)
    with Client(api_key=API_KEY, base_url=server.url, http_client=http, timeout=timeout) as client:
        client.interactions.create(model="m", input="hi")
        client.interactions.create(model="m", input="hi")
        client.interactions.get("int_1", timeout=httpx.Timeout(9.0))
    expected = {"connect": 3.0, "read": 30.0, "write": 30.0, "pool": 30.0}
    assert seen == [expected, expected, dict.fromkeys(expected, 9.0)]
    assert timeout.read == 30.0  # the client's own object is left as it was
    http.close()


# 4-5. Rules that match the facts, with their confidence -------------------------------------


def test_deep_research_in_the_background_with_store_unset_is_sent(
    client: Client, server: LoopbackServer
) -> None:
    server.handler = lambda request: Reply(body=DONE)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no rule warns either
        client.interactions.create(
            agent="deep-research-preview-04-2026", input="q", background=True
        )
    assert len(server.requests) == 1  # store defaults to true (W07)


def test_deep_research_with_store_false_is_refused_naming_facts_and_confidence(
    client: Client, server: LoopbackServer
) -> None:
    with pytest.raises(gi.RequestRuleError, match="deep-research-store") as raised:
        client.interactions.create(
            agent="deep-research-preview-04-2026", input="q", background=True, store=False
        )
    assert "S3, W07" in str(raised.value) and "live" in str(raised.value)
    assert server.requests == []


def test_antigravity_in_the_background_warns_and_is_sent_webhooks_included(
    client: Client, server: LoopbackServer
) -> None:
    server.handler = lambda request: Reply(body=DONE)
    with pytest.warns(gi.RequestRuleWarning, match="antigravity-no-background") as caught:
        client.interactions.create(
            agent="antigravity-preview-05-2026",
            input="build it",
            background=True,
            environment="env_1",
            webhook_config=gi.WebhookConfig(uris=["https://example.com/hook"]),
        )
    text = str(caught[0].message)
    assert "W76, W56" in text and "conflict" in text and "Sent anyway" in text
    assert caught[0].filename == __file__, "the warning points at the caller's line"
    assert len(server.requests) == 1 and server.requests[0].json()["background"] is True


@pytest.mark.parametrize(
    ("extra", "rule"),
    [
        ({"background": True}, "store-false-background"),
        ({"previous_interaction_id": "int_0"}, "store-false-previous-interaction"),
    ],
)
def test_store_false_with_background_or_a_chain_warns_on_reported_evidence(
    client: Client, server: LoopbackServer, extra: dict[str, Any], rule: str
) -> None:
    server.handler = lambda request: Reply(body=DONE)
    with pytest.warns(gi.RequestRuleWarning, match=rule) as caught:
        client.interactions.create(model="m", input="hi", store=False, **extra)
    assert "W07, W26" in str(caught[0].message) and "reported" in str(caught[0].message)
    assert len(server.requests) == 1


def test_a_voice_without_a_language_is_refused(client: Client, server: LoopbackServer) -> None:
    with pytest.raises(gi.RequestRuleError, match="speech-config-language") as raised:
        client.interactions.create(
            model="m",
            input="hi",
            generation_config=gi.GenerationConfig(speech_config=[gi.SpeechConfig(voice="Kore")]),
        )
    assert "speech_config[0].language" in str(raised.value) and "W50" in str(raised.value)
    assert server.requests == []


def test_a_warning_can_be_made_an_error(client: Client, server: LoopbackServer) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", gi.RequestRuleWarning)
        with pytest.raises(gi.RequestRuleWarning):
            client.interactions.create(model="m", input="hi", store=False, background=True)
    assert server.requests == []


# 6-7. Local errors a user can act on -------------------------------------------------------------


def test_a_missing_input_is_named(client: Client, server: LoopbackServer) -> None:
    with pytest.raises(gi.RequestValidationError) as raised:
        client.interactions.create(model="gemini-3.7-flash")
    error = raised.value
    assert error.path == "input" and str(error).startswith("`input` is required")
    assert isinstance(error, TypeError) and isinstance(error, ValueError)
    assert server.requests == []


def test_a_wrong_value_is_named_with_its_path(client: Client, server: LoopbackServer) -> None:
    with pytest.raises(gi.RequestValidationError) as raised:
        client.interactions.create(  # type: ignore[call-overload]
            model="m",
            input="hi",
            generation_config={"temperature": "hot"},
        )
    assert raised.value.path == "generation_config.temperature"
    assert "valid number" in str(raised.value) and "'hot'" in str(raised.value)
    with pytest.raises(gi.RequestValidationError, match=r"`temperature`: .*valid number"):
        gi.GenerationConfig(temperature="hot")  # type: ignore[arg-type]
    assert server.requests == []


def test_typos_are_refused_with_the_closest_name(client: Client, server: LoopbackServer) -> None:
    with pytest.raises(gi.RequestValidationError, match="did you mean `temperature`"):
        gi.GenerationConfig(temprature=0.2)  # type: ignore[call-arg]
    with pytest.raises(gi.RequestValidationError, match="did you mean `temperature`") as raised:
        client.interactions.create(  # type: ignore[call-overload]
            model="m",
            input="hi",
            generation_config={"temprature": 0.2},
        )
    assert raised.value.path == "generation_config.temprature"
    assert server.requests == []


def test_new_fields_are_sent_on_purpose(client: Client, server: LoopbackServer) -> None:
    server.handler = lambda request: Reply(body=DONE)
    config = gi.GenerationConfig(temperature=0.2).with_extra(brand_new_knob=3)
    client.interactions.create(
        model="m", input="hi", generation_config=config, extra_body={"top_level_new": True}
    )
    body = server.requests[0].json()
    assert_json_exact(body["generation_config"], {"temperature": 0.2, "brand_new_knob": 3})
    assert body["top_level_new"] is True


# 8. Key hygiene ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", [API_KEY + "\n", " " + API_KEY, API_KEY[:5] + "\u200b" + API_KEY[5:]]
)
def test_a_malformed_key_is_refused_when_the_client_is_built(
    bad: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(gi.GeminiError) as raised:
        Client(api_key=bad)
    assert API_KEY[:12] not in str(raised.value) and "key" in str(raised.value)
    monkeypatch.setenv("GEMINI_API_KEY", bad)
    with pytest.raises(gi.GeminiError, match="GEMINI_API_KEY"):
        Client()


def _chain(error: BaseException | None) -> list[BaseException]:
    found = []
    while error is not None and error not in found:
        found.append(error)
        error = error.__cause__ or error.__context__
    return found


def test_no_error_path_ever_shows_the_key(
    server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    raised: list[BaseException] = []

    def attempt(call: Any) -> None:
        try:
            call()
        except Exception as error:
            raised.append(error)

    answers: dict[str, Reply] = {
        "/v1beta/interactions/unauthorized": Reply(status=401, body={"error": {"message": "no"}}),
        "/v1beta/interactions/broken": Reply(status=500, body={"error": {"message": "boom"}}),
        "/v1beta/interactions/html": Reply(raw=b"<html>proxy</html>", content_type="text/html"),
    }
    server.handler = lambda request: answers.get(request.path, Reply(status=200, body=DONE))
    with quick_client(server) as client:
        attempt(lambda: client.interactions.get("unauthorized"))
        attempt(lambda: client.interactions.get("broken"))
        attempt(lambda: client.interactions.get("html"))
        attempt(lambda: client.interactions.create(model="m"))
        attempt(lambda: client.interactions.create(agent="deep-research-x", input="q"))
    answered = threading.Event()
    server.handler = held(answered)
    with quick_client(server) as client:
        attempt(lambda: client.interactions.create(model="m", input="hi", timeout=0.1))
    answered.set()
    with Client(api_key=API_KEY, base_url=closed, max_retries=1) as client:
        attempt(lambda: client.interactions.get("x"))
    attempt(lambda: Client(api_key=API_KEY + "\n"))
    assert len(raised) == 8 and all(isinstance(error, gi.GeminiError) for error in raised)
    for error in raised:
        for link in _chain(error):
            assert API_KEY not in str(link) and API_KEY not in repr(link), link
            assert API_KEY not in repr(getattr(link, "args", ()))
    assert caplog.records and API_KEY not in caplog.text


@pytest.mark.parametrize("level", ["debug", "info", ""])
def test_gemini_log_prints_the_package_log_without_logging_setup(
    server: LoopbackServer, level: str
) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import GENERATED

    server.handler = lambda request: Reply(body=DONE)
    code = (
        "import gemini_interactions as gi\n"
        f"client = gi.Client(api_key={API_KEY!r}, base_url={server.url!r})\n"
        "client.interactions.get('int_1')\n"
    )
    env = {**os.environ, "GEMINI_LOG": level}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=GENERATED, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    if level == "debug":
        assert "GET http://127.0.0.1" in result.stderr and "-> 200" in result.stderr
    else:  # the package logs requests at debug level only
        assert "-> 200" not in result.stderr
    assert API_KEY not in result.stderr
