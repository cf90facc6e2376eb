"""Object schemas as models: fields, their notes and defaults, flattening and byte offsets.

- every property becomes a field (sorted by wire name); a one-value literal that is required or a
  tag (`type`, `event_type`) is a wire constant, any other one-value literal stays open (`| str`);
- `x-flatten` exposes a nested object's fields on the parent, excluded from the wire form;
- `x-byte-offsets` names the fields that hold UTF-8 byte offsets, for span helpers;
- descriptions gain short notes from `deprecated`, `x-vertex-only`, `x-inherited` and formats.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from generator.errors import BadInputError
from generator.ir.extensions import extensions_of
from generator.ir.model import FieldDef, FlattenDef, ModelDef
from generator.ir.naming import pascal_case, python_field_name
from generator.ir.spec_view import description_of
from generator.ir.types import STR, LiteralOf, Named, TypeExpr, UnionOf, optional, required
from generator.load.documents import escape_token

if TYPE_CHECKING:
    from generator.ir.schemas import SchemaBuilder

__all__ = ["TAG_PROPERTIES", "build_model"]

TAG_PROPERTIES = ("type", "event_type")


def build_model(builder: SchemaBuilder, name: str, schema: dict[str, Any], source: str) -> None:
    """Define model `name` from object schema `schema`."""
    builder.kinds[name] = ("object",)
    properties = schema.get("properties") or {}
    required_wire = set(schema.get("required") or [])
    for tag in TAG_PROPERTIES:
        prop = properties.get(tag)
        enum = prop.get("enum") if isinstance(prop, dict) else None
        if isinstance(enum, list) and len(enum) == 1:
            builder.tags[name] = (str(enum[0]),)
            builder.tag_properties[name] = tag
            break
    fields: list[FieldDef] = []
    used: set[str] = set()
    helpers = builder.helpers.get(name, frozenset())
    for wire in sorted(properties):
        python = python_field_name(wire, helpers)
        while python in used:
            python = f"{python}_"
        used.add(python)
        context = f"{name}{pascal_case(wire) or 'Field'}"
        type_ = builder.type_of(
            properties[wire], context, f"{source}/properties/{escape_token(wire)}"
        )
        fields.append(_field(python, wire, type_, wire in required_wire, properties[wire], source))
    flatten = [
        _flatten(builder, name, field, fields, used, source)
        for field, wire in zip(list(fields), sorted(properties), strict=True)
        if isinstance(properties[wire], dict) and properties[wire].get("x-flatten")
    ]
    builder.models[name] = ModelDef(
        name=name,
        description=description_of(schema),
        fields=tuple(fields),
        flatten=tuple(flatten),
        byte_offsets=_byte_offsets(schema, used, source),
        source=source,
        annotations=extensions_of(schema),
    )


def _byte_offsets(schema: dict[str, Any], used: set[str], source: str) -> tuple[str, str] | None:
    offsets = schema.get("x-byte-offsets")
    if not isinstance(offsets, dict):
        return None
    start = python_field_name(str(offsets.get("start")))
    end = python_field_name(str(offsets.get("end")))
    if start not in used or end not in used:
        raise BadInputError(f"spec {source}: x-byte-offsets names fields the schema lacks.")
    return (start, end)


def _notes(prop: Any) -> list[str]:
    if not isinstance(prop, dict):
        return []
    notes = []
    if prop.get("deprecated"):
        notes.append("Deprecated.")
    if prop.get("x-vertex-only"):
        notes.append("Vertex AI only: the Gemini API rejects this field.")
    inherited = prop.get("x-inherited")
    if inherited is False:
        notes.append("Not inherited through `previous_interaction_id`: send it every turn.")
    elif inherited == "resend":
        notes.append(
            "Inheritance through `previous_interaction_id` is contested: resend it every turn."
        )
    elif inherited is True:
        notes.append("Inherited through `previous_interaction_id`.")
    if isinstance(prop.get("x-absent-default"), str):
        notes.append(
            f"Reads {prop['x-absent-default']!r} when the wire omits it; the key stays absent "
            f"when the object is serialized again."
        )
    if prop.get("format") == "int64":
        notes.append("An integer that travels as a JSON string.")
    if prop.get("format") == "byte":
        notes.append("Base64 on the wire; `decode_base64` gives the bytes.")
    return notes


def _absent_default(
    wire: str, type_: TypeExpr, is_required: bool, prop: Any, source: str
) -> str | None:
    """The string an optional field reads when absent (`x-absent-default`), checked."""
    if not isinstance(prop, dict) or "x-absent-default" not in prop:
        return None
    value = prop["x-absent-default"]
    if not isinstance(value, str) or is_required or type_ != STR:
        raise BadInputError(
            f"spec {source}/properties/{escape_token(wire)}: x-absent-default needs an optional "
            f"string property and a string value, got {value!r}."
        )
    return value


def _field(
    python: str, wire: str, type_: TypeExpr, is_required: bool, prop: Any, source: str
) -> FieldDef:
    description = "\n\n".join(
        part for part in (description_of(prop), " ".join(_notes(prop))) if part
    )
    constant = type_.values[0] if isinstance(type_, LiteralOf) and len(type_.values) == 1 else None
    annotations = extensions_of(prop)
    if constant is not None and (is_required or wire in TAG_PROPERTIES):
        return FieldDef(
            python,
            wire,
            type_,
            is_required,
            description,
            constant=constant,
            annotations=annotations,
        )
    if constant is not None:
        type_ = UnionOf((type_, STR))  # a one-value enum that is not a tag stays open
    base64 = isinstance(prop, dict) and prop.get("format") == "byte"
    absent = _absent_default(wire, type_, is_required, prop, source)
    if absent is not None:
        return FieldDef(
            python, wire, type_, False, description, annotations=annotations, absent_default=absent
        )
    if not is_required:
        type_ = optional(type_)
    return FieldDef(
        python, wire, type_, is_required, description, base64=base64, annotations=annotations
    )


def _flatten(
    builder: SchemaBuilder,
    name: str,
    field: FieldDef,
    fields: list[FieldDef],
    used: set[str],
    source: str,
) -> FlattenDef:
    nested_type = required(field.type)
    nested = builder.models.get(nested_type.name) if isinstance(nested_type, Named) else None
    if nested is None:
        raise BadInputError(
            f"spec {source}: x-flatten on {name}.{field.wire_name} needs an object schema."
        )
    pairs = []
    helpers = builder.helpers.get(name, frozenset())
    for inner in nested.fields:
        if inner.python_name in used or inner.python_name in helpers:  # stays reachable nested
            continue
        used.add(inner.python_name)
        pairs.append((inner.python_name, inner.wire_name))
        fields.append(
            FieldDef(
                python_name=inner.python_name,
                wire_name=inner.python_name,
                type=optional(inner.type),
                required=False,
                description=(
                    f"{inner.description}\n\nFlattened from `{field.wire_name}."
                    f"{inner.wire_name}`, where it travels on the wire."
                ).strip(),
                excluded=True,
            )
        )
    if field.required:  # optional in Python so users can construct flat
        position = fields.index(field)
        fields[position] = dataclasses.replace(field, type=optional(field.type), required=False)
    return FlattenDef(
        field=field.python_name, wire_field=field.wire_name, model=nested.name, pairs=tuple(pairs)
    )
