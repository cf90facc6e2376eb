"""The patched spec's discriminators are written from the IR's union decisions, only where
OpenAPI can express them; the IR decides the tag whether or not one is written."""

from __future__ import annotations

from typing import Any

from generator.ir.discriminators import write_discriminators
from generator.ir.schemas import build_types
from generator.ir.spec_view import SpecView
from generator.normalize.rewrites import normalize_spec


def _spec(**schemas: Any) -> dict[str, Any]:
    return {"openapi": "3.0.3", "paths": {}, "components": {"schemas": schemas}}


def _written(spec: dict[str, Any]) -> Any:
    normalized, _ = normalize_spec(spec)
    types = build_types(SpecView(normalized))
    patched, written = write_discriminators(normalized, types)
    return patched["components"]["schemas"], written, {u.name: u for u in types.unions}


def test_a_discriminator_is_written_from_constant_tags() -> None:
    schemas, written, unions = _written(
        _spec(
            Step={
                "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]
            },
            A={"type": "object", "properties": {"type": {"const": "a"}}, "required": ["type"]},
            B={"type": "object", "properties": {"type": {"const": "b"}}},
        )
    )
    assert schemas["Step"]["discriminator"] == {
        "propertyName": "type",
        "mapping": {"a": "#/components/schemas/A", "b": "#/components/schemas/B"},
    }
    assert schemas["B"]["required"] == ["type"]
    assert written.unions == ("/components/schemas/Step",)
    assert written.required_tags_added == ("/components/schemas/B/required",)
    assert unions["Step"].tag_property == "type" and not unions["Step"].tag_declared


def test_event_type_tags_are_decided_without_a_discriminator_in_the_input() -> None:
    schemas, _, unions = _written(
        _spec(
            Event={
                "oneOf": [{"$ref": "#/components/schemas/X"}, {"$ref": "#/components/schemas/Y"}]
            },
            X={"type": "object", "properties": {"event_type": {"const": "x.done"}}},
            Y={"type": "object", "properties": {"event_type": {"const": "y.done"}}},
        )
    )
    assert unions["Event"].tag_property == "event_type"
    assert schemas["Event"]["discriminator"]["propertyName"] == "event_type"


def test_unions_openapi_cannot_express_keep_their_tag_but_get_no_discriminator() -> None:
    schemas, written, unions = _written(
        _spec(
            Input={"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/A"}]},
            Same={
                "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/A2"}]
            },
            A={"type": "object", "properties": {"type": {"const": "a"}}},
            A2={"type": "object", "properties": {"type": {"const": "a"}}},
        )
    )
    assert "discriminator" not in schemas["Input"]
    assert "discriminator" not in schemas["Same"], "a repeated tag value"
    assert written.unions == () and written.required_tags_added == ()
    # the client still tells the string from the object, and the object by its tag
    assert unions["Input"].tag_property == "type"
    assert [member.tag for member in unions["Input"].members][-2:] == ["a", "(unknown)"]


def test_a_declared_discriminator_is_kept_and_not_rewritten() -> None:
    declared = {"propertyName": "type", "mapping": {"a": "#/components/schemas/A"}}
    schemas, written, unions = _written(
        _spec(
            One={"oneOf": [{"$ref": "#/components/schemas/A"}], "discriminator": declared},
            A={"type": "object", "properties": {"type": {"const": "a"}}},
        )
    )
    assert schemas["One"]["discriminator"] == declared
    assert written.unions == ()
    assert unions["One"].tag_declared
