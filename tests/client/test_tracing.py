"""OpenTelemetry spans of the client's calls (GenAI semantic conventions), read with the SDK's
in-memory exporter: sync, async over real HTTP on 127.0.0.1, streaming (the span ends with the
stream, a resume is an event), an error span, a retry event, continuation hops, no content
unless the application opts in, and nothing imported when the application has no OpenTelemetry.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import urlsplit

import gemini_interactions as gi
import pytest
from gemini_interactions.testing import FakeGemini
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from opentelemetry.util._once import Once

from tests.conftest import PROJECT_ROOT

MODEL = "gemini-3.7-flash"
USAGE = {"total_input_tokens": 7, "total_output_tokens": 11}
PROMPT = "what is the secret recipe"
ANSWER = "flour, water and patience"


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """A configured tracer provider for one test (the global one is put back afterwards)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace._TRACER_PROVIDER_SET_ONCE = Once()
    trace.set_tracer_provider(provider)
    try:
        yield exporter
    finally:
        provider.shutdown()
        trace._TRACER_PROVIDER = None
        trace._TRACER_PROVIDER_SET_ONCE = Once()


def _only(exporter: InMemorySpanExporter) -> ReadableSpan:
    (span,) = exporter.get_finished_spans()
    return span


def _no_content(span: ReadableSpan) -> None:
    text = json.dumps(dict(span.attributes or {})) + json.dumps(
        [dict(event.attributes or {}) for event in span.events]
    )
    assert PROMPT not in text and ANSWER not in text
    assert "gen_ai.input.messages" not in text and "gen_ai.output.messages" not in text


def test_a_sync_create_is_one_client_span(spans: InMemorySpanExporter) -> None:
    fake = FakeGemini()
    fake.reply(ANSWER, usage=USAGE)
    answer = fake.client(api_key="key-that-must-not-appear").interactions.create(
        model=MODEL, input=PROMPT, generation_config={"temperature": 0.5}
    )
    span = _only(spans)
    assert span.name == f"generate_content {MODEL}"
    assert span.kind == SpanKind.CLIENT
    attributes = dict(span.attributes or {})
    assert attributes["gen_ai.operation.name"] == "generate_content"
    assert attributes["gen_ai.provider.name"] == "gcp.gemini"
    assert attributes["gen_ai.request.model"] == MODEL
    assert attributes["gen_ai.request.temperature"] == 0.5
    assert attributes["gen_ai.response.id"] == answer.id
    assert attributes["gen_ai.response.finish_reasons"] == ("completed",)
    assert attributes["gen_ai.usage.input_tokens"] == 7
    assert attributes["gen_ai.usage.output_tokens"] == 11
    assert attributes["server.address"] == "generativelanguage.googleapis.com"
    assert span.status.status_code == StatusCode.UNSET
    _no_content(span)
    assert "key-that-must-not-appear" not in json.dumps(attributes)


def test_an_async_call_over_http_records_the_server(spans: InMemorySpanExporter) -> None:
    fake = FakeGemini()
    fake.reply(ANSWER, usage=USAGE)

    async def main(base_url: str) -> str:
        async with gi.AsyncClient(api_key="test", base_url=base_url) as client:
            answer = await client.interactions.create(model=MODEL, input=PROMPT)
            await client.interactions.get(answer.id)
            return answer.id

    with fake.serve() as base_url:
        interaction_id = asyncio.run(main(base_url))
    create, get = spans.get_finished_spans()
    assert create.name == f"generate_content {MODEL}"
    assert dict(create.attributes or {})["server.address"] == "127.0.0.1"
    assert dict(create.attributes or {})["server.port"] == urlsplit(base_url).port
    assert dict(create.attributes or {})["gen_ai.response.id"] == interaction_id
    assert get.name == "GET /{api_version}/interactions/{interactionsId}"
    assert dict(get.attributes or {})["gen_ai.response.id"] == interaction_id
    _no_content(create)


