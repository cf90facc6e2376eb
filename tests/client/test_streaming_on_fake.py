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


def _resumes(fake: FakeGemini) -> list[str]:
    """The `last_event_id` of each resume request the fake received, in order."""
    return [
        r.query["last_event_id"]
        for r in fake.requests
        if r.method == "GET" and r.query.get("alt") == "sse" and "last_event_id" in r.query
    ]


def _status_reads(fake: FakeGemini) -> int:
    return sum(1 for r in fake.requests if r.method == "GET" and "alt" not in r.query)


def test_a_clean_close_before_completion_resumes_too() -> None:
    fake = FakeGemini().reply(ANSWER).cut_stream(after_events=5, abrupt=False)
    with fake.client().interactions.create(model=MODEL, input="x", stream=True) as stream:
        ids = [event.event_id for event in stream]
        text = stream.until_done().text()
    assert text == ANSWER
    # the resume ran: one re-stream after the fifth event, and no status read rebuilt the answer
    assert _resumes(fake) == [ids[4]] and _status_reads(fake) == 0
    assert stream.recovered_events == 0 and None not in ids and len(ids) == len(set(ids))
    assert fake.sleeps == [ResumePolicy().delay(0)], "one backoff, on the fake's clock"


def test_async_cuts_resume_with_the_same_result() -> None:
    fake = FakeGemini().reply(ANSWER)
    for cut in (300, 1500, 2900):
        fake.cut_stream(after_bytes=cut)

    async def main() -> tuple[str, list[str | None], int]:
        async with fake.async_client() as client:
            stream = await client.interactions.create(model=MODEL, input="x", stream=True)
            ids: list[str | None] = []
            async with stream:
                async for event in stream:
                    ids.append(event.event_id)
                final = await stream.final()
            return final.text(), ids, stream.recovered_events

    text, ids, recovered = asyncio.run(main())
    assert text == ANSWER
    resumes = _resumes(fake)
    assert len(resumes) == 3 and _status_reads(fake) == 0 and recovered == 0
    # each resume continues after the last event delivered before its cut
    delivered = [event_id for event_id in ids if event_id is not None]
    assert delivered == ids and len(set(delivered)) == len(delivered)
    assert all(event_id in delivered for event_id in resumes)
    assert resumes == sorted(resumes) and len(set(resumes)) == 3


def test_a_stream_that_cannot_complete_says_how_many_events_arrived() -> None:
    # Every resume is cut before its first event and the interaction is still running when
    # its status is read: the stream gives up after the policy's attempts, on the fake clock.
    policy = ResumePolicy()
    fake = FakeGemini().reply(ANSWER).cut_stream(after_events=7)
    for _ in range(policy.max_attempts):
        fake.cut_stream(after_events=0)
    fake.mutate(lambda interaction: {**interaction, "status": "in_progress"})
    client = fake.client()
    received = []
    with pytest.raises(gi.StreamError) as raised:
        for event in client.interactions.create(model=MODEL, input="x", stream=True):
            received.append(event)
    error = raised.value
    assert len(received) == 7 and error.events_received == 7
    assert "after 7 event(s)" in str(error) and "still 'in_progress'" in str(error)
    last = received[-1].event_id
    assert _resumes(fake) == [last] * policy.max_attempts, "every resume continues after event 7"
    assert _status_reads(fake) == 1 and fake.requests[0].method == "POST"
    assert len(fake.requests) == 1 + policy.max_attempts + 1
    assert fake.sleeps == [policy.delay(attempt) for attempt in range(policy.max_attempts)]


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
