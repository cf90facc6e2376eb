"""Conversations and the function-calling loop, over the loopback wire (what the fake cannot
produce on purpose: a call to a tool the request did not declare); the rest runs against the
fake API in test_conversation_on_fake.py."""

from __future__ import annotations

import asyncio
from typing import Any, Literal, Optional

import pytest
from gemini_interactions import AsyncClient, Client
from gemini_interactions.conversation import AsyncConversation, Conversation, function_tool

from tests.client.conftest import API_KEY
from tests.client.loopback import LoopbackServer, RecordedRequest, Reply
from tests.json_exact import assert_json_exact


def get_weather(city: str, unit: str = "celsius") -> dict[str, Any]:
    """Current weather for a city.

    Longer notes that stay out of the tool description.
    """
    return {"city": city, "temperature": 21, "unit": unit}


def get_time(zone: str) -> str:
    """The time in a zone."""
    return f"12:00 {zone}"


def no_arguments() -> int:
    """Nothing to pass."""
    return 7


def test_function_tools_come_from_typed_signatures() -> None:
    tool = function_tool(get_weather)
    assert_json_exact(
        tool.to_dict(),
        {
            "type": "function",
            "name": "get_weather",
            "description": "Current weather for a city.",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {"type": "string"},
                    "unit": {"type": "string", "default": "celsius"},
                },
                "required": ["city"],
            },
        },
    )
    assert "required" not in function_tool(no_arguments).to_dict()["parameters"], (
        "the API rejects required: []"
    )


def book_table(
    guests: int,
    seating: Literal["inside", "terrace"] = "inside",
    note: Optional[str] = None,  # noqa: UP045
) -> str:
    """Book a table."""
    return f"{guests} {seating} {note}"


def test_function_tools_work_with_postponed_annotations() -> None:
    # this module uses `from __future__ import annotations`: every annotation is a string, and
    # `Literal` / `Optional` are names pydantic alone cannot resolve (issue: PydanticUserError)
    parameters = function_tool(book_table).to_dict()["parameters"]
    assert parameters["required"] == ["guests"]
    assert parameters["properties"]["seating"]["enum"] == ["inside", "terrace"]
    assert parameters["properties"]["guests"] == {"type": "integer"}


def test_an_unresolvable_annotation_is_a_clear_type_error() -> None:
    def broken(when: NoSuchType) -> None:  # type: ignore[name-defined]  # noqa: F821
        """Broken."""

    with pytest.raises(TypeError, match=r"function_tool\(.*broken\).*'when'.*NoSuchType"):
        function_tool(broken)


def scripted(server: LoopbackServer) -> None:
    replies = [
        {
            "id": "v1_1",
            "status": "requires_action",
            "steps": [
                {
                    "type": "function_call",
                    "id": "a",
                    "name": "get_weather",
                    "arguments": {"city": "Oslo"},
                },
                {
                    "type": "function_call",
                    "id": "b",
                    "name": "get_time",
                    "arguments": {"zone": "CET"},
                },
                {"type": "function_call", "id": "c", "name": "missing_tool", "arguments": {}},
            ],
        },
        {
            "id": "v1_2",
            "status": "completed",
            "steps": [{"type": "model_output", "content": [{"type": "text", "text": "Done"}]}],
        },
    ]

    def handler(request: RecordedRequest) -> Reply:
        return Reply(body=replies.pop(0))

    server.handler = handler


def test_run_tools_executes_calls_and_resends_what_is_not_inherited(
    client: Client, server: LoopbackServer
) -> None:
    scripted(server)
    tools = [function_tool(get_weather), function_tool(get_time)]
    conversation = Conversation(
        client, model="gemini-3.7-flash", tools=tools, system_instruction="Be brief"
    )
    run = conversation.run_tools([get_weather, get_time], "Weather and time in Oslo?")
    assert run.finished and run.rounds == 1 and run.interaction.text() == "Done"
    assert [(e.name, e.is_error) for e in run.executions] == [
        ("get_weather", False),
        ("get_time", False),
        ("missing_tool", True),
    ]
    assert run.executions[0].result == {"city": "Oslo", "temperature": 21, "unit": "celsius"}
    first, second = (request.json() for request in server.requests)
    assert "previous_interaction_id" not in first
    assert second["previous_interaction_id"] == "v1_1"
    for key in ("model", "tools", "system_instruction"):
        assert second[key] == first[key], f"{key} is resent every turn"
    results = second["input"]
    assert [(r["call_id"], r["name"]) for r in results] == [
        ("a", "get_weather"),
        ("b", "get_time"),
        ("c", "missing_tool"),
    ]
    assert results[1]["result"] == "12:00 CET" and results[2]["is_error"] is True


def test_async_conversation_with_async_functions(server: LoopbackServer) -> None:
    scripted(server)

    async def get_weather(city: str) -> dict[str, Any]:
        return {"city": city}

    async def scenario() -> None:
        async with AsyncClient(api_key=API_KEY, base_url=server.url) as client:
            conversation = AsyncConversation(client, model="m")
            run = await conversation.run_tools([get_weather, get_time], "go")
            assert run.finished and run.executions[0].result == {"city": "Oslo"}

    asyncio.run(scenario())
    assert server.requests[1].json()["input"][0]["result"] == {"city": "Oslo"}
