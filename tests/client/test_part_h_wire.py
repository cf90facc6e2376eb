"""December 2026 wire facts (Part H) over real HTTP on 127.0.0.1.

- W102: a streamed thought's and a function call's signatures arrive as `thought_signature`
  deltas, not on `step.start`; they land on the accumulated step and go back out next turn;
- W103: legacy `{role, content}` turns are refused locally, naming the current shape;
- W104: a function result that is a raw JSON list is refused locally when built by hand;
- W105: continuing an interaction with built-in tool calls warns (reported) and is sent;
- W106: a `usage` with `total_output_tokens` alone is kept as it came, never completed.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import gemini_interactions as gi
import pytest
from gemini_interactions import Client, RequestRuleWarning

from tests.client.loopback import LoopbackServer, Reply

MODEL = "gemini-3.6-flash"


def _sse(*payloads: dict[str, Any]) -> bytes:
    return b"".join(
        f"event: {p['event_type']}\ndata: {json.dumps(p)}\n\n".encode() for p in payloads
    )


def test_signatures_from_thought_signature_deltas_land_on_the_accumulated_steps(
    client: Client, server: LoopbackServer
) -> None:
    # W102: neither the thought's nor the call's step.start carries a signature
    events = _sse(
        {
            "event_type": "interaction.created",
            "interaction": {"id": "int_1", "status": "in_progress"},
        },
        {"event_type": "step.start", "index": 0, "step": {"type": "thought"}},
        {
            "event_type": "step.delta",
            "index": 0,
            "delta": {"type": "thought_summary", "content": {"type": "text", "text": "Plan."}},
        },
        {
            "event_type": "step.delta",
            "index": 0,
            "delta": {"type": "thought_signature", "signature": "c2lnLXRo"},
        },
        {"event_type": "step.stop", "index": 0},
        {
            "event_type": "step.start",
            "index": 1,
            "step": {"type": "function_call", "id": "call_1", "name": "weather", "arguments": {}},
        },
        {
            "event_type": "step.delta",
            "index": 1,
            "delta": {"type": "arguments_delta", "arguments": '{"city": "Paris"}'},
        },
        {
            "event_type": "step.delta",
            "index": 1,
            "delta": {"type": "thought_signature", "signature": "c2lnLWNh"},
        },
        {"event_type": "step.stop", "index": 1},
        {
            "event_type": "interaction.completed",
            "interaction": {"id": "int_1", "status": "requires_action"},
        },
    )
    server.handler = lambda request: Reply(raw=events, content_type="text/event-stream")
    stream = client.interactions.create(model=MODEL, input="Weather in Paris?", stream=True)
    for _ in stream:
        pass
    final = stream.final()
    thought, call = final.steps or []
    assert isinstance(thought, gi.ThoughtStep) and thought.signature == "c2lnLXRo"
    assert isinstance(call, gi.FunctionCallStep) and call.signature == "c2lnLWNh"
    assert call.arguments == {"city": "Paris"}
    server.handler = lambda request: Reply(body={"id": "int_2", "status": "completed"})
    result: Any = {
        "type": "function_result",
        "call_id": "call_1",
        "name": "weather",
        "result": "Sun",
    }
    client.interactions.create(model=MODEL, input=[*(final.steps or []), result], store=False)
    sent = server.requests[-1].json()["input"]
    assert [step.get("signature") for step in sent[:2]] == ["c2lnLXRo", "c2lnLWNh"]


@pytest.mark.parametrize(
    "legacy",
    [
        [{"role": "user", "content": "What is 2 + 2?"}],
        [{"role": "user", "content": [{"text": "hi"}]}, {"role": "model", "content": "hello"}],
        {"role": "user", "content": "What is 2 + 2?"},
    ],
    ids=["one-turn", "two-turns", "not-in-a-list"],
)
def test_legacy_role_content_turns_are_refused_naming_the_current_shape(
    client: Client, server: LoopbackServer, legacy: Any
) -> None:
    # W103: the API answers them 200 and ignores them; the current schema has no such shape
    with pytest.raises(gi.RequestValidationError, match=r"legacy \{role, content\}") as raised:
        client.interactions.create(model=MODEL, input=legacy)
    assert '"type": "user_input"' in str(raised.value)
    assert raised.value.path.startswith("input")
    assert server.requests == []


@pytest.mark.parametrize(
    "raw_list", [[{"city": "Paris", "temp": 21}], [1, 2, 3], ["a", "b"]], ids=str
)
def test_a_raw_list_function_result_is_refused_when_built_by_hand(
    client: Client, server: LoopbackServer, raw_list: list[Any]
) -> None:
    # W104: the API refuses an untyped list result ("The 'type' parameter is required")
    result = {"type": "function_result", "call_id": "c1", "name": "f", "result": raw_list}
    with pytest.raises(gi.RequestValidationError, match="W104") as raised:
        client.interactions.create(model=MODEL, input=[result])  # type: ignore[list-item]
    assert raised.value.path.startswith("input[0].result[0]")
    with pytest.raises(gi.RequestValidationError, match="typed blocks"):
        gi.FunctionResultStep(call_id="c1", name="f", result=raw_list)
    assert server.requests == []
    server.handler = lambda request: Reply(body={"id": "int_3", "status": "completed"})
    for fine in (
        [{"type": "text", "text": "21 degrees"}],
        {"items": raw_list},
        json.dumps(raw_list),
    ):
        client.interactions.create(
            model=MODEL,
            input=[{**result, "result": fine}],  # type: ignore[list-item]
        )
        assert server.requests[-1].json()["input"][0]["result"] == fine


def test_continuing_after_built_in_tool_calls_warns_and_sends(
    client: Client, server: LoopbackServer
) -> None:
    # W105 (reported): a warning, never a refusal
    server.handler = lambda request: Reply(
        body={
            "id": "int_search",
            "status": "completed",
            "steps": [
                {"type": "google_search_call", "id": "s1", "arguments": {"queries": ["q"]}},
                {"type": "model_output", "content": [{"type": "text", "text": "Found."}]},
            ],
        }
    )
    searched = client.interactions.create(
        model=MODEL, input="Search q", tools=[{"type": "google_search"}]
    )
    server.handler = lambda request: Reply(body={"id": "int_next", "status": "completed"})
    with pytest.warns(RequestRuleWarning, match=r"W105.*`google_search_call`") as caught:
        client.interactions.create(model=MODEL, input="More?", previous_interaction_id=searched.id)
    assert caught[0].filename == __file__, "the warning points at the caller's line"
    assert server.requests[-1].json()["previous_interaction_id"] == "int_search"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # after function calls (or unknown ids): no warning
        client.interactions.create(model=MODEL, input="And?", previous_interaction_id="int_next")


def test_usage_with_total_output_tokens_alone_is_never_completed(
    client: Client, server: LoopbackServer
) -> None:
    # W106: no total is synthesised, in a plain answer or an accumulated stream
    body = {"id": "int_u", "status": "completed", "usage": {"total_output_tokens": 7}}
    server.handler = lambda request: Reply(body=body)
    interaction = client.interactions.get("int_u")
    assert interaction.usage is not None and interaction.usage.total_output_tokens == 7
    assert interaction.usage.total_tokens is None and interaction.usage.total_input_tokens is None
    assert interaction.to_dict() == body and interaction.validation_problems == ()
    events = _sse(
        {
            "event_type": "interaction.created",
            "interaction": {"id": "int_u", "status": "in_progress"},
        },
        {"event_type": "step.start", "index": 0, "step": {"type": "model_output", "content": []}},
        {"event_type": "step.delta", "index": 0, "delta": {"type": "text", "text": "Hi"}},
        {"event_type": "step.stop", "index": 0, "usage": {"total_output_tokens": 7}},
        {
            "event_type": "interaction.completed",
            "interaction": {"id": "int_u", "status": "completed"},
        },
    )
    server.handler = lambda request: Reply(raw=events, content_type="text/event-stream")
    stream = client.interactions.create(model=MODEL, input="hi", stream=True)
    for _ in stream:
        pass
    usage = stream.final().usage
    assert usage is not None and usage.to_dict() == {"total_output_tokens": 7}
