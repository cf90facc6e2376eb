"""The fake refuses what the live API refuses, fails as the wire fails, and never hangs a test.

Each test is written the way a user's suite uses the fake: the `gemini_fake` fixture of the
pytest plugin, `fake.client()`, `fake.serve()` with a client of its own, scripted answers.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import gemini_interactions as gi
import httpx
import pytest
import yaml
from gemini_interactions.params import FunctionParam
from gemini_interactions.testing import FakeGemini, function_call
from gemini_interactions.testing._refusals import ENFORCED, NOT_MODELLED

from generator.errors import BadInputError
from generator.load.facts import parse_facts
from tests.conftest import PROJECT_ROOT

pytest_plugins = ["gemini_interactions.pytest_plugin"]

MODEL = "gemini-3.7-flash"
WEATHER: FunctionParam = {"type": "function", "name": "weather", "parameters": {"type": "object"}}


def _facts() -> dict[str, Any]:
    data = yaml.safe_load((PROJECT_ROOT / "overlays/facts.yaml").read_text(encoding="utf-8"))
    return {fact.id: fact for fact in parse_facts(data)}


def _raw(fake: FakeGemini, method: str, path: str, body: Any = None) -> httpx.Response:
    """A request as another client would send it, bypassing our client's own checks."""
    with httpx.Client(transport=fake.transport(), base_url="https://fake.test") as http:
        return http.request(method, path, json=body, headers={"x-goog-api-key": "test"})


def _create(body: dict[str, Any]) -> Callable[[FakeGemini], httpx.Response]:
    return lambda fake: _raw(fake, "POST", "/v1beta/interactions", body)


def _cancel_finished(fake: FakeGemini) -> httpx.Response:
    created = _raw(fake, "POST", "/v1beta/interactions", {"model": MODEL, "input": "x"})
    return _raw(fake, "POST", f"/v1beta/interactions/{created.json()['id']}/cancel", {})


def _continue_unstored(fake: FakeGemini) -> httpx.Response:
    unstored = _raw(
        fake, "POST", "/v1beta/interactions", {"model": MODEL, "input": "x", "store": False}
    )
    assert "id" not in unstored.json() or unstored.json()["id"] == ""
    return _raw(fake, "GET", "/v1beta/interactions/")


def _text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


UNSIGNED_REPLAY: list[Any] = [
    {"type": "user_input", "content": [_text("weather in Paris?")]},
    {"type": "function_call", "id": "c1", "name": "weather", "arguments": {}},
    {"type": "function_result", "call_id": "c1", "name": "weather", "result": "sunny"},
]

EXAMPLES: dict[str, Callable[[FakeGemini], httpx.Response]] = {
    "S1": _create(
        {
            "agent": "deep-research-preview-04-2026",
            "input": "x",
            "background": True,
            "agent_config": {
                "type": "deep-research",
                "thinking_summaries": "THINKING_SUMMARIES_AUTO",
            },
        }
    ),
    "S3": _create({"agent": "deep-research-preview-04-2026", "input": "x"}),
    "S6": _create(
        {"model": MODEL, "input": "x", "generation_config": {"speech_config": {"voice": "Kore"}}}
    ),
    "W07": _continue_unstored,
    "W09": _create({"model": MODEL, "input": "x", "systemInstruction": "s"}),
    "W10": _create({"model": MODEL, "input": "x", "no_such_field": 1}),
    "W14": _create(
        {
            "model": MODEL,
            "input": [{"type": "video", "uri": "https://v.test/a.mp4", "processing": "static"}],
        }
    ),
    "W15": _create({"model": MODEL, "input": []}),
    "W17": _create({"model": MODEL, "input": UNSIGNED_REPLAY, "store": False, "tools": [WEATHER]}),
    "W27": _create({"model": MODEL, "input": "x", "webhook_config": {"uris": ["https://h.test"]}}),
    "W28": _cancel_finished,
    "W29": _create({"model": MODEL, "input": "x", "response_modalities": ["IMAGE"]}),
    "W32": _create(
        {
            "model": MODEL,
            "input": "x",
            "generation_config": {"thinking_summaries": "THINKING_SUMMARIES_AUTO"},
        }
    ),
    "W33": _create(
        {"model": MODEL, "input": "x", "generation_config": {"thinking_level": "minimal"}}
    ),
    "W37": _create(
        {
            "model": MODEL,
            "input": {"type": "video", "uri": "https://v.test/a.mp4", "processing": "agentic"},
        }
    ),
    "W46": _create({"model": MODEL, "input": "x", "response_mime_type": "application/json"}),
    "W47": _create({"model": MODEL, "input": "x", "cached_content": "cachedContents/1"}),
    "W48": _create({"model": MODEL, "input": "x", "labels": {"team": "a"}}),
    "W50": _create(
        {"model": MODEL, "input": "x", "generation_config": {"speech_config": [{"voice": "K"}]}}
    ),
    "W51": _create(
        {
            "model": MODEL,
            "input": "x",
            "response_format": {"type": "audio", "mime_type": "audio/mpeg"},
        }
    ),
    "W52": _create({"model": "veo-3.1-generate-preview", "input": "a cat"}),
    "W53": _create(
        {
            "model": MODEL,
            "input": [{"type": "image", "uri": "gs://bucket/cat.png", "mime_type": "image/png"}],
        }
    ),
    "W54": _create(
        {"model": MODEL, "input": "x", "tools": [{"type": "file_search"}, {"type": "url_context"}]}
    ),
    "W56": _create({"agent": "antigravity-preview-05-2026", "input": "x"}),
}
"""For every fact the fake enforces: a request that breaks it, as a user would send it."""


