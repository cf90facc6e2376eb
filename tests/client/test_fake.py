"""The fake Interactions API (`gemini_interactions.testing`): both ways in, the wire it enforces,
the behaviour it models, scripting, fault injection and the pytest fixture.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

import gemini_interactions as gi
import httpx
import pytest
from gemini_interactions import webhooks
from gemini_interactions.params import FunctionParam
from gemini_interactions.testing import FakeGemini, cite, function_call, text, thought

from tests.conftest import PROJECT_ROOT

pytest_plugins = ["gemini_interactions.pytest_plugin"]

MODEL = "gemini-3.7-flash"


def _raw(
    fake: FakeGemini, method: str, path: str, body: Any = None, **query: str
) -> httpx.Response:
    """A request as another client would send it, bypassing our client's own checks."""
    with httpx.Client(transport=fake.transport(), base_url="https://fake.test") as http:
        return http.request(
            method, path, json=body, params=query, headers={"x-goog-api-key": "test"}
        )


def test_the_fixture_and_the_short_spelling(gemini_fake: FakeGemini) -> None:
    gemini_fake.reply("Hello!")
    answer = gemini_fake.client().interactions.create(model=MODEL, input="hi")
    assert answer.text() == "Hello!" and answer.status == "completed"
    (recorded,) = gemini_fake.requests
    assert recorded.operation == "interactions.create" and recorded.body["input"] == "hi"
    assert recorded.headers["x-goog-api-key"] == "test"


def test_the_server_and_the_transport_share_state() -> None:
    fake = FakeGemini()
    created = fake.client().interactions.create(model=MODEL, input="hi", background=True)
    with fake.serve() as base_url, gi.Client(api_key="test", base_url=base_url) as client:
        assert client.interactions.get(created.id).status == "in_progress"
        fake.advance(10)
        assert client.interactions.get(created.id).text().startswith("Fake answer to: hi")
    assert [request.operation for request in fake.requests] == [
        "interactions.create",
        "interactions.get",
        "interactions.get",
    ]


