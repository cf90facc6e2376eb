"""Structured output and tool declarations as a user writes them, checked by `mypy --strict`
(`assert_type` fails the check if `.parsed` is anything but the requested type) and run against
the fake API by tests/client/test_typed_structured_output.py."""

from __future__ import annotations

import asyncio
import functools
from typing import Any, Literal, assert_type

from gemini_interactions import AsyncClient, Client, ParsedInteraction
from gemini_interactions.conversation import AsyncConversation, Conversation, function_tool
from gemini_interactions.testing import FakeGemini, function_call
from pydantic import BaseModel

MODEL = "gemini-3.7-flash"


class Weather(BaseModel):
    city: str
    celsius: int


def structured(client: Client) -> list[object]:
    answer = client.interactions.create(model=MODEL, input="Paris?", response_format=Weather)
    assert_type(answer, ParsedInteraction[Weather])
    weather = assert_type(answer.parsed, Weather)

    many = client.interactions.create(model=MODEL, input="Cities?", response_format=list[Weather])
    forecast = assert_type(many.parsed, list[Weather])

    mood = client.interactions.create(
        model=MODEL, input="Mood?", response_format=Literal["good", "bad"]
    ).parsed  # a special form: the checker cannot name it, so it is Any

    with client.interactions.create(
        model=MODEL, input="Oslo?", response_format=Weather, stream=True
    ) as stream:
        streamed = assert_type(stream.until_done().parsed, Weather)

    raw = client.with_raw_response.interactions.create(
        model=MODEL, input="Rome?", response_format=Weather
    )
    from_raw = assert_type(raw.parse().parsed, Weather)

    chat = Conversation(client, model=MODEL)
    turn = assert_type(chat.send("Madrid?", response_format=Weather).parsed, Weather)
    plain = chat.send("Thanks!")  # no type asked for: a plain Interaction
    return [weather, forecast, mood, streamed, from_raw, turn, plain.text()]


async def structured_async(client: AsyncClient) -> tuple[Weather, Weather]:
    answer = await client.interactions.create(model=MODEL, input="Lima?", response_format=Weather)
    chat = AsyncConversation(client, model=MODEL)
    turn = await chat.send("Quito?", response_format=Weather)
    return assert_type(answer.parsed, Weather), assert_type(turn.parsed, Weather)


class Search:
    def __init__(self, source: str) -> None:
        self.source = source

    def search(self, query: str) -> str:
        """Search one source."""
        return f"{self.source}: {query}"


def convert(amount: float, rate: float) -> float:
    """Convert an amount at a rate."""
    return amount * rate


def tools(client: Client) -> list[Any]:
    chat = Conversation(client, model=MODEL)
    run = chat.run_tools(
        [
            function_tool(Search("docs").search, name="docs_search"),
            function_tool(Search("web").search, name="web_search"),
            functools.partial(convert, rate=1.1),
        ],
        "Find and convert",
    )
    return [execution.result for execution in run.executions]


def main() -> None:
    fake = FakeGemini()
    for reply in (
        '{"city": "Paris", "celsius": 21}',
        '[{"city": "Oslo", "celsius": -3}]',
        '"good"',
        '{"city": "Oslo", "celsius": -2}',
        '{"city": "Rome", "celsius": 30}',
        '{"city": "Madrid", "celsius": 25}',
        "You are welcome.",
    ):
        fake.reply(reply)
    values = structured(fake.client())
    assert values[0] == Weather(city="Paris", celsius=21) and values[2] == "good", values
    assert values[-2] == Weather(city="Madrid", celsius=25), values

    fake.reply('{"city": "Lima", "celsius": 19}').reply('{"city": "Quito", "celsius": 14}')
    lima, quito = asyncio.run(structured_async(fake.async_client()))
    assert lima == Weather(city="Lima", celsius=19) and quito.city == "Quito"

    fake.reply(
        function_call("web_search", {"query": "rates"}, id="w"),
        function_call("convert", {"amount": 10}, id="c"),
    ).reply("Done.")
    assert tools(fake.client()) == ["web: rates", 11.0]


if __name__ == "__main__":
    main()