# -- 1. refusals from the facts, checked against the facts ----------------------------------------


def test_every_refusing_fact_is_enforced_by_the_fake_or_listed_with_a_reason() -> None:
    refusing = {fact_id for fact_id, fact in _facts().items() if fact.refuses}
    assert not set(ENFORCED) & set(NOT_MODELLED)
    assert set(ENFORCED) | set(NOT_MODELLED) == refusing, (
        f"refusing facts the fake neither enforces nor lists: "
        f"{sorted(refusing - set(ENFORCED) - set(NOT_MODELLED))}; listed but not refusing: "
        f"{sorted((set(ENFORCED) | set(NOT_MODELLED)) - refusing)}"
    )
    assert all(reason.strip() for reason in NOT_MODELLED.values())


def test_a_live_fact_that_reads_like_a_refusal_says_whether_it_is_one() -> None:
    # a new live fact saying "rejected" cannot slip past the fake: it must be marked either way
    wording = re.compile(r"reject|refus|\b4\d\d\b|only works", re.IGNORECASE)
    unmarked = [
        fact_id
        for fact_id, fact in _facts().items()
        if fact.confidence == "live" and wording.search(fact.statement) and fact.refuses is None
    ]
    assert unmarked == []


def test_only_live_facts_can_make_the_fake_refuse() -> None:
    data = {
        "facts": [
            {
                "id": "W81",
                "statement": "s",
                "observed": "2026-03",
                "revision": "launch",
                "confidence": "reported",
                "status": "not-encoded",
                "reason": "r",
                "refuses": True,
            }
        ]
    }
    with pytest.raises(BadInputError, match=r"fact W81: `refuses: true` needs a live fact"):
        parse_facts(data)


@pytest.mark.parametrize("fact", sorted(EXAMPLES))
def test_each_enforced_fact_is_refused_with_its_id(fact: str) -> None:
    # one example per fact the fake enforces, among them the runtime facts W10, W14, W28, W33,
    # W37 and W52 (overlays/facts.yaml names this test as their proof)
    assert set(EXAMPLES) == set(ENFORCED), "one example per enforced fact"
    response = EXAMPLES[fact](FakeGemini())
    assert 400 <= response.status_code < 500, response.text
    assert fact in response.json()["error"]["details"][0]["facts"], response.text