def test_a_stream_span_ends_with_the_stream_and_records_a_resume(
    spans: InMemorySpanExporter,
) -> None:
    fake = FakeGemini()
    fake.reply(ANSWER, usage=USAGE).cut_stream(after_events=2)
    with fake.client().interactions.create(model=MODEL, input=PROMPT, stream=True) as stream:
        next(iter(stream))
        assert spans.get_finished_spans() == ()  # still open while the stream is read
        final = stream.final()
    span = _only(spans)
    attributes = dict(span.attributes or {})
    assert attributes["gen_ai.response.id"] == final.id
    assert attributes["gen_ai.usage.output_tokens"] == 11
    assert [event.name for event in span.events] == ["resume"]
    _no_content(span)


def test_a_retried_resume_is_recorded_on_the_stream_span(spans: InMemorySpanExporter) -> None:
    fake = FakeGemini()
    fake.reply(ANSWER, usage=USAGE).cut_stream(after_events=2)
    fake.fail(503)  # the resume's first attempt
    stream = fake.client().interactions.create(model=MODEL, input=PROMPT, stream=True)
    assert stream.final().text() == ANSWER
    span = _only(spans)
    assert [event.name for event in span.events] == ["resume", "retry"]


def test_an_async_stream_closed_early_ends_its_span(spans: InMemorySpanExporter) -> None:
    fake = FakeGemini()
    fake.reply(ANSWER, usage=USAGE)

    async def main() -> None:
        client = fake.async_client()
        stream = await client.interactions.create(model=MODEL, input=PROMPT, stream=True)
        async with stream:
            async for _ in stream:
                break
        await client.close()

    asyncio.run(main())
    span = _only(spans)
    assert span.name == f"generate_content {MODEL}" and span.end_time is not None


def test_an_error_span_and_a_retry_event(spans: InMemorySpanExporter) -> None:
    fake = FakeGemini()
    fake.fail(400, message="Invalid value at 'input'")
    client = fake.client()
    with pytest.raises(gi.BadRequestError):
        client.interactions.create(model=MODEL, input=PROMPT)
    span = _only(spans)
    assert dict(span.attributes or {})["error.type"] == "400"
    assert span.status.status_code == StatusCode.ERROR
    spans.clear()
    fake.fail(503).reply(ANSWER)
    client.interactions.create(model=MODEL, input=PROMPT)
    span = _only(spans)
    assert [event.name for event in span.events] == ["retry"]
    assert span.status.status_code == StatusCode.UNSET


def test_each_continuation_hop_is_a_span(spans: InMemorySpanExporter) -> None:
    fake = FakeGemini()
    fake.reply_in_hops("first half, ", "second half")
    fake.client().interactions.create(model=MODEL, input=PROMPT, automatic_continuation=True)
    first, hop = spans.get_finished_spans()
    assert "gemini.continuation_hop" not in dict(first.attributes or {})
    assert dict(hop.attributes or {})["gemini.continuation_hop"] is True
    assert dict(first.attributes or {})["gen_ai.response.finish_reasons"] == (
        "requires_continuation",
    )


def test_content_is_recorded_only_when_the_application_opts_in(
    spans: InMemorySpanExporter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true")
    fake = FakeGemini()
    fake.reply(ANSWER)
    fake.client().interactions.create(model=MODEL, input=PROMPT, system_instruction="be brief")
    attributes = dict(_only(spans).attributes or {})
    assert PROMPT in str(attributes["gen_ai.input.messages"])
    assert "be brief" in str(attributes["gen_ai.system_instructions"])
    assert ANSWER in str(attributes["gen_ai.output.messages"])


def test_without_a_configured_provider_no_span_is_made() -> None:
    exporter = InMemorySpanExporter()  # a provider exists but is not the global one
    TracerProvider().add_span_processor(SimpleSpanProcessor(exporter))
    fake = FakeGemini()
    fake.reply(ANSWER)
    fake.client().interactions.create(model=MODEL, input=PROMPT)
    assert exporter.get_finished_spans() == ()


def test_without_opentelemetry_nothing_is_imported() -> None:
    script = (
        "import sys\n"
        "from gemini_interactions.testing import FakeGemini\n"
        "fake = FakeGemini()\n"
        "fake.reply('hi')\n"
        "fake.client().interactions.create(model='m', input='x')\n"
        "loaded = [m for m in sys.modules if 'opentelemetry' in m or m.endswith('_tracing')]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT / "generated",
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
