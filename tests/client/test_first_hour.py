"""First-hour conveniences, run against the fake API: `with_options`, `text_stream`,
`until_done`, and the answer's text read from its steps."""

from __future__ import annotations

import asyncio

import gemini_interactions as gi
from gemini_interactions.testing import FakeGemini, thought

MODEL = "gemini-3.7-flash"


def test_with_options_copies_the_client_and_shares_its_connections() -> None:
    fake = FakeGemini().fail(503)
    client = fake.client(max_retries=3)
    strict = client.with_options(max_retries=0, default_headers={"x-team": "a"})
    assert strict is not client and strict._transport is client._transport
    try:
        strict.interactions.create(model=MODEL, input="x")
    except gi.InternalServerError:
        pass
    else:  # pragma: no cover - the assertion below explains
        raise AssertionError("max_retries=0 must not retry the 503")
    assert len(fake.requests) == 1 and fake.requests[0].headers["x-team"] == "a"
    fake.fail(503)
    assert client.interactions.create(model=MODEL, input="x").status == "completed"
    assert len(fake.requests) == 3, "the original client still retries"


def test_text_stream_yields_only_the_answer_and_final_still_works() -> None:
    answer = "The capital of France is Paris. " * 5
    fake = FakeGemini().reply(thought("Geography."), answer)
    with fake.client().interactions.create(model=MODEL, input="x", stream=True) as stream:
        pieces = list(stream.text_stream())
        assert "".join(pieces) == answer and len(pieces) > 1
        final = stream.until_done()
    assert final.text() == answer and final.thoughts()


def test_async_text_stream_and_until_done() -> None:
    fake = FakeGemini().reply("async words")

    async def main() -> tuple[str, str]:
        async with fake.async_client() as client:
            stream = await client.interactions.create(model=MODEL, input="x", stream=True)
            pieces = [piece async for piece in stream.text_stream()]
            final = await stream.until_done()
            return "".join(pieces), str(final.text())

    assert asyncio.run(main()) == ("async words", "async words")


def test_a_plain_function_given_to_create_says_how_to_declare_it() -> None:
    # issue point 4: users pass `tools=[get_weather]` and used to get "Unable to extract tag"
    def get_weather(city: str) -> str:
        return city

    fake = FakeGemini()
    try:
        fake.client().interactions.create(model=MODEL, input="x", tools=[get_weather])  # type: ignore[list-item]
    except gi.RequestValidationError as error:
        assert error.path == "tools[0]" and "function_tool(get_weather)" in str(error)
        assert "discriminator" not in str(error)
    else:  # pragma: no cover - the assertion explains
        raise AssertionError("a plain function is not a tool declaration")
    assert fake.requests == [], "refused before sending"