def test_the_users_green_tests_that_hid_production_400s_now_fail(gemini_fake: FakeGemini) -> None:
    client = gemini_fake.client()
    with pytest.raises(gi.BadRequestError, match="signature") as unsigned:
        client.interactions.create(
            model=MODEL,
            input=UNSIGNED_REPLAY,
            store=False,
            tools=[WEATHER],
        )
    assert "W17" in str(unsigned.value.body)
    with pytest.raises(gi.BadRequestError, match="IMAGE") as upper:
        client.interactions.create(model=MODEL, input="x", response_modalities=["IMAGE"])
    assert "W29" in str(upper.value.body)
    gcs: list[Any] = [{"type": "image", "uri": "gs://bucket/cat.png", "mime_type": "image/png"}]
    # the client itself refuses a gs:// media URI before sending (rule gs-media-uri, W53) ...
    with pytest.raises(gi.RequestRuleError, match="Unsupported file uri") as local:
        client.interactions.create(model=MODEL, input=gcs)
    assert "W53" in str(local.value)
    # ... and a request that gets past it (another client, a raw call) is refused by the fake
    raw = httpx.Client(transport=gemini_fake.transport(), base_url="https://fake")
    answer = raw.post(
        "/v1beta/interactions", json={"model": MODEL, "input": gcs}, headers={"x-goog-api-key": "k"}
    )
    assert answer.status_code == 400 and "Unsupported file uri" in answer.text
    assert "W53" in answer.text


def test_a_stateless_replay_of_what_the_fake_answered_is_accepted(gemini_fake: FakeGemini) -> None:
    # the fake's scripted calls carry a signature as the API's do, so a store=False tool loop
    # that replays them verbatim passes (and one that dropped it would not, W17)
    def weather(city: str) -> str:
        """The weather in a city."""
        return f"sunny in {city}"

    gemini_fake.reply(function_call("weather", {"city": "Paris"})).reply("Sunny in Paris.")
    chat = gi.Conversation(gemini_fake.client(), model=MODEL, store=False)
    run = chat.run_tools([weather], "Paris weather?")
    assert run.interaction.text() == "Sunny in Paris."
    replayed = gemini_fake.requests[-1].body["input"]
    assert [step["type"] for step in replayed if step["type"] == "function_call"] == [
        "function_call"
    ]
    assert all(step.get("signature") for step in replayed if step["type"] == "function_call")


def test_legacy_turns_are_accepted_and_ignored_as_on_the_wire() -> None:
    # the API answers {role, content} turns 200 and ignores them (W103): no refusal here
    body = {"model": MODEL, "input": [{"role": "user", "content": [_text("hi")]}]}
    response = _raw(FakeGemini(), "POST", "/v1beta/interactions", body)
    assert response.status_code == 200, response.text
    assert response.json()["steps"][0]["content"][0]["text"] == "Fake answer to: []"


def test_reported_facts_do_not_make_the_fake_refuse() -> None:
    # W104 (a raw list as a function result) and W85 (penalties) are reported, not live
    result = {"type": "function_result", "call_id": "c1", "name": "weather", "result": [1, 2]}
    body = {"model": MODEL, "input": [result], "tools": [WEATHER]}
    assert _raw(FakeGemini(), "POST", "/v1beta/interactions", body).status_code == 200


def test_a_model_without_input_is_told_the_input_is_missing() -> None:
    response = _raw(FakeGemini(), "POST", "/v1beta/interactions", {"model": MODEL})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "'input' is required."


# -- 3. timeouts and faults are the same in-process and over HTTP ---------------------------------


@contextmanager
def _way_in(fake: FakeGemini, way: str, **options: Any) -> Iterator[gi.Client]:
    if way == "in-process":
        with fake.client(**options) as client:
            yield client
    else:
        with fake.serve() as base_url, gi.Client(api_key="k", base_url=base_url, **options) as c:
            yield c


def _failure(
    way: str, script: Callable[[FakeGemini], object], stream: bool = False
) -> tuple[Exception, float]:
    """The error a scripted fault gives our client, and how long the call took."""
    fake = FakeGemini()
    script(fake)
    with _way_in(fake, way, timeout=0.2, max_retries=0) as client:
        started = time.monotonic()
        try:
            if stream:  # store=False: a cut stream cannot resume, so the cut is the error
                with client.interactions.create(
                    model=MODEL, input="x", stream=True, store=False
                ) as events:
                    list(events)
            else:
                client.interactions.create(model=MODEL, input="x")
        except gi.GeminiError as error:
            return error, time.monotonic() - started
    raise AssertionError("no failure")


