"""Normalization: const → enum, examples → example; nothing about union tags."""

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


def test_normalization_writes_no_discriminator() -> None:
    # union tags are the IR's decision (tests/unit/test_discriminators.py)
    spec = _spec(
        Step={"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]},
        A={"type": "object", "properties": {"type": {"const": "a"}}},
        B={"type": "object", "properties": {"type": {"const": "b"}}},
    )
    normalized, _ = normalize_spec(spec)
    assert "discriminator" not in normalized["components"]["schemas"]["Step"]
    assert "required" not in normalized["components"]["schemas"]["B"]


def test_examples_in_a_schema_become_example() -> None:
    normalized, report = normalize_spec(
        _spec(Env={"type": "object", "examples": [{"a": 1}, {"a": 2}]})
    )
    assert normalized["components"]["schemas"]["Env"] == {"type": "object", "example": {"a": 1}}
    assert report.examples_rewritten == ("/components/schemas/Env",)
