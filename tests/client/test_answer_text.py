"""`Interaction.text()` over real HTTP on 127.0.0.1: the trailing run of output text (W99).

Google's SDK computes `output_text` as the text of the trailing run of `model_output` steps
(walking back, thoughts are skipped, a user turn ends the run, and once text was found a tool
step or a non-text block ends it); its four bundled cases are reproduced here on the wire, and
an `output_text` the API sends wins (W96).
"""

from __future__ import annotations

import json
from typing import Any

import gemini_interactions as gi
import pytest
from gemini_interactions import Client

from tests.client.loopback import LoopbackServer, Reply


def _thought(signature: str) -> dict[str, Any]:
    return {"type": "thought", "signature": signature, "summary": [{"type": "text", "text": "s"}]}


def _text(value: str) -> dict[str, Any]:
    return {"type": "model_output", "content": [{"type": "text", "text": value}]}


CALL = {"type": "function_call", "id": "call_1", "name": "get_weather", "arguments": {"c": "MV"}}
RESULT = {"type": "function_result", "call_id": "call_1", "name": "get_weather", "result": "Sun"}
IMAGE = {"type": "image", "data": "aW1hZ2U=", "mime_type": "image/png"}


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        (
            [
                _thought("a"),
                _text("First part. "),
                _thought("b"),
                _text("Second part. "),
                {"type": "model_output"},
                _text("Third part."),
                _thought("c"),
            ],
            "First part. Second part. Third part.",
        ),
        (
            [
                _text("Before tool call. "),
                CALL,
                RESULT,
                _thought("a"),
                _text("Final part 1. "),
                _thought("b"),
                _text("Final part 2."),
                {**CALL, "id": "call_trailing"},
            ],
            "Final part 1. Final part 2.",
        ),
        (
            [
                _text("Previous turn. "),
                {"type": "user_input", "content": [{"type": "text", "text": "Next question"}]},
                _thought("a"),
                _text("A"),
                _thought("b"),
                _text("B"),
            ],
            "AB",
        ),
        (
            [
                {"type": "model_output", "content": [{"type": "text", "text": "X"}, IMAGE]},
                _thought("a"),
                _text("Y"),
            ],
            "Y",
        ),
        ([CALL], ""),
        ([_text("A"), {"type": "future_step", "x": 1}, _text("B")], "B"),
    ],
    ids=[
        "long-decode",
        "tool-boundary",
        "user-input-boundary",
        "non-text-barrier",
        "only-a-call",
        "unknown-step-ends-the-run",
    ],
)
def test_text_is_the_trailing_run_of_output_text(
    client: Client, server: LoopbackServer, steps: list[dict[str, Any]], expected: str
) -> None:
    # W99: the trailing run of model_output text, as Google's output_text
    body = {"id": "int_1", "status": "completed", "steps": steps}
    server.handler = lambda request: Reply(body=body)
    interaction = client.interactions.get("int_1")
    assert interaction.text() == expected
    assert gi.types.Interaction.model_validate(body).text() == expected
    assert interaction.to_dict() == body, "text() changes nothing on the wire form"


def test_output_text_from_the_wire_wins(client: Client, server: LoopbackServer) -> None:
    # W96: an output_text the wire sends wins over the steps
    body = {
        "id": "int_2",
        "status": "completed",
        "output_text": "As the API says.",
        "steps": [_text("Derived.")],
    }
    server.handler = lambda request: Reply(raw=json.dumps(body).encode())
    interaction = client.interactions.get("int_2")
    assert interaction.text() == "As the API says." and interaction.to_dict() == body