WAYS = ["in-process", "serve"]


@pytest.mark.parametrize("way", WAYS)
def test_a_delay_beyond_the_timeout_times_out_both_ways(way: str) -> None:
    error, took = _failure(way, lambda fake: fake.delay(0.6))
    assert isinstance(error, gi.APITimeoutError), repr(error)
    assert took < 0.55, "the client's timeout ended the wait"


def test_an_async_client_times_out_in_process_too() -> None:
    fake = FakeGemini().delay(0.6)

    async def main() -> None:
        async with fake.async_client(timeout=0.2, max_retries=0) as client:
            with pytest.raises(gi.APITimeoutError):
                await client.interactions.create(model=MODEL, input="x")

    asyncio.run(main())


def test_a_delay_within_the_timeout_answers() -> None:
    fake = FakeGemini().delay(0.05).reply("late but fine")
    assert (
        fake.client(timeout=2).interactions.create(model=MODEL, input="x").text() == "late but fine"
    )


@pytest.mark.parametrize(
    ("script", "stream"),
    [(lambda fake: fake.drop_connection(), False), (lambda fake: fake.cut_stream(1), True)],
    ids=["dropped", "cut"],
)
def test_drops_and_cuts_fail_alike_both_ways(
    script: Callable[[FakeGemini], object], stream: bool
) -> None:
    failures = [_failure(way, script, stream)[0] for way in WAYS]
    assert type(failures[0]) is type(failures[1]), failures
    assert str(failures[0]).split(" (")[0] == str(failures[1]).split(" (")[0], failures


# -- 4. test-author errors are loud ---------------------------------------------------------------


def test_parallel_calls_of_one_function_get_distinct_ids(gemini_fake: FakeGemini) -> None:
    gemini_fake.reply(
        function_call("weather", {"city": "Paris"}), function_call("weather", {"city": "Rome"})
    )
    answer = gemini_fake.client().interactions.create(model=MODEL, input="x", tools=[WEATHER])
    ids = [call.id for call in answer.function_calls()]
    assert len(ids) == 2 and len(set(ids)) == 2, ids


def test_a_scripted_call_of_an_undeclared_function_fails_the_test_loudly(
    gemini_fake: FakeGemini,
) -> None:
    gemini_fake.reply(function_call("lookup"))
    with pytest.raises(
        gi.BadRequestError,
        match="'lookup' names a function this request does not declare in 'tools'",
    ):
        gemini_fake.client().interactions.create(model=MODEL, input="x", tools=[WEATHER])


# -- 5. fake.serve() under load and at teardown ---------------------------------------------------


def test_two_hundred_concurrent_streams_are_served_whole() -> None:
    fake = FakeGemini()
    count = 220

    async def one(client: httpx.AsyncClient, base_url: str, number: int) -> str:
        body = {"model": MODEL, "input": f"n{number}", "stream": True}
        async with client.stream(
            "POST", f"{base_url}/interactions?alt=sse", json=body, headers={"x-goog-api-key": "k"}
        ) as response:
            frames = [line async for line in response.aiter_lines() if line.startswith("data: {")]
        final: dict[str, Any] = json.loads(frames[-1][6:])["interaction"]
        return str(final["steps"][0]["content"][0]["text"])

    async def main(base_url: str) -> list[str]:
        limits = httpx.Limits(max_connections=count + 10)
        async with httpx.AsyncClient(limits=limits, timeout=60) as client:
            return await asyncio.gather(*(one(client, base_url, n) for n in range(count)))

    started = time.monotonic()
    with fake.serve() as base_url:
        texts = asyncio.run(main(base_url))
    assert texts == [f"Fake answer to: n{n}" for n in range(count)]
    assert time.monotonic() - started < 60


