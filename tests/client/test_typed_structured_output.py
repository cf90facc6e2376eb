"""Typed structured output: `create(..., response_format=T)` gives a `ParsedInteraction[T]`
whose `.parsed` a checker knows as `T` (sync, async, stream, raw, `Conversation`), and a failed
parse names the fields, keeps the text and chains pydantic's error."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import gemini_interactions as gi
import pydantic
import pytest
from gemini_interactions.conversation import AsyncConversation, Conversation
from gemini_interactions.testing import FakeGemini
from pydantic import BaseModel

from tests.conftest import GENERATED, PROJECT_ROOT

MODEL = "gemini-3.7-flash"
EXAMPLE = PROJECT_ROOT / "tests" / "typed_usage" / "structured_and_tools_example.py"


class Day(BaseModel):
    high: int
    sky: str


class Forecast(BaseModel):
    city: str
    days: list[Day]


def _mypy(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir=/dev/null", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "MYPYPATH": str(GENERATED)},
        cwd=path.parent,
    )


def test_the_user_style_example_passes_mypy_strict_and_runs_against_the_fake() -> None:
    result = _mypy(EXAMPLE)
    assert result.returncode == 0, result.stdout + result.stderr
    ran = subprocess.run(
        [sys.executable, str(EXAMPLE)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(GENERATED)},
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr


def test_parsed_is_not_any_to_a_checker(tmp_path: Path) -> None:
    # a typo on `.parsed` must be reported: with `Any` it would pass silently
    broken = tmp_path / "broken.py"
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("turn = assert_type(chat.send", "turn_city = chat.send").replace(
        '"Madrid?", response_format=Weather).parsed, Weather)',
        '"Madrid?", response_format=Weather).parsed.citty\n    turn = turn_city',
    )
    text = text.replace(
        "weather = assert_type(answer.parsed, Weather)", "weather = answer.parsed.celsiuss"
    )
    broken.write_text(text, encoding="utf-8")
    result = _mypy(broken)
    assert '"Weather" has no attribute "celsiuss"' in result.stdout, result.stdout
    assert '"Weather" has no attribute "citty"' in result.stdout, result.stdout


def test_the_answer_is_a_parsed_interaction_and_still_an_interaction() -> None:
    fake = FakeGemini().reply('{"city": "Oslo", "days": []}').reply("plain")
    client = fake.client()
    answer = client.interactions.create(model=MODEL, input="x", response_format=Forecast)
    assert isinstance(answer, gi.ParsedInteraction) and isinstance(answer, gi.types.Interaction)
    assert answer.parsed == Forecast(city="Oslo", days=[])
    assert answer.to_dict()["status"] == "completed", "the same wire JSON"
    plain = client.interactions.create(model=MODEL, input="x")
    assert not isinstance(plain, gi.ParsedInteraction)


def test_a_failed_parse_names_the_fields_keeps_the_text_and_chains_pydantic() -> None:
    text = '{"city": "Oslo", "days": [{"high": 3, "sky": "clear"}, {"high": "warm"}]}'
    fake = FakeGemini().reply(text)
    answer = fake.client().interactions.create(model=MODEL, input="x", response_format=Forecast)
    with pytest.raises(gi.StructuredOutputError) as raised:
        _ = answer.parsed
    error = raised.value
    assert error.fields == ("days.1.high", "days.1.sky")
    assert "days.1.high" in str(error) and "days.1.sky" in str(error)
    assert error.text == text and error.target is Forecast
    assert isinstance(error.__cause__, pydantic.ValidationError)


def test_an_answer_that_is_not_json_says_so() -> None:
    fake = FakeGemini().reply("Sorry, no JSON today.")
    answer = fake.client().interactions.create(model=MODEL, input="x", response_format=Forecast)
    with pytest.raises(gi.StructuredOutputError, match="Invalid JSON") as raised:
        _ = answer.parsed
    assert raised.value.fields == ("",) and raised.value.text == "Sorry, no JSON today."


def test_a_conversation_turn_takes_a_response_format_for_that_turn_only() -> None:
    fake = FakeGemini().reply('{"city": "Oslo", "days": []}').reply("You are welcome.")
    chat = Conversation(fake.client(), model=MODEL)
    assert chat.send("Forecast?", response_format=Forecast).parsed.city == "Oslo"
    assert chat.send("Thanks").text() == "You are welcome."
    first, second = (request.body for request in fake.requests)
    assert first["response_format"]["schema"]["title"] == "Forecast"
    assert "response_format" not in second


def test_an_async_conversation_turn_parses_too() -> None:
    fake = FakeGemini().reply('{"city": "Lima", "days": [{"high": 20, "sky": "fog"}]}')

    async def main() -> Forecast:
        chat = AsyncConversation(fake.async_client(), model=MODEL)
        return (await chat.send("Forecast?", response_format=Forecast)).parsed

    assert asyncio.run(main()).days == [Day(high=20, sky="fog")]
