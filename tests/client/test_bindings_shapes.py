"""The shapes google-genai 3.6.1 defines and the spec lacks (overlay 55-bindings-shapes, W93):
the `tool_search` tool and its steps and deltas, deferred loading, processing options, and the
auth-token endpoint — sent, parsed and streamed through the client against the fake API."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import gemini_interactions as gi
import pytest
from gemini_interactions import types
from gemini_interactions.testing import FakeGemini

MODEL = "gemini-3.7-flash"

SEARCH_CALL = {
    "type": "tool_search_call",
    "id": "search_1",
    "arguments": {"function_names": ["get_weather"]},
    "signature": "c2ln",
}
SEARCH_RESULT = {
    "type": "tool_search_result",
    "call_id": "search_1",
    "result": [{"type": "function", "name": "get_weather", "parameters": {"type": "object"}}],
}


def test_a_deferred_function_and_a_tool_search_are_sent_as_declared() -> None:
    fake = FakeGemini()
    tools: list[types.Tool] = [
        types.ToolSearch(),
        types.Function(
            name="get_weather",
            short_description="Weather for a city.",
            defer_loading=True,
            parameters={"type": "object", "properties": {"city": {"type": "string"}}},
        ),
        types.McpServer(name="maps", url="https://mcp.example/maps", defer_loading=True),
    ]
    fake.client().interactions.create(model=MODEL, input="Weather in Paris?", tools=tools)
    sent = fake.requests[0].body["tools"]
    assert sent[0] == {"type": "tool_search"}
    assert (
        sent[1]["defer_loading"] is True and sent[1]["short_description"] == "Weather for a city."
    )
    assert sent[2]["defer_loading"] is True


def test_request_dicts_with_the_new_keys_are_not_refused_locally() -> None:
    # before the overlay, our unknown-key check refused what the bindings send
    fake = FakeGemini()
    fake.client().interactions.create(
        model=MODEL,
        input=[
            {
                "type": "document",
                "uri": "https://example.com/report.xlsx",
                "processing": {"type": "static", "spreadsheet_options": {"sheet_index": 2}},
                "resolution": "high",
            },
            {
                "type": "audio",
                "uri": "https://example.com/a.mp3",
                "processing": {"type": "static", "start_offset": "10s"},
            },
        ],
        tools=[{"type": "tool_search", "execution": "client", "name": "find_tools"}],
    )
    assert len(fake.requests) == 1


def test_tool_search_steps_parse_typed_and_round_trip() -> None:
    fake = FakeGemini().reply(SEARCH_CALL, SEARCH_RESULT, "Sunny.")
    interaction = fake.client().interactions.create(
        model=MODEL, input="x", tools=[{"type": "tool_search"}]
    )
    call, result, _ = interaction.steps or []
    assert isinstance(call, types.ToolSearchCallStep) and call.arguments.function_names == [
        "get_weather"
    ]
    assert isinstance(result, types.ToolSearchResultStep) and result.call_id == call.id
    assert result.result is not None and isinstance(result.result[0], types.Function)
    assert call.to_dict() == SEARCH_CALL and result.to_dict() == SEARCH_RESULT
    assert interaction.text() == "Sunny."


def test_tool_search_deltas_stream_typed_sync_and_async() -> None:
    deltas: list[dict[str, Any]] = [
        {"type": "tool_search_call", "arguments": {"function_names": ["a"]}},
        {"type": "tool_search_result", "result": [{"type": "function", "name": "a"}]},
    ]

    def stream_body() -> bytes:
        frames: list[dict[str, Any]] = [
            {
                "event_type": "interaction.created",
                "interaction": {"id": "i1", "status": "in_progress"},
            },
            {
                "event_type": "step.start",
                "index": 0,
                "step": {"type": "tool_search_call", "id": "s", "arguments": {}},
            },
            {"event_type": "step.delta", "index": 0, "delta": deltas[0]},
            {"event_type": "step.delta", "index": 0, "delta": deltas[1]},
            {"event_type": "step.stop", "index": 0},
            {
                "event_type": "interaction.completed",
                "interaction": {"id": "i1", "status": "completed"},
            },
        ]
        return b"".join(
            f"event: {f['event_type']}\ndata: {json.dumps(f)}\n\n".encode() for f in frames
        )

    fake = FakeGemini()
    fake.reply_raw_stream(stream_body())
    with fake.client().interactions.create(model=MODEL, input="x", stream=True) as stream:
        seen = [event.delta for event in stream if isinstance(event, types.StepDelta)]
    assert isinstance(seen[0], types.ToolSearchCallDelta) and seen[0].arguments is not None
    assert isinstance(seen[1], types.ToolSearchResultDelta) and seen[1].result is not None

    async def main() -> list[object]:
        fake.reply_raw_stream(stream_body())
        async with fake.async_client() as client:
            stream = await client.interactions.create(model=MODEL, input="x", stream=True)
            return [event.delta async for event in stream if isinstance(event, types.StepDelta)]

    assert [type(delta) for delta in asyncio.run(main())] == [type(delta) for delta in seen]


def test_auth_tokens_are_created_and_revoked_by_their_hex_string() -> None:
    fake = FakeGemini()
    client = fake.client()
    interaction = client.interactions.create(model=MODEL, input="x")
    token = client.interactions.auth_tokens.create(
        interaction.id, expire_time="2026-12-02T00:00:00Z"
    )
    assert isinstance(token, types.InteractionAuthToken) and token.auth_token
    assert fake.requests[-1].body == {"expire_time": "2026-12-02T00:00:00Z"}
    assert fake.requests[-1].path.endswith(f"/interactions/{interaction.id}/auth_tokens")
    hex_string = token.auth_token.removeprefix("auth_tokens/")
    client.interactions.auth_tokens.delete(interaction.id, hex_string)
    assert fake.requests[-1].method == "DELETE"
    assert fake.requests[-1].path.endswith(
        f"/interactions/{interaction.id}/auth_tokens/{hex_string}"
    )
    with pytest.raises(gi.NotFoundError):
        client.interactions.auth_tokens.delete(interaction.id, hex_string)


def test_the_bindings_statuses_end_a_wait() -> None:
    for status in ("idle", "requires_continuation"):
        fake = FakeGemini().reply("x", status=status, duration=30)
        client = fake.client()
        started = client.interactions.create(model=MODEL, input="x", background=True)
        fake.advance(31)
        assert client.interactions.wait(started.id).status == status
