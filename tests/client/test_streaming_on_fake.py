"""Streams against the fake API: typed events and the accumulated interaction, connections cut
at random bytes or events (abruptly or cleanly) and resumed after `last_event_id` with nothing
lost or repeated, `store: false` streams that cannot resume (W86), a bare JSON refusal line
mid-stream (W77) — sync and async.

What needs exact control of the bytes on the wire (SSE framing, CR/LF variants, chunk boundaries
inside UTF-8, the benchmark's 10,047 events) stays on the raw loopback server in
test_streaming.py and test_wire_tolerant_streams.py.
"""

from __future__ import annotations

import asyncio
import random

import gemini_interactions as gi
import pytest
from gemini_interactions import ResumePolicy
from gemini_interactions.params import ToolParam
from gemini_interactions.testing import FakeGemini, function_call, thought

from tests.json_exact import assert_json_exact

MODEL = "gemini-3.7-flash"
ANSWER = "".join(f"Sentence {n}: déjà vu, 東京, 😀. " for n in range(150))  # multi-byte text


def test_a_stream_is_typed_and_accumulates_what_get_returns() -> None:
    fake = FakeGemini().reply(thought("Plan."), ANSWER, function_call("lookup", {"q": "x"}))
    client = fake.client()
    tools: list[ToolParam] = [{"type": "function", "name": "lookup"}]  # W20
    with client.interactions.create(model=MODEL, input="x", tools=tools, stream=True) as stream:
        kinds = [type(event).__name__ for event in stream]
        final = stream.until_done()
    assert kinds[0] == "InteractionCreatedEvent" and kinds[-1] == "InteractionCompletedEvent"
    assert kinds.count("StepStart") == kinds.count("StepStop") == 3
    assert final.text() == ANSWER and final.thoughts() and final.function_calls()
    stored = client.interactions.get(final.id or "").to_dict()["steps"]
    assert_json_exact(final.to_dict()["steps"], stored)
    request = fake.requests[0]
    assert request.query["alt"] == "sse" and request.body["stream"] is True


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_byte_cuts_lose_and_repeat_nothing(seed: int) -> None:
    rng = random.Random(seed)
    fake = FakeGemini().reply(ANSWER)
    cuts = sorted(rng.sample(range(200, 6000), 8))
    for cut in cuts:  # each resumed stream is cut again, at a byte inside the rest
        fake.cut_stream(after_bytes=cut)
    client = fake.client()
    client.resume_policy = ResumePolicy(max_attempts=10)
    with client.interactions.create(model=MODEL, input="x", stream=True) as stream:
        ids = [event.event_id for event in stream]
        text = stream.until_done().text()
    assert text == ANSWER
    assert len(ids) == len(set(ids)) and None not in ids, "every event once, none made up"
    resumes = [r for r in fake.requests if r.method == "GET" and "last_event_id" in r.query]
    assert len(resumes) == len(cuts) and all(r.query["alt"] == "sse" for r in resumes)


def test_a_clean_close_before_completion_resumes_too() -> None:
    fake = FakeGemini().reply(ANSWER).cut_stream(after_events=5, abrupt=False)
    with fake.client().interactions.create(model=MODEL, input="x", stream=True) as stream:
        assert "".join(stream.text_stream()) == ANSWER


def test_async_cuts_resume_with_the_same_result() -> None:
    fake = FakeGemini().reply(ANSWER)
    for cut in (300, 1500, 2900):
        fake.cut_stream(after_bytes=cut)

    async def main() -> str:
        async with fake.async_client() as client:
            stream = await client.interactions.create(model=MODEL, input="x", stream=True)
            async with stream:
                return "".join([piece async for piece in stream.text_stream()])

    assert asyncio.run(main()) == ANSWER


def test_a_store_false_stream_that_drops_says_it_cannot_resume() -> None:
    fake = FakeGemini().reply(ANSWER).cut_stream(after_events=6)
    stream = fake.client().interactions.create(model=MODEL, input="x", store=False, stream=True)
    with pytest.raises(gi.StreamError, match="store: false") as raised:
        for _ in stream:
            pass
    assert "6 event" in str(raised.value)
    assert [r.method for r in fake.requests] == ["POST"], "no request to an empty id (W86)"


def test_a_refusal_line_mid_stream_is_a_typed_error_after_the_events_before_it() -> None:
    fake = FakeGemini().reply(ANSWER).refuse_mid_stream(after_events=4, message="Request blocked.")
    seen = []
    with pytest.raises(gi.GeminiError, match="Request blocked"):
        for event in fake.client().interactions.create(model=MODEL, input="x", stream=True):
            seen.append(event)
    assert len(seen) == 4
