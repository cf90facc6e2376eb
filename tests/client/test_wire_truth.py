"""Facts whose catalogue status was mended (issue 31), each reproduced the way a user hits it.

W05 (include_input documented as a no-op), W25 (number and boolean function results), W29
(lowercase modalities in docstrings), W81 (a hand-written tool's `required: []` warns).
The other mends have their tests beside the behaviour they change: W03/W94 in
`test_streaming.py`, W62/W91 in `test_wire_tolerant_streams.py`, W78 in
`test_waiting_on_fake.py`, W82/W89 in `test_never_silent.py` and `test_wire_tolerant_bodies.py`.
"""

from __future__ import annotations

import inspect
import json
import logging
import warnings
from typing import Any

import gemini_interactions as gi
import pytest
from gemini_interactions import Client

from tests.client.loopback import LoopbackServer, Reply

DONE = {"id": "int_1", "status": "completed", "steps": []}


def test_a_number_or_boolean_function_result_parses_typed_and_is_sent(
    client: Client, server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    # W25: a result is a JSON string, any JSON value, or content blocks; 42 used to fail with
    # "unable to extract tag"
    steps = [
        {"type": "function_result", "call_id": "c1", "result": 42},
        {"type": "function_result", "call_id": "c2", "result": 2.5},
        {"type": "function_result", "call_id": "c3", "result": True},
    ]
    body = {"id": "int_1", "status": "completed", "steps": steps}
    server.handler = lambda request: Reply(raw=json.dumps(body).encode())
    caplog.set_level(logging.WARNING, logger="gemini_interactions")
    interaction = client.interactions.get("int_1")
    results = [
        step.result for step in interaction.steps or [] if isinstance(step, gi.FunctionResultStep)
    ]
    assert results == [42, 2.5, True] and [type(r) for r in results] == [int, float, bool]
    assert not caplog.records, "a number result is no validation problem"
    assert all(not step.validation_problems for step in interaction.steps or [])
    server.handler = lambda request: Reply(body=DONE)
    client.interactions.create(
        model="m", input=[gi.FunctionResultStep(call_id="c1", name="f", result=42)]
    )
    assert server.requests[-1].json()["input"][0]["result"] == 42


def test_a_hand_written_tool_with_an_empty_required_list_warns_and_is_sent(
    client: Client, server: LoopbackServer
) -> None:
    # W81 is reported, so the client warns (naming the tool) and sends the tool as written
    server.handler = lambda request: Reply(body=DONE)
    tool: Any = {  # a hand-written tool dict, as a user writes it
        "type": "function",
        "name": "now",
        "parameters": {"type": "object", "properties": {}, "required": []},
    }
    with pytest.warns(gi.RequestRuleWarning, match="function-tool-empty-required") as caught:
        client.interactions.create(model="m", input="hi", tools=[tool])
    text = str(caught[0].message)
    assert "tools[0].parameters.required" in text and "W81" in text and "reported" in text
    assert server.requests[0].json()["tools"] == [tool]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for parameters in ({"type": "object"}, {"type": "object", "required": ["x"]}):
            other: Any = {**tool, "parameters": parameters}
            client.interactions.create(model="m", input="hi", tools=[other])


def test_docstrings_say_what_the_wire_does() -> None:
    from gemini_interactions.resources.interactions import InteractionsResource as Interactions

    get_doc = inspect.getdoc(Interactions.get) or ""
    assert "include_input:" in get_doc and "no-op" in get_doc  # W05
    assert "includes the input in the response" not in get_doc
    create_doc = inspect.getdoc(Interactions.create) or ""
    assert "response_modalities:" in create_doc and "lowercase" in create_doc  # W29
    assert "TEXT, IMAGE" not in create_doc
    assert "TEXT, IMAGE" not in (gi.types.ModelInteraction.__doc__ or "") + str(
        gi.types.ModelInteraction.model_fields["response_modalities"].description
    )
    cancel_doc = inspect.getdoc(Interactions.cancel) or ""
    assert "403 or 404 answer is retried for 10 seconds" in cancel_doc  # W78


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_streamed_argument_fragments_join_into_the_calls_arguments(
    mode: str, server: LoopbackServer
) -> None:
    # W74: arguments stream as JSON string fragments in arguments_delta; W91: the call starts
    # with arguments {}, which the joined fragments replace
    from tests.client.test_wire_tolerant_streams import READERS, body_of, stream_reply

    events: list[dict[str, Any]] = [
        {
            "event_type": "interaction.created",
            "interaction": {"id": "v1_a", "status": "in_progress"},
        },
        {
            "event_type": "step.start",
            "index": 0,
            "step": {"type": "function_call", "id": "c1", "name": "plan", "arguments": {}},
        },
        {
            "event_type": "step.delta",
            "index": 0,
            "delta": {"type": "arguments_delta", "arguments": '{"city": '},
        },
        {
            "event_type": "step.delta",
            "index": 0,
            "delta": {"type": "arguments_delta", "arguments": '"Paris", "days": 2}'},
        },
        {"event_type": "step.stop", "index": 0},
        {
            "event_type": "interaction.completed",
            "interaction": {"id": "v1_a", "status": "requires_action"},
        },
    ]
    server.handler = lambda request: stream_reply(body_of(events))
    _, final = READERS[mode](server)
    (call,) = final.steps
    assert isinstance(call, gi.FunctionCallStep)
    assert call.arguments == {"city": "Paris", "days": 2} and "arguments_text" not in call.to_dict()


def test_a_gs_media_uri_is_refused_before_sending_naming_the_block(
    client: Client, server: LoopbackServer
) -> None:
    # W53 (live): gs:// URIs for image, audio and video input answered 400 Unsupported file uri
    server.handler = lambda request: Reply(body=DONE)
    step = gi.UserInputStep(
        content=[
            gi.TextContent(text="what is this?"),
            gi.ImageContent(uri="gs://bucket/cat.png", mime_type="image/png"),
        ]
    )
    with pytest.raises(gi.RequestRuleError, match="gs-media-uri") as raised:
        client.interactions.create(model="m", input=[step])
    assert "input[0].content[1].uri" in str(raised.value) and "W53" in str(raised.value)
    with pytest.raises(gi.RequestRuleError, match="gs-media-uri"):
        client.interactions.create(
            model="m", input=[{"type": "video", "uri": "gs://b/v.mp4", "mime_type": "video/mp4"}]
        )
    assert server.requests == [], "nothing was sent"
    # https URLs, Files API URIs and documents (W53 says nothing of them) are sent
    client.interactions.create(
        model="m",
        input=[
            {"type": "image", "uri": "https://example.com/cat.png", "mime_type": "image/png"},
            {"type": "document", "uri": "gs://b/d.pdf", "mime_type": "application/pdf"},
        ],
    )
    assert len(server.requests) == 1
