"""`load_interaction` / `load_steps`: saved wire JSON read back with the client's own rules.

An interaction fetched over real HTTP on 127.0.0.1 is saved as JSON and loaded again: unknown
fields and kinds survive, an int64 that arrived as a number stays a number (a plain
`model_validate` would send it back as a string), wrong-typed values are kept and listed, and
loaded steps replay byte for byte as `store=False` input. Bad files raise `StoredDataError`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gemini_interactions as gi
import pytest
from gemini_interactions import Client

from tests.client.loopback import LoopbackServer, Reply

SAVED: dict[str, Any] = {
    "status": "completed",
    "model": "gemini-3.7-flash",
    "agent_config": {"type": "antigravity", "max_total_tokens": 5000},
    "future_top_level_field": {"turn": 1},
    "steps": [
        {
            "type": "user_input",
            "content": [{"type": "text", "text": "Hi", "future_content_field": 1}],
        },
        {"type": "model_output", "content": [{"type": "text", "text": "Hello."}]},
        {"type": "future_step_kind", "detail": "server-only"},
    ],
    "usage": {"total_tokens": 12, "total_output_tokens": 0},
}


def test_a_saved_interaction_loads_as_the_client_parsed_it(
    client: Client, server: LoopbackServer, tmp_path: Path
) -> None:
    server.handler = lambda request: Reply(raw=json.dumps(SAVED).encode())
    fetched = client.interactions.create(model="gemini-3.7-flash", input="Hi", store=False)
    saved = tmp_path / "interaction.json"
    saved.write_text(fetched.to_json(), encoding="utf-8")
    for data in (saved.read_text(), saved.read_bytes(), json.loads(saved.read_text())):
        loaded = gi.load_interaction(data)
        assert isinstance(loaded, gi.types.Interaction) and loaded.to_dict() == SAVED
        assert json.loads(loaded.to_json())["agent_config"]["max_total_tokens"] == 5000
        assert loaded.id == "" and loaded.text() == "Hello."
        assert loaded.validation_problems == fetched.validation_problems
    # the difference from a plain model_validate: the int64 number would go back as a string
    plain = gi.types.Interaction.model_validate(json.loads(saved.read_text()))
    assert plain.to_dict()["agent_config"]["max_total_tokens"] == "5000"


def test_wrong_typed_values_are_kept_and_listed() -> None:
    body = {"id": "int_1", "status": "completed", "usage": {"total_tokens": "many"}}
    loaded = gi.load_interaction(json.dumps(body))
    assert loaded.to_dict() == body
    assert loaded.validation_problems == (
        "usage.total_tokens: Input should be a valid integer; kept as received",
    )


def test_loaded_steps_replay_byte_for_byte(
    client: Client, server: LoopbackServer, tmp_path: Path
) -> None:
    saved = tmp_path / "steps.json"
    saved.write_text(json.dumps(SAVED["steps"]), encoding="utf-8")
    server.handler = lambda request: Reply(body={"status": "completed"})
    steps = gi.load_steps(saved.read_text())
    assert [type(step).__name__ for step in steps] == [
        "UserInputStep",
        "ModelOutputStep",
        "UnknownStep",
    ]
    assert gi.load_steps(json.dumps(SAVED)) == steps, "or the steps of a saved interaction"
    next_turn = {"type": "user_input", "content": [{"type": "text", "text": "And?"}]}
    client.interactions.create(
        model="gemini-3.7-flash",
        input=[*steps, gi.types.UserInputStep.model_validate(next_turn)],
        store=False,
    )
    assert server.requests[-1].json()["input"] == [*SAVED["steps"], next_turn]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "the saved interaction is not JSON"),
        (b"[1, 2]", "is a JSON object, got a list of 2"),
        ('"text"', "is a JSON object, got str"),
    ],
    ids=["not-json", "a-list", "a-string"],
)
def test_bad_saved_data_is_a_clear_gemini_error(data: Any, message: str) -> None:
    with pytest.raises(gi.StoredDataError, match=message) as raised:
        gi.load_interaction(data)
    assert isinstance(raised.value, gi.GeminiError) and isinstance(raised.value, ValueError)
    with pytest.raises(gi.StoredDataError, match="saved steps are a JSON list"):
        gi.load_steps('{"id": "x"}')
