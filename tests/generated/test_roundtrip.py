"""Round-trip exactness: parse then serialize gives back the same JSON.

Property-tested over payloads generated from every schema of the patched spec (unknown
variants, unknown enum values, extra fields, emoji/CJK text, huge integers, deep nesting), and
checked on every example in the spec and on the 1.18 MB benchmark interaction.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import gemini_interactions.types as types
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from tests.conftest import SHARED
from tests.generated.schema_json import SchemaJson
from tests.json_exact import assert_json_exact


def _adapter(name: str) -> TypeAdapter[Any]:
    target = getattr(types, name)
    if getattr(target, "__origin__", None) is Literal:
        return TypeAdapter(target | str)  # enums are used open: `Literal[...] | str`
    return TypeAdapter(target)


def _dump(adapter: TypeAdapter[Any], value: Any) -> Any:
    return json.loads(adapter.dump_json(value, by_alias=True, exclude_unset=True))


def test_the_large_benchmark_interaction_round_trips_exactly() -> None:
    raw = (SHARED / "bench" / "payloads" / "large_interaction.json").read_bytes()
    interaction = types.Interaction.model_validate_json(raw)
    assert_json_exact(json.loads(interaction.to_json()), json.loads(raw))
    assert_json_exact(interaction.to_dict(), json.loads(raw))
    assert len(interaction.steps or []) == 200


def _schema_examples(spec: dict[str, Any]) -> list[tuple[str, Any]]:
    examples = []
    for name, schema in sorted(spec["components"]["schemas"].items()):
        if isinstance(schema, dict) and "example" in schema:
            examples.append((name, schema["example"]))
    return examples


def _response_examples(spec: dict[str, Any]) -> list[tuple[str, str, Any]]:
    found = []
    for path, item in sorted(spec["paths"].items()):
        for method, operation in sorted(item.items()):
            if not isinstance(operation, dict):
                continue
            bodies = [("request", operation.get("requestBody") or {})]
            bodies += sorted((operation.get("responses") or {}).items())
            for code, response in bodies:
                content = (response.get("content") or {}).get("application/json") or {}
                ref = (content.get("schema") or {}).get("$ref", "")
                for label, example in sorted((content.get("examples") or {}).items()):
                    if ref:
                        found.append(
                            (
                                f"{method} {path} {code} {label}",
                                ref.rsplit("/", 1)[-1],
                                example["value"],
                            )
                        )
    return found


def test_every_schema_example_parses_and_round_trips(patched_spec: dict[str, Any]) -> None:
    examples = _schema_examples(patched_spec)
    assert len(examples) >= 37
    for name, example in examples:
        adapter = _adapter(name)
        assert_json_exact(_dump(adapter, adapter.validate_python(example)), example, name)


def test_every_response_example_parses_and_round_trips(patched_spec: dict[str, Any]) -> None:
    examples = _response_examples(patched_spec)
    assert len(examples) >= 15
    for label, name, example in examples:
        adapter = _adapter(name)
        assert_json_exact(_dump(adapter, adapter.validate_python(example)), example, label)


ROUND_TRIP_SCHEMAS = [
    "Interaction",
    "Step",
    "StepDeltaData",
    "InteractionSseStreamEvent",
    "Content",
    "Annotation",
    "ModelInteraction",
    "AgentInteraction",
    "Tool",
    "Environment",
    "Webhook",
    "Trigger",
]


@pytest.mark.parametrize("name", ROUND_TRIP_SCHEMAS)
def test_generated_payloads_round_trip(name: str, patched_spec: dict[str, Any]) -> None:
    adapter = _adapter(name)
    strategy = SchemaJson(patched_spec).for_name(name)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def round_trip(payload: Any) -> None:
        text = json.dumps(payload, ensure_ascii=False)
        assert_json_exact(_dump(adapter, adapter.validate_json(text)), json.loads(text))

    round_trip()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_any_schema_round_trips(data: st.DataObject) -> None:
    from tests.generated.conftest import patched_target

    spec = patched_target("current")
    name = data.draw(st.sampled_from(sorted(spec["components"]["schemas"])))
    payload = data.draw(SchemaJson(spec).for_name(name))
    adapter = _adapter(name)
    text = json.dumps(payload, ensure_ascii=False)
    assert_json_exact(_dump(adapter, adapter.validate_json(text)), json.loads(text), name)
