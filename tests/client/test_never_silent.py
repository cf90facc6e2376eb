"""Ways other clients fail silently, each with a loopback test (facts W77, W78, W82, W84, Part F).

Bare JSON lines in streams, streams that end early, early 403/404 and base URL forms are
covered in test_streaming.py and test_errors_and_retries.py; this file covers what a request
carries: values the models do not know, and signatures replayed into history.
"""

from __future__ import annotations

import logging

import gemini_interactions as gi
import pytest
from gemini_interactions import Client

from tests.client.loopback import LoopbackServer, Reply
from tests.json_exact import assert_json_exact

DONE = {"id": "v1_x", "status": "completed"}


def test_unknown_values_and_fields_go_out_unchanged(client: Client, server: LoopbackServer) -> None:
    server.handler = lambda request: Reply(body=DONE)
    teleport = gi.UnknownTool.model_validate(
        {"type": "teleport", "range_km": 3, "nested": {"a": [1]}}
    )
    client.interactions.create(
        model="gemini-9-ultra-preview",
        input=[gi.UserInputStep(content=[gi.TextContent(text="hi")])],
        tools=[teleport, gi.GoogleSearch()],
        response_modalities=["hologram", "text"],
        service_tier="galactic",
        generation_config=gi.GenerationConfig.model_validate(
            {"thinking_level": "ultra", "future_knob": 0.5}
        ),
        extra_body={"brand_new_top_level": {"x": True}},
    )
    body = server.requests[0].json()
    assert body["model"] == "gemini-9-ultra-preview"
    assert body["tools"] == [
        {"type": "teleport", "range_km": 3, "nested": {"a": [1]}},
        {"type": "google_search"},
    ]
    assert body["response_modalities"] == ["hologram", "text"]
    assert body["service_tier"] == "galactic"
    assert_json_exact(body["generation_config"], {"thinking_level": "ultra", "future_knob": 0.5})
    assert_json_exact(body["brand_new_top_level"], {"x": True})


def test_dict_inputs_with_unknown_shapes_go_out_unchanged(
    client: Client, server: LoopbackServer
) -> None:
    server.handler = lambda request: Reply(body=DONE)
    step = {"type": "user_input", "content": [{"type": "smell", "ppm": 3}]}
    client.interactions.create(model="m", input=[step])  # type: ignore[list-item]
    assert server.requests[0].json()["input"] == [step]  # an unknown variant goes out unchanged
    # an unknown field far from every known name is forwarded, as Google's SDK does (W107) ...
    client.interactions.create(model="m", input=[{**step, "mood": "curious"}])  # type: ignore[list-item]
    assert server.requests[-1].json()["input"] == [{**step, "mood": "curious"}]
    # ... while one that looks like a typo of a known field is refused, naming that field ...
    with pytest.raises(gi.RequestValidationError, match=r"input\[0\]\.contnet.*`content`"):
        typo = {**step, "contnet": []}
        client.interactions.create(model="m", input=[typo])  # type: ignore[list-item]
    # ... and is sent on purpose through the model's explicit extra-fields API
    on_purpose = gi.UserInputStep.model_validate(step).with_extra(contnet="really")
    client.interactions.create(model="m", input=[on_purpose])
    assert server.requests[-1].json()["input"] == [{**step, "contnet": "really"}]


SIGNED = "Q2l0eSBvZiBsaWdodA+/=="


def test_signatures_are_replayed_byte_for_byte(client: Client, server: LoopbackServer) -> None:
    server.handler = lambda request: Reply(
        body={
            "id": "v1_1",
            "status": "requires_action",
            "steps": [
                {"type": "thought", "signature": SIGNED},
                {
                    "type": "function_call",
                    "id": "c1",
                    "name": "f",
                    "arguments": {},
                    "signature": SIGNED,
                },
            ],
        }
    )
    first = client.interactions.create(model="m", input="go")
    history = list(first.steps or [])
    history.append(gi.FunctionResultStep(call_id="c1", name="f", result="42"))
    client.interactions.create(model="m", input=history)
    replayed = server.requests[1].json()["input"]
    assert [step.get("signature") for step in replayed[:2]] == [SIGNED, SIGNED]


def test_an_empty_signature_in_replayed_history_logs_a_warning(
    client: Client, server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.handler = lambda request: Reply(body=DONE)
    # W82 warns about an empty signature on a replayed call; an empty thought signature is
    # what every normal answer carries (W89), so it does not warn
    history: list[gi.Step] = [
        gi.ThoughtStep(signature=""),
        gi.FunctionCallStep(id="c1", name="f", arguments={}, signature=""),
        gi.FunctionResultStep(call_id="c1", result="1"),
    ]
    with caplog.at_level(logging.WARNING, logger="gemini_interactions"):
        client.interactions.create(model="m", input=history)
    warnings = [
        record.getMessage() for record in caplog.records if record.levelno == logging.WARNING
    ]
    assert len(warnings) == 1 and "input[1] (a function_call step)" in warnings[0]
    assert server.requests[0].json()["input"][0] == {"type": "thought", "signature": ""}
