"""Structured output: `response_format=Model` sends the JSON schema in the shape the API takes
(W51), and `interaction.parsed` gives the validated object — sync, async and streamed."""

from __future__ import annotations

import asyncio

import gemini_interactions as gi
import pytest
from gemini_interactions.testing import FakeGemini
from pydantic import BaseModel

from tests.json_exact import assert_json_exact

MODEL = "gemini-3.7-flash"


class Weather(BaseModel):
    city: str
    celsius: int


def test_a_model_class_is_sent_as_its_schema_and_the_answer_parses() -> None:
    fake = FakeGemini().reply('{"city": "Paris", "celsius": 21}')
    answer = fake.client().interactions.create(
        model=MODEL, input="Weather in Paris?", response_format=Weather
    )
    assert answer.parsed == Weather(city="Paris", celsius=21)
    sent = fake.requests[0].body["response_format"]
    assert sent["type"] == "text" and sent["mime_type"] == "application/json"
    assert sent["schema"]["properties"]["celsius"] == {"title": "Celsius", "type": "integer"}
    assert "response_mime_type" not in fake.requests[0].body, "the dead field is never sent (W46)"


def test_any_adaptable_type_works_and_no_type_means_no_parsing() -> None:
    fake = FakeGemini().reply("[1, 2, 3]").reply("plain")
    client = fake.client()
    assert client.interactions.create(model=MODEL, input="x", response_format=list[int]).parsed == [
        1,
        2,
        3,
    ]
    assert client.interactions.create(model=MODEL, input="x").parsed is None


def test_an_answer_that_does_not_parse_raises_a_typed_error_with_the_text() -> None:
    fake = FakeGemini().reply("Sorry, I cannot do JSON today.")
    answer = fake.client().interactions.create(model=MODEL, input="x", response_format=Weather)
    with pytest.raises(gi.StructuredOutputError) as raised:
        _ = answer.parsed
    assert raised.value.text == "Sorry, I cannot do JSON today." and raised.value.target is Weather
    assert isinstance(raised.value, gi.GeminiError) and isinstance(raised.value, ValueError)


def test_streams_and_async_parse_too() -> None:
    fake = (
        FakeGemini()
        .reply('{"city": "Oslo", "celsius": -3}')
        .reply('{"city": "Rome", "celsius": 30}')
    )
    with fake.client().interactions.create(
        model=MODEL, input="x", response_format=Weather, stream=True
    ) as stream:
        assert stream.until_done().parsed == Weather(city="Oslo", celsius=-3)

    async def main() -> Weather:
        async with fake.async_client() as client:
            answer = await client.interactions.create(
                model=MODEL, input="x", response_format=Weather
            )
            parsed: Weather = answer.parsed
            return parsed

    assert asyncio.run(main()) == Weather(city="Rome", celsius=30)


def test_a_wire_response_format_dict_is_sent_unchanged() -> None:
    fake = FakeGemini().reply("{}")
    shape = {"type": "text", "mime_type": "application/json", "schema": {"type": "object"}}
    fake.client().interactions.create(model=MODEL, input="x", response_format=shape)
    assert_json_exact(fake.requests[0].body["response_format"], shape)