def test_a_non_python_client_reaches_the_server() -> None:
    fake = FakeGemini().reply("over the wire")
    with fake.serve() as base_url:
        script = (
            "import json, sys, urllib.request\n"
            f"request = urllib.request.Request({base_url!r} + '/interactions', method='POST',\n"
            "    data=json.dumps({'model': 'm', 'input': 'x'}).encode(),\n"
            "    headers={'x-goog-api-key': 'k', 'content-type': 'application/json'})\n"
            "print(json.load(urllib.request.urlopen(request))['steps'][0]['content'][0]['text'])\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
    assert result.stdout.strip() == "over the wire"


REFUSALS = [
    (
        {"model": MODEL, "input": "x", "generationConfig": {}},
        "Unknown parameter 'generationConfig'. Did you mean 'generation_config'?",
        "W09",
    ),
    (
        {"model": MODEL, "input": "x", "cached_content": "c"},
        "Unknown parameter 'cached_content'",
        "W10",
    ),
    (
        {"model": MODEL, "input": "x", "generation_config": {"temprature": 1}},
        "Unknown parameter 'temprature' at 'generation_config'",
        "W10",
    ),
    (
        {"model": MODEL, "input": "x", "generation_config": {"speech_config": {"voice": "Kore"}}},
        "expected an array, got object",
        "W50",
    ),
    (
        {"model": MODEL, "input": "x", "response_mime_type": "application/json"},
        "responseFormat must be set when responseMimeType is set",
        "W46",
    ),
    ({"agent": "deep-research-preview-04-2026", "input": "x"}, "background", "S3"),
    (
        {"model": MODEL, "input": "x", "tools": [{"type": "function", "nme": "f"}]},
        "Unknown parameter 'nme' at 'tools[0]'",
        "W10",
    ),
]


@pytest.mark.parametrize(
    ("body", "message", "fact"), REFUSALS, ids=[r[2] + "-" + r[1][:20] for r in REFUSALS]
)
def test_the_fake_refuses_what_the_api_refuses_and_says_why(
    body: dict[str, Any], message: str, fact: str
) -> None:
    response = _raw(FakeGemini(), "POST", "/v1beta/interactions", body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert message in error["message"] and error["status"] == "INVALID_ARGUMENT"
    assert fact in error["details"][0]["facts"]


def test_a_stream_parameter_on_a_plain_read_is_refused_only_when_scripted() -> None:
    # W94 is reported (a rollout's fault): by default the fake ignores the unknown query
    # parameter as the API does (W09); a test that wants the rollout asks for it
    fake = FakeGemini()
    created = fake.client().interactions.create(model=MODEL, input="hi")
    path = f"/v1beta/interactions/{created.id}"
    assert _raw(fake, "GET", path, stream="false").status_code == 200
    response = _raw(fake.refuse_stream_query(), "GET", path, stream="false")
    assert response.status_code == 400 and "W94" in response.json()["error"]["details"][0]["facts"]
    assert fake.client().interactions.get(created.id).id == created.id, "our client sends none"


def test_our_client_sends_nothing_the_fake_refuses_on_the_spec_examples() -> None:
    fake = FakeGemini()
    client = fake.client()
    client.interactions.create(
        model=MODEL,
        input="hi",
        system_instruction="Be brief.",
        generation_config={"temperature": 0.5, "max_output_tokens": 64},
        tools=[{"type": "google_search"}],
    )
    assert all(request.operation for request in fake.requests)


def test_store_false_has_empty_ids_and_no_event_ids() -> None:
    fake = FakeGemini().reply("not kept")
    client = fake.client()
    answer = client.interactions.create(model=MODEL, input="x", store=False)
    assert answer.id == "" and fake.interactions == {}
    with client.interactions.create(model=MODEL, input="x", store=False, stream=True) as stream:
        events = list(stream)
    assert all(getattr(event, "event_id", None) is None for event in events)
    assert stream.final().text().startswith("Fake answer")


def test_tools_are_not_inherited_through_previous_interaction_id() -> None:
    fake = FakeGemini()
    client = fake.client()
    weather: FunctionParam = {
        "type": "function",
        "name": "weather",
        "parameters": {"type": "object"},
    }
    fake.reply(function_call("weather", {"city": "Paris"}))
    first = client.interactions.create(model=MODEL, input="weather?", tools=[weather])
    assert first.status == "requires_action" and first.function_calls()[0].name == "weather"
    # the model cannot call a tool the request did not resend: scripting that is a test bug,
    # and the fake says so instead of dropping the call
    fake.reply(function_call("weather", {"city": "Rome"}), "No tool: plain text.")
    with pytest.raises(gi.BadRequestError, match="does not declare in 'tools'") as raised:
        client.interactions.create(model=MODEL, input="and Rome?", previous_interaction_id=first.id)
    assert "W20" in str(raised.value.body)
    fake.reply(function_call("weather", {"city": "Rome"}))
    second = client.interactions.create(
        model=MODEL, input="and Rome?", previous_interaction_id=first.id, tools=[weather]
    )
    assert second.function_calls()[0].arguments == {"city": "Rome"}
    with pytest.raises(gi.NotFoundError):
        client.interactions.create(model=MODEL, input="x", previous_interaction_id="v1_nope")


def test_background_runs_on_the_fake_clock_and_cancels() -> None:
    fake = FakeGemini()
    client = fake.client()
    fake.reply("done", duration=30)
    job = client.interactions.create(model=MODEL, input="slow", background=True)
    assert job.status == "in_progress"
    fake.advance(29)
    assert client.interactions.get(job.id).status == "in_progress"
    fake.advance(1)
    assert client.interactions.get(job.id).text() == "done"
    other = client.interactions.create(model=MODEL, input="slow", background=True)
    assert client.interactions.cancel(other.id).status == "cancelled"
    fake.advance(60)
    assert client.interactions.get(other.id).status == "cancelled"


def test_early_not_found_after_a_background_create_is_waited_through() -> None:
    fake = FakeGemini().early_not_found(seconds=2)
    client = fake.client()
    job = client.interactions.create(model=MODEL, input="x", background=True)
    with pytest.raises(gi.NotFoundError) as raised:
        client.interactions.get(job.id)
    assert "W78" in str(raised.value.body)
    fake.advance(10)
    assert client.interactions.get(job.id).status == "completed"


def test_streams_carry_event_ids_the_lifecycle_and_resume() -> None:
    fake = FakeGemini().reply(thought("Thinking.", signature="c2ln"), "Hello there, friend.")
    client = fake.client()
    with client.interactions.create(model=MODEL, input="hi", stream=True) as stream:
        events = list(stream)
    kinds = [event.event_type for event in events]
    assert kinds[:2] == ["interaction.created", "interaction.status_update"]
    assert kinds[-1] == "interaction.completed"
    assert [event.event_id for event in events] == [f"evt_{n:06d}" for n in range(len(events))]
    final = stream.final()
    assert final.text() == "Hello there, friend." and final.thoughts()[0].signature == "c2ln"
    with client.interactions.resume(final.id, last_event_id="evt_000003") as resumed:
        rest = [event.event_id for event in resumed]
    assert rest == [f"evt_{n:06d}" for n in range(4, len(events))]


def test_a_cut_stream_resumes_and_every_event_arrives_once() -> None:
    fake = FakeGemini().reply("a" * 300).cut_stream(after_events=3)
    client = fake.client()
    with client.interactions.create(model=MODEL, input="hi", stream=True) as stream:
        texts = [
            event.delta.text
            for event in stream
            if isinstance(event, gi.types.StepDelta) and isinstance(event.delta, gi.types.TextDelta)
        ]
    assert "".join(texts) == "a" * 300
    routes = [(request.method, request.query.get("last_event_id")) for request in fake.requests]
    assert routes == [("POST", None), ("GET", "evt_000002")]


def test_a_refusal_line_mid_stream_is_an_error() -> None:
    fake = FakeGemini().refuse_mid_stream(after_events=2, message="Blocked by policy.")
    stream = fake.client().interactions.create(model=MODEL, input="x", stream=True)
    with pytest.raises(gi.StreamError, match="Blocked by policy"), stream:
        list(stream)


def test_faults_429_with_retry_after_5xx_and_a_broken_body() -> None:
    sleeps: list[float] = []
    fake = FakeGemini().fail(429, retry_after=2).fail(503)
    client = gi.Client(
        api_key="test",
        transport=gi.SyncTransport(httpx.Client(transport=fake.transport()), sleep=sleeps.append),
    )
    created = client.interactions.create(model=MODEL, input="x")
    assert created.id and client.interactions.get(created.id).id == created.id
    assert sleeps[0] >= 2.0, "Retry-After is honoured"
    fake.mutate(lambda body: {**body, "status": 7})
    odd = client.interactions.get(fake.requests[-1].path.rsplit("/", 1)[-1])
    assert odd.to_dict()["status"] == 7 and odd.validation_problems


def test_scripted_answers_images_citations_and_incomplete() -> None:
    fake = FakeGemini()
    client = fake.client()
    sentence = "Paris is the capital of France."
    fake.reply(text(sentence, annotations=[cite(sentence, "capital", "https://example.com")]))
    answer = client.interactions.create(model=MODEL, input="x")
    output = (answer.steps or [])[0]
    assert isinstance(output, gi.types.ModelOutputStep) and output.content
    block = output.content[0]
    assert isinstance(block, gi.types.TextContent) and block.annotations
    annotation = block.annotations[0]
    assert isinstance(annotation, gi.types.UrlCitation)
    assert annotation.span(sentence) == "capital"
    fake.reply(status="incomplete")
    incomplete = client.interactions.create(model=MODEL, input="x")
    assert incomplete.status == "incomplete" and incomplete.steps is None
    assert "steps" not in _raw(fake, "GET", f"/v1beta/interactions/{incomplete.id}").json()


def test_webhooks_are_signed_and_verify() -> None:
    deliveries: list[tuple[dict[str, str], bytes]] = []
    fake = FakeGemini().on_webhook(lambda headers, body: deliveries.append((headers, body)))
    client = fake.client()
    job = client.interactions.create(model=MODEL, input="x", background=True)
    fake.advance(10)
    ((headers, body),) = deliveries
    event = webhooks.unwrap(body, headers, fake.webhook_secret)
    assert isinstance(event, webhooks.InteractionEvent)
    assert event.type == "interaction.completed" and event.interaction_id == job.id


def test_the_async_client_uses_the_same_fake() -> None:
    fake = FakeGemini().reply("async hello")

    async def main() -> str:
        async with fake.async_client() as client:
            created = await client.interactions.create(model=MODEL, input="hi")
            stream = await client.interactions.create(model=MODEL, input="hi", stream=True)
            async for _ in stream:
                pass
            return str(created.text())

    assert asyncio.run(main()) == "async hello"


def test_the_fake_does_not_load_with_the_package() -> None:
    script = (
        "import sys, gemini_interactions\n"
        "gemini_interactions.Client(api_key='k')\n"
        "assert 'gemini_interactions.testing' not in sys.modules\n"
        "import gemini_interactions.testing\n"
        "assert 'pydantic' not in sys.modules, 'the fake needs only httpx'\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT / "generated", check=True)


def test_the_readme_example_runs_under_pytest(tmp_path: Any) -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- fake-example -->\n```python\n", 1)[1].split("```", 1)[0]
    (tmp_path / "test_readme_fake.py").write_text(block, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "PYTHONPATH": str(PROJECT_ROOT / "generated")},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    checked = subprocess.run(  # the fake's clients are typed, so the user's test type-checks
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir=/dev/null", str(tmp_path)],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "MYPYPATH": str(PROJECT_ROOT / "generated")},
    )
    assert checked.returncode == 0, checked.stdout


FACT_REFUSALS: list[tuple[str, dict[str, Any]]] = [
    ("W09", {"model": MODEL, "input": "x", "systemInstruction": "s"}),
    ("W10", {"model": MODEL, "input": "x", "no_such_field": 1}),
    ("W10", {"model": MODEL, "input": "x", "generation_config": {"top_q": "high"}}),
    ("W46", {"model": MODEL, "input": "x", "generation_config": {"response_mime_type": "a/b"}}),
    ("W47", {"model": MODEL, "input": "x", "cached_content": "cachedContents/1"}),
    ("W50", {"model": MODEL, "input": "x", "generation_config": {"speech_config": {"voice": "K"}}}),
    (
        "W50",
        {"model": MODEL, "input": "x", "generation_config": {"speech_config": [{"voice": "K"}]}},
    ),
    ("S3", {"agent": "deep-research-preview-04-2026", "input": "x"}),
    (
        "S3",
        {
            "agent": "deep-research-preview-04-2026",
            "input": "x",
            "background": True,
            "store": False,
        },
    ),
    ("W56", {"agent": "antigravity-preview-05-2026", "input": "x"}),
    ("W27", {"model": MODEL, "input": "x", "webhook_config": {"uris": ["https://h.test"]}}),
    (
        "W54",
        {
            "model": MODEL,
            "input": "x",
            "tools": [{"type": "file_search"}, {"type": "google_search"}],
        },
    ),
]
"""For each fact that says the API refuses a request shape: one such request."""


@pytest.mark.parametrize(("fact", "body"), FACT_REFUSALS, ids=[f for f, _ in FACT_REFUSALS])
def test_every_refusal_the_facts_report_is_a_refusal_of_the_fake(
    fact: str, body: dict[str, Any]
) -> None:
    response = _raw(FakeGemini(), "POST", "/v1beta/interactions", body)
    assert response.status_code == 400, response.text
    assert fact in response.json()["error"]["details"][0]["facts"], response.text


def test_rules_resting_on_reports_or_conflicts_are_not_refused() -> None:
    # antigravity with background=True was reported as rejected but accepted live (W76)
    body = {
        "agent": "antigravity-preview-05-2026",
        "input": "x",
        "environment": "env_1",
        "background": True,
    }
    assert _raw(FakeGemini(), "POST", "/v1beta/interactions", body).status_code == 200


def test_the_fake_accepts_every_example_of_the_spec_that_requests_carry(
    patched_spec: dict[str, Any],
) -> None:
    from gemini_interactions.testing._schema import OBJECTS
    from gemini_interactions.testing._wire import _problems

    from tests.generated.test_roundtrip import _schema_examples

    checked = 0
    for name, example in _schema_examples(patched_spec):
        if name in OBJECTS:
            assert list(_problems(example, name, "")) == [], (name, example)
            checked += 1
    assert checked >= 10, checked


def test_cancel_sends_the_empty_object_the_api_takes() -> None:
    # the verified cancel is `POST .../{id}/cancel` with the body `{}` (W03)
    fake = FakeGemini()
    client = fake.client()
    job = client.interactions.create(model=MODEL, input="x", background=True)
    assert job.id is not None
    client.interactions.cancel(job.id)
    cancel = fake.requests[-1]
    assert cancel.operation == "interactions.cancel" and cancel.body == {}
    assert cancel.headers["content-type"] == "application/json"


def test_uploads_over_the_fakes_http_server_keep_the_connection_usable() -> None:
    # an empty answer body once wrote a second chunked terminator, which broke the next answer
    fake = FakeGemini()
    with fake.serve() as base_url, gi.Client(api_key="upload-key", base_url=base_url) as client:
        for name in ("a.txt", "b.txt"):
            client.environments.files.upload("env_1", f"src/{name}", b"data")
        assert client.interactions.create(model=MODEL, input="x").status == "completed"
    assert [r.operation for r in fake.requests].count("upload") == 2
