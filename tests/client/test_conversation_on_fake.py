"""Conversations against the fake API: chained turns, stateless replay, the tool loop's bound."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from gemini_interactions.conversation import AsyncConversation, Conversation
from gemini_interactions.testing import FakeGemini, function_call, thought
from pydantic import BaseModel, Field

from tests.conftest import GENERATED

SIGNED = "c2lnbmF0dXJlIG9mIHRoZSB0aG91Z2h0Lw=="


def get_time(zone: str) -> str:
    """The time in a zone."""
    return f"12:00 {zone}"


def test_conversation_chains_turns() -> None:
    fake = FakeGemini()
    conversation = Conversation(fake.client(), model="gemini-3.7-flash", system_instruction="s")
    for index in range(3):
        conversation.send(f"turn {index}")
    previous = [request.body.get("previous_interaction_id") for request in fake.requests]
    assert previous == [None, "v1_fake0001", "v1_fake0002"]
    assert all(request.body["system_instruction"] == "s" for request in fake.requests)


def test_run_tools_stops_after_max_rounds() -> None:
    fake = FakeGemini()
    for _ in range(3):
        fake.reply(function_call("get_time", {"zone": "UTC"}, id="x"))
    conversation = Conversation(fake.client(), model="gemini-3.7-flash")
    run = conversation.run_tools([get_time], "again and again", max_rounds=2)
    assert run.rounds == 2 and not run.finished and len(fake.requests) == 3


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_stateless_conversation_replays_its_history(mode: str) -> None:
    # store=False keeps nothing server-side (W07, W86): the second turn must carry the first
    fake = FakeGemini().reply(thought("hm", signature=SIGNED), "Hello!").reply("Again.")
    if mode == "sync":
        conversation = Conversation(fake.client(), model="gemini-3.7-flash", store=False)
        conversation.send("hi")
        conversation.send("and again")
    else:

        async def run() -> None:
            async with fake.async_client() as client:
                conversation = AsyncConversation(client, model="gemini-3.7-flash", store=False)
                await conversation.send("hi")
                await conversation.send("and again")

        asyncio.run(run())
    assert fake.interactions == {}, "nothing was stored"
    second = fake.requests[1].body
    assert "previous_interaction_id" not in second and second["store"] is False
    assert second["input"] == [
        {"type": "user_input", "content": [{"type": "text", "text": "hi"}]},
        {"type": "thought", "signature": SIGNED, "summary": [{"type": "text", "text": "hm"}]},
        {"type": "model_output", "content": [{"type": "text", "text": "Hello!"}]},
        {"type": "user_input", "content": [{"type": "text", "text": "and again"}]},
    ]


def test_plain_functions_are_tools_declared_once() -> None:
    fake = FakeGemini().reply(function_call("get_time", {"zone": "CET"}, id="t")).reply("Noon.")
    conversation = Conversation(fake.client(), model="gemini-3.7-flash", tools=[get_time])
    run = conversation.run_tools([get_time], "What time is it in Paris?")
    assert run.finished and run.executions[0].result == "12:00 CET"
    for request in fake.requests:  # every turn declares it, exactly once (not inherited, W20)
        assert [tool["name"] for tool in request.body["tools"]] == ["get_time"]


class WeatherReport(BaseModel):
    """Record the weather the model found."""

    city: str
    celsius: int = Field(description="Degrees Celsius.")


def test_a_pydantic_model_is_a_tool_whose_calls_validate_into_it() -> None:
    fake = FakeGemini()
    fake.reply(function_call("WeatherReport", {"city": "Paris", "celsius": "warm"}, id="a"))
    fake.reply(function_call("WeatherReport", {"city": "Paris", "celsius": 21}, id="b"))
    fake.reply("Recorded.")
    run = Conversation(fake.client(), model="gemini-3.7-flash").run_tools(
        [WeatherReport], "Weather in Paris?"
    )
    declared = fake.requests[0].body["tools"][0]
    assert declared["name"] == "WeatherReport"
    assert declared["description"] == "Record the weather the model found."
    assert declared["parameters"]["properties"]["celsius"]["description"] == "Degrees Celsius."
    invalid, valid = run.executions
    assert invalid.is_error and "celsius" in str(invalid.result), "the model is told what is wrong"
    assert isinstance(valid.result, WeatherReport) and valid.result.celsius == 21
    results = fake.requests[2].body["input"]
    assert results == [
        {
            "type": "function_result",
            "call_id": "b",
            "name": "WeatherReport",
            "result": {"city": "Paris", "celsius": 21},
        }
    ]
    assert run.finished and run.interaction.text() == "Recorded."


def test_send_and_the_tool_run_are_typed(tmp_path: Path) -> None:
    source = tmp_path / "typed_conversation.py"
    source.write_text(
        textwrap.dedent(
            """
            from gemini_interactions import Client
            from gemini_interactions.conversation import Conversation
            from gemini_interactions.types import Interaction


            def get_time(zone: str) -> str:
                return zone


            def main(client: Client) -> str:
                chat = Conversation(client, model="gemini-3.7-flash")
                first: Interaction = chat.send("hi")
                run = chat.run_tools([get_time], "What time is it?")
                last: Interaction = run.interaction
                return first.text() + last.text()
            """
        ),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir=/dev/null", str(source)],
        capture_output=True,
        text=True,
        env={"MYPYPATH": str(GENERATED), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout
    broken = source.read_text(encoding="utf-8").replace("first.text()", "first.txt()")
    source.write_text(broken, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir=/dev/null", str(source)],
        capture_output=True,
        text=True,
        env={"MYPYPATH": str(GENERATED), "PATH": "/usr/bin:/bin"},
    )
    assert '"Interaction" has no attribute "txt"' in result.stdout, "send() is not Any"
