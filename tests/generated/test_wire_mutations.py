"""Mutated wire payloads never break parsing and always round-trip exactly.

Valid payloads of the response schemas are mutated the way the wire bends them — a field
dropped (required ones included), an integer sent as a float, an unknown tag at any union — and
parsed the way the client parses what the server sent (`_tolerant.parse_wire`). Nothing may
raise, and what parsed must serialize back to the very same JSON text (int stays int, float
stays float). A second test walks every generated union and proves it is open.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, get_args, get_origin

import gemini_interactions.types as types
import pytest
from gemini_interactions._core._base import ApiModel, JsonUnion, UnknownVariant
from gemini_interactions._core._tolerant import parse_wire
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import Discriminator, TypeAdapter

from tests.generated.schema_json import SchemaJson
from tests.json_exact import assert_json_exact

RESPONSE_SCHEMAS = ["Interaction", "InteractionSseStreamEvent", "Step", "Webhook", "Environment"]


def _objects(
    value: Any, path: tuple[Any, ...] = ()
) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every JSON object inside `value`, with its path."""
    found: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    if isinstance(value, dict):
        found.append((path, value))
        for key, item in value.items():
            found.extend(_objects(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_objects(item, (*path, index)))
    return found


def _integers(value: Any) -> list[tuple[dict[str, Any] | list[Any], Any]]:
    """Every (container, key) holding a JSON integer (not a bool)."""
    found: list[tuple[dict[str, Any] | list[Any], Any]] = []
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else []
    )
    for key, item in items:
        if isinstance(item, int) and not isinstance(item, bool) and abs(item) < 2**53:
            found.append((value, key))
        found.extend(_integers(item))
    return found


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[Any]) -> Any:
    payload = json.loads(json.dumps(draw(base)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(st.sampled_from(["drop", "float", "tag"]))
        objects = [item for _, item in _objects(payload) if item]
        if kind == "drop" and objects:
            target = draw(st.sampled_from(objects))
            del target[draw(st.sampled_from(sorted(target)))]
        elif kind == "float":
            integers = _integers(payload)
            if integers:
                container, key = draw(st.sampled_from(integers))
                container[key] = float(container[key])
        elif kind == "tag":
            tagged = [item for item in objects if "type" in item or "event_type" in item]
            if tagged:
                target = draw(st.sampled_from(tagged))
                target["event_type" if "event_type" in target else "type"] = "x_future_variant"
    return payload


def _serialized(value: Any, adapter: TypeAdapter[Any]) -> Any:
    if isinstance(value, ApiModel):
        return value.to_dict()
    return json.loads(adapter.dump_json(value, by_alias=True, exclude_unset=True, warnings=False))


@pytest.mark.parametrize("name", RESPONSE_SCHEMAS)
def test_mutated_payloads_parse_and_round_trip_exactly(
    name: str, patched_spec: dict[str, Any]
) -> None:
    annotation = getattr(types, name)
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)
    strategy = mutated(SchemaJson(patched_spec).for_name(name))

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def check(payload: Any) -> None:
        value = parse_wire(adapter, annotation, payload, f"a mutated {name}")
        assert_json_exact(_serialized(value, adapter), payload)

    check()


def _union_aliases() -> list[tuple[str, Any]]:
    aliases = []
    for name in types.__all__:
        target = getattr(types, name)
        if get_origin(target) is Annotated and any(
            isinstance(item, Discriminator) for item in get_args(target)[1:]
        ):
            aliases.append((name, target))
    return aliases


def _members(union: Any) -> list[tuple[str, Any]]:
    return list(next(item for item in get_args(union) if isinstance(item, JsonUnion)).members)


def _tagged(union: Any) -> list[type[ApiModel]]:
    """The members of `union` that are objects with a constant tag."""
    return [
        inner
        for _, inner in _members(union)
        if isinstance(inner, type) and issubclass(inner, ApiModel) and inner._wire_constants
    ]


UNIONS = _union_aliases()
TAGGED_UNIONS = [(name, union) for name, union in UNIONS if _tagged(union)]


def test_the_walk_finds_the_unions() -> None:
    names = {name for name, _ in TAGGED_UNIONS}
    assert {"Step", "Annotation", "InteractionSseStreamEvent", "InteractionEnvironment"} <= names
    assert len(TAGGED_UNIONS) > 20


@pytest.mark.parametrize(("name", "union"), TAGGED_UNIONS, ids=[n for n, _ in TAGGED_UNIONS])
def test_every_union_with_tagged_objects_is_open(name: str, union: Any) -> None:
    members = _members(union)
    tagged = _tagged(union)
    unknown = [inner for tag, inner in members if tag == "(unknown)"]
    assert len(unknown) == 1 and issubclass(unknown[0], UnknownVariant), name
    tag_property = tagged[0]._wire_constants[0]
    payload = {tag_property: "x_future_variant", "x_extra": [1, 2.5, {"deep": True}]}
    parsed = TypeAdapter(union).validate_python(payload)
    assert isinstance(parsed, unknown[0]) and parsed.raw == payload
    assert_json_exact(parsed.to_dict(), payload)
