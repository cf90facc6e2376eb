"""`client.with_raw_response`: the status, headers and request id of a call, then its parsed
value — plain calls, streams and errors, sync and async, against the fake API (which sends
`x-goog-request-id` as the API does, W95)."""

from __future__ import annotations

import asyncio

import gemini_interactions as gi
import pytest
from gemini_interactions.testing import FakeGemini

MODEL = "gemini-3.7-flash"


def test_a_raw_get_has_status_headers_request_id_and_parses_to_what_get_returns() -> None:
    fake = FakeGemini().reply("Paris.")
    client = fake.client()
    created = client.interactions.create(model=MODEL, input="Capital of France?")
    raw = client.with_raw_response.interactions.get(created.id)
    assert isinstance(raw, gi.RawResponse)
    assert raw.status_code == 200 and raw.headers["content-type"].startswith("application/json")
    assert raw.request_id and len(raw.request_id) == 16
    assert raw.url.endswith(f"/interactions/{created.id}") and raw.elapsed_seconds is not None
    interaction = raw.parse()
    assert isinstance(interaction, gi.types.Interaction) and interaction.text() == "Paris."
    assert raw.parse() is interaction, "parsed once"
    assert interaction == client.interactions.get(created.id)
    assert b"Paris." in raw.content and "Paris." in raw.text


def test_only_the_wrapped_call_is_raw() -> None:
    fake = FakeGemini()
    client = fake.client()
    raw = client.with_raw_response.interactions.create(model=MODEL, input="x")
    assert isinstance(raw, gi.RawResponse) and raw.parse().status == "completed"
    assert isinstance(client.interactions.get(raw.parse().id), gi.types.Interaction)
    first, second = (client.with_raw_response.interactions.get(raw.parse().id) for _ in range(2))
    assert first.request_id != second.request_id, "one id per request"


def test_a_raw_delete_and_cancel_return_their_responses() -> None:
    fake = FakeGemini().reply("x", duration=30)
    client = fake.client()
    started = client.interactions.create(model=MODEL, input="x", background=True)
    cancelled = client.with_raw_response.interactions.cancel(started.id)
    assert cancelled.status_code == 200 and cancelled.parse().status == "cancelled"
    deleted = client.with_raw_response.interactions.delete(started.id)
    assert deleted.status_code == 200 and deleted.request_id


def test_a_raw_stream_returns_at_the_headers_and_parses_to_the_stream_which_resumes() -> None:
    answer = "A long answer, streamed in pieces. " * 8
    fake = FakeGemini().reply(answer).cut_stream(after_events=4)
    client = fake.client()
    raw = client.with_raw_response.interactions.create(model=MODEL, input="x", stream=True)
    assert raw.headers["content-type"].startswith("text/event-stream") and raw.request_id
    assert raw.elapsed_seconds is None, "the body is not read yet"
    with raw.parse() as stream:
        text = "".join(stream.text_stream())
        final = stream.until_done()
    assert text == answer and final.text() == answer
    resumed = [request for request in fake.requests if request.method == "GET"]
    assert resumed and resumed[0].query.get("last_event_id"), "the resume was an ordinary call"


def test_errors_raise_as_from_the_ordinary_methods_with_their_request_id() -> None:
    client = FakeGemini().client(max_retries=0)
    with pytest.raises(gi.NotFoundError) as caught:
        client.with_raw_response.interactions.get("missing")
    assert caught.value.request_id


def test_nested_resources_and_the_async_client() -> None:
    fake = FakeGemini().reply("Hello.")

    async def main() -> None:
        async with fake.async_client() as client:
            created = await client.with_raw_response.interactions.create(model=MODEL, input="x")
            interaction = created.parse()
            assert created.request_id and interaction.text() == "Hello."
            token = await client.with_raw_response.interactions.auth_tokens.create(interaction.id)
            assert token.status_code == 200 and token.parse().auth_token
            raw = await client.with_raw_response.interactions.create(
                model=MODEL, input="x", stream=True
            )
            async with raw.parse() as stream:
                final = await stream.until_done()
            assert final.status == "completed" and raw.request_id

    asyncio.run(main())