def test_a_client_that_leaves_early_is_no_traceback_and_the_port_closes(
    capfd: pytest.CaptureFixture[str],
) -> None:
    fake = FakeGemini().reply("word " * 20000)
    with fake.serve() as base_url:
        port = int(base_url.split(":")[2].split("/")[0])
        for _ in range(5):
            with socket.create_connection(("127.0.0.1", port)) as raw:
                body = json.dumps({"model": MODEL, "input": "x", "stream": True}).encode()
                raw.sendall(
                    b"POST /v1beta/interactions?alt=sse HTTP/1.1\r\nhost: 127.0.0.1\r\n"
                    b"x-goog-api-key: k\r\ncontent-type: application/json\r\n"
                    + f"content-length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                raw.recv(100)
                raw.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                )
            fake.reply("word " * 20000)
        with gi.Client(api_key="k", base_url=base_url) as client:
            assert client.interactions.create(model=MODEL, input="still here").text()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err and "BrokenPipe" not in captured.err, captured.err


# -- 6. clocks ------------------------------------------------------------------------------------


def test_a_client_on_the_real_clock_sees_background_work_progress_in_real_time() -> None:
    fake = FakeGemini().reply("done", duration=0.3)
    started = time.monotonic()
    with fake.serve() as base_url, gi.Client(api_key="k", base_url=base_url) as client:
        job = client.interactions.create(model=MODEL, input="x", background=True)
        assert job.id and job.status == "in_progress"
        done = client.interactions.wait(job.id, poll_interval=0.05, max_poll_interval=0.1)
    assert done.text() == "done"
    assert time.monotonic() - started < 5


def test_clients_on_the_fakes_clock_spend_no_real_time(gemini_fake: FakeGemini) -> None:
    gemini_fake.reply("done", duration=3600)
    client = gemini_fake.client()
    started = time.monotonic()
    job = client.interactions.create(model=MODEL, input="x", background=True)
    assert job.id
    assert client.interactions.wait(job.id).text() == "done"
    assert time.monotonic() - started < 5 and gemini_fake.now >= 3600


def test_a_client_waiting_on_a_clock_nobody_moves_is_told_at_once() -> None:
    # a hand-built client over the in-process transport sleeps in real time by default
    fake = FakeGemini().reply("done", duration=60)
    transport = gi.SyncTransport(httpx.Client(transport=fake.transport()))
    with gi.Client(api_key="k", transport=transport) as client:
        job = client.interactions.create(model=MODEL, input="x", background=True)
        assert job.id and client.interactions.get(job.id).status == "in_progress"
        started = time.monotonic()
        with pytest.raises(gi.BadRequestError, match=r"fake\.client\(\).*fake\.advance"):
            client.interactions.wait(job.id, poll_interval=0.01)
    assert time.monotonic() - started < 1
    fake.advance(60)  # moving the clock is the cure
    assert fake.client().interactions.get(job.id).text() == "done"


def test_reading_twice_with_the_clock_moved_in_between_is_fine(gemini_fake: FakeGemini) -> None:
    gemini_fake.reply("done", duration=10)
    client = gemini_fake.client()
    job = client.interactions.create(model=MODEL, input="x", background=True)
    assert job.id
    for _ in range(3):
        assert client.interactions.get(job.id).status == "in_progress"
        gemini_fake.advance(1)


def test_refusals_reach_only_as_far_as_their_evidence() -> None:
    video = {"type": "video", "data": "AAAA", "mime_type": "video/mp4"}
    sheet = {"type": "document", "uri": "https://d.test/a.xlsx", "mime_type": "text/csv"}
    seen_on = _raw(FakeGemini(), "POST", "/v1beta/interactions", {"model": MODEL, "input": [video]})
    assert seen_on.status_code == 400 and "W53" in seen_on.text
    other = {"model": "gemini-3.5-flash", "input": [video]}
    assert _raw(FakeGemini(), "POST", "/v1beta/interactions", other).status_code == 200
    documents = {"model": MODEL, "input": [sheet]}  # later bindings list more types (W92)
    assert _raw(FakeGemini(), "POST", "/v1beta/interactions", documents).status_code == 200
    minimal = {
        "model": "gemini-3.6-flash",
        "input": "x",
        "generation_config": {"thinking_level": "minimal"},
    }
    assert _raw(FakeGemini(), "POST", "/v1beta/interactions", minimal).status_code == 200
