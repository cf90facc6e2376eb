"""Normalization: const → enum, examples → example, discriminators inferred only when sound."""

from __future__ import annotations

from typing import Any

from generator.normalize.rewrites import normalize_spec


def _spec(**schemas: Any) -> dict[str, Any]:
    return {"openapi": "3.0.3", "paths": {}, "components": {"schemas": schemas}}


def test_const_becomes_a_typed_one_value_enum() -> None:
    spec = _spec(
        Text={"type": "object", "properties": {"type": {"const": "text"}, "n": {"const": 3}}}
    )
    normalized, report = normalize_spec(spec)
    props = normalized["components"]["schemas"]["Text"]["properties"]
    assert props["type"] == {"type": "string", "enum": ["text"]}
    assert props["n"] == {"type": "integer", "enum": [3]}
    assert report.consts_rewritten == (
        "/components/schemas/Text/properties/n",
        "/components/schemas/Text/properties/type",
    )
    assert "const" in spec["components"]["schemas"]["Text"]["properties"]["type"], "input untouched"


def test_discriminator_is_inferred_from_constant_tags() -> None:
    spec = _spec(
        Step={"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]},
        A={"type": "object", "properties": {"type": {"const": "a"}}, "required": ["type"]},
        B={"type": "object", "properties": {"type": {"const": "b"}}},
    )
    normalized, report = normalize_spec(spec)
    schemas = normalized["components"]["schemas"]
    assert schemas["Step"]["discriminator"] == {
        "propertyName": "type",
        "mapping": {"a": "#/components/schemas/A", "b": "#/components/schemas/B"},
    }
    assert schemas["B"]["required"] == ["type"]
    assert report.required_tags_added == ("/components/schemas/B/required",)
    (union,) = report.unions
    assert union.tagged_by == "type" and union.reason == "inferred from constants"


def test_event_type_tags_are_recognized() -> None:
    spec = _spec(
        Event={"oneOf": [{"$ref": "#/components/schemas/X"}, {"$ref": "#/components/schemas/Y"}]},
        X={"type": "object", "properties": {"event_type": {"const": "x.done"}}},
        Y={"type": "object", "properties": {"event_type": {"const": "y.done"}}},
    )
    normalized, _ = normalize_spec(spec)
    assert (
        normalized["components"]["schemas"]["Event"]["discriminator"]["propertyName"]
        == "event_type"
    )


def test_unions_that_do_not_qualify_are_left_alone_with_a_reason() -> None:
    spec = _spec(
        Input={"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/A"}]},
        Same={"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/A2"}]},
        A={"type": "object", "properties": {"type": {"const": "a"}}},
        A2={"type": "object", "properties": {"type": {"const": "a"}}},
    )
    normalized, report = normalize_spec(spec)
    assert "discriminator" not in normalized["components"]["schemas"]["Input"]
    assert "discriminator" not in normalized["components"]["schemas"]["Same"], "duplicate tag value"
    reasons = {union.pointer: union.reason for union in report.unions}
    assert "JSON type" in reasons["/components/schemas/Input"]
    assert "shape" in reasons["/components/schemas/Same"]


def test_examples_in_a_schema_become_example() -> None:
    normalized, report = normalize_spec(
        _spec(Env={"type": "object", "examples": [{"a": 1}, {"a": 2}]})
    )
    assert normalized["components"]["schemas"]["Env"] == {"type": "object", "example": {"a": 1}}
    assert report.examples_rewritten == ("/components/schemas/Env",)
