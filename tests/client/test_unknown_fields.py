"""The request side's unknown-field policy (W107), over real HTTP on 127.0.0.1 and the fake.

- a key far from every known name is forwarded, as Google's SDK does since GH-3162, so the API's
  own answer surfaces; a key within a small edit distance of a known one, or a known one in
  camelCase, is refused locally naming the field it most likely meant;
- whatever the client parsed can be sent back unchanged: history replayed as `store=False`
  input, as objects, `to_dict()`, `model_dump()` or JSON saved and loaded, arrives byte for byte
  (unknown fields and an unknown step kind included);
- a known variant with a malformed field is refused locally and never sent as "unknown"; every
  item of an input list is checked against its own type, not the first item's.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import gemini_interactions as gi
import pytest
from gemini_interactions import Client
from gemini_interactions.testing import FakeGemini

from tests.client.loopback import LoopbackServer, Reply

MODEL = "gemini-3.7-flash"

PREVIOUS_STEPS: list[dict[str, Any]] = [
    {
        "type": "user_input",
        "future_step_field": {"origin": "client"},
        "content": [{"type": "text", "text": "Hi", "future_content_field": 1}],
    },
    {"type": "thought", "signature": "c2ln", "summary": [{"type": "text", "text": "plan"}]},
    {
        "type": "model_output",
        "future_step_field": "step-extra",
        "content": [
            {
                "type": "text",
                "text": "Hello there.",
                "future_content_field": True,
                "annotations": [
                    {
                        "type": "speech_metadata",
                        "speaker": "spk_1",
                        "start_index": 0,
                        "end_index": 12,
                        "future_annotation_field": 0.97,
                    }
                ],
            }
        ],
    },
    {"type": "google_search_call", "id": "g1", "arguments": {"queries": ["q"]}},
    {"type": "future_step_kind", "detail": "server-only"},
]
NEXT_TURN = {
    "type": "user_input",
    "future_step_field": "next",
    "content": [{"type": "text", "text": "And then?", "future_content_field": 2}],
}

HISTORY_FORMS: dict[str, Callable[[Any], list[Any]]] = {
    "objects": lambda steps: list(steps),
    "to_dict": lambda steps: [step.to_dict() for step in steps],
    "model_dump": lambda steps: [step.model_dump() for step in steps],
    "model_dump_by_alias": lambda steps: [step.model_dump(by_alias=True) for step in steps],
    "stored_json": lambda steps: json.loads(
        json.dumps([step.model_dump(mode="json") for step in steps])
    ),
    "saved_to_json": lambda steps: json.loads(json.dumps([step.to_dict() for step in steps])),
}


@pytest.mark.parametrize("form", sorted(HISTORY_FORMS))
def test_history_replayed_as_store_false_input_arrives_byte_for_byte(
    client: Client, server: LoopbackServer, form: str
) -> None:
    server.handler = lambda request: Reply(
        body={"status": "completed", "steps": copy.deepcopy(PREVIOUS_STEPS)}
    )
    first = client.interactions.create(model=MODEL, input="Hi", store=False)
    assert first.validation_problems == ()
    history = HISTORY_FORMS[form](first.steps)
    replayed: Any = [*history, copy.deepcopy(NEXT_TURN)]
    client.interactions.create(model=MODEL, input=replayed, store=False)
    sent = server.requests[-1].json()["input"]
    assert sent == [*PREVIOUS_STEPS, NEXT_TURN]


def test_an_unknown_nested_field_is_forwarded_and_the_apis_refusal_surfaces() -> None:
    # W107: unknown keys are forwarded, the server's 400 surfaces
    # GH-3162: a new field (here one the API does not know either) is sent, not dropped or
    # refused locally, so the server's 400 names it
    fake = FakeGemini()
    client = fake.client()
    config: Any = {"temperature": 0.2, "diarization": True}
    with pytest.raises(gi.BadRequestError, match="diarization") as raised:
        client.interactions.create(model=MODEL, input="hi", generation_config=config)
    assert raised.value.status_code == 400
    sent = fake.requests[-1].body["generation_config"]
    assert sent == {"temperature": 0.2, "diarization": True}
    built = gi.GenerationConfig(temperature=0.2, diarization=True)  # type: ignore[call-arg]
    assert built.to_dict() == {"temperature": 0.2, "diarization": True}


@pytest.mark.parametrize(
    ("config", "path", "meant"),
    [
        ({"temprature": 0.2}, "generation_config.temprature", "temperature"),
        ({"maxOutputTokens": 5}, "generation_config.maxOutputTokens", "max_output_tokens"),
        ({"top_pp": 0.5}, "generation_config.top_pp", "top_p"),
    ],
    ids=["misspelt", "camel-case", "one-letter-more"],
)
def test_a_likely_typo_is_refused_locally_naming_the_field_it_meant(
    client: Client, server: LoopbackServer, config: Any, path: str, meant: str
) -> None:
    with pytest.raises(gi.RequestValidationError, match=f"did you mean `{meant}`") as raised:
        client.interactions.create(model=MODEL, input="hi", generation_config=config)
    assert raised.value.path == path
    with pytest.raises(gi.RequestValidationError, match=f"did you mean `{meant}`"):
        gi.GenerationConfig(**config)
    assert server.requests == []


USER_INPUT = {"type": "user_input", "content": [{"type": "text", "text": "hi"}]}


@pytest.mark.parametrize(
    ("malformed", "path", "what"),
    [
        (
            [{"type": "model_output", "content": [{"type": "text", "txt": "typo"}]}],
            "input[0].content[0]",
            "text",
        ),
        (
            [{"type": "model_output", "content": [{"type": "text", "text": 42}]}],
            "input[0].content[0].text",
            "valid string",
        ),
        ([{"type": "user_input", "content": "not-a-list"}], "input[0].content", "list"),
        ([{"type": "text", "text": 3}], "input[0].text", "valid string"),
        (
            [{"type": "user_input", "content": "not-a-list"}, {"type": "text", "text": "hi"}],
            "input",
            "kinds no one list holds",
        ),
        ([USER_INPUT, {"type": "text", "text": 3}], "input", "kinds no one list holds"),
        ([USER_INPUT, {"type": "text", "text": "hi"}], "input", "[1] `text`"),
        (USER_INPUT, "input", "only as an item of a list"),
    ],
    ids=[
        "missing-required-field",
        "wrong-field-type",
        "invalid-known-step",
        "invalid-known-content",
        "mixed-invalid-step-and-valid-content",
        "mixed-valid-step-and-invalid-content",
        "mixed-valid-step-and-valid-content",
        "a-step-outside-a-list",
    ],
)
def test_a_malformed_known_variant_is_refused_locally_and_never_sent(
    client: Client, server: LoopbackServer, malformed: Any, path: str, what: str
) -> None:
    with pytest.raises(gi.RequestValidationError) as raised:
        client.interactions.create(model=MODEL, input=copy.deepcopy(malformed), store=False)
    assert raised.value.path.startswith(path) and what in str(raised.value)
    assert server.requests == [], "nothing is sent"


def test_unknown_kinds_still_mix_with_known_ones(client: Client, server: LoopbackServer) -> None:
    # an item whose type no member knows is an unknown variant of the list it is in
    server.handler = lambda request: Reply(body={"id": "int_1", "status": "completed"})
    history: Any = [USER_INPUT, {"type": "hologram_step", "x": 1}]
    client.interactions.create(model=MODEL, input=copy.deepcopy(history))
    assert server.requests[-1].json()["input"] == history
