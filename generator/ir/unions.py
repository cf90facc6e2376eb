"""`oneOf` / `anyOf` schemas as unions resolved by JSON kind and, among objects, by a tag.

This is the one place that decides a union's tag: the spec's own `discriminator` when it has
one, else the property (`objects.TAG_PROPERTIES`) its tagged object members pin to constants.
The discriminators the patched spec carries for validators and mock servers are written from
these decisions afterwards (`discriminators.py`); normalization infers none.

Every union with a tagged object member is open: an object whose tag nobody knows goes to the
union's `Unknown…` variant, a model that keeps every field, offers the fields all known members
share (same type) and their byte-offset helpers when all members have the same ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator.ir.extensions import extensions_of
from generator.ir.model import FieldDef, ModelDef, UnionDef, UnionMember
from generator.ir.naming import pascal_case, python_field_name
from generator.ir.spec_view import description_of
from generator.ir.types import STR, ListOf, Named, optional, required

if TYPE_CHECKING:
    from generator.ir.schemas import SchemaBuilder

__all__ = ["UNKNOWN_TAG", "build_union"]

UNKNOWN_TAG = "(unknown)"
"""The pydantic tag of every union's unknown-variant member."""


def build_union(builder: SchemaBuilder, name: str, schema: dict[str, Any], source: str) -> None:
    """Define union `name` (and its unknown variant when it is open)."""
    options = schema.get("oneOf") or schema.get("anyOf") or []
    members: list[UnionMember] = []
    seen = set()
    for index, option in enumerate(options):
        title = option.get("title") if isinstance(option, dict) else None
        context = f"{name}{pascal_case(str(title))}" if title else f"{name}Option"
        type_ = builder.type_of(option, context, f"{source}/oneOf/{index}")
        if isinstance(type_, ListOf):
            # Covariant inside unions: mypy cannot pick a list type from a union context,
            # so `input=[UserInputStep(...)]` would not type-check against `list[Step]`.
            type_ = ListOf(type_.item, covariant=True)
        if type_ in seen:
            continue
        seen.add(type_)
        members.append(UnionMember(None, type_, builder.kinds_of(option), builder.tags_of(option)))
    discriminator = schema.get("discriminator")
    declared = isinstance(discriminator, dict) and isinstance(
        discriminator.get("propertyName"), str
    )
    tag_property = None
    if declared:
        assert isinstance(discriminator, dict)
        tag_property = str(discriminator["propertyName"])
    elif any(member.tag_values for member in members):
        # the property the tagged members pin (`type`, or `event_type` for stream events)
        carried = {builder.tag_property_of(option) for option in options} - {None}
        tag_property = str(carried.pop()) if len(carried) == 1 else "type"
    open_union = tag_property is not None and any(
        member.tag_values and "object" in member.kinds for member in members
    )
    unknown = (
        _unknown_variant(builder, name, members, str(tag_property), source) if open_union else None
    )
    tagged = [
        UnionMember(
            member.tag_values[0]
            if open_union and len(member.tag_values) == 1 and member.kinds == ("object",)
            else None,
            member.type,
            member.kinds,
            member.tag_values,
        )
        for member in members
    ]
    if unknown:
        tagged.append(UnionMember(UNKNOWN_TAG, Named(unknown), ("object",), ()))
    builder.unions[name] = UnionDef(
        name=name,
        description=description_of(schema),
        members=tuple(tagged),
        tag_property=tag_property,
        tag_declared=declared,
        unknown=unknown,
        source=source,
        annotations=extensions_of(schema),
    )
    builder.kinds[name] = tuple(sorted({kind for member in tagged for kind in member.kinds}))
    builder.tags[name] = tuple(sorted({tag for member in tagged for tag in member.tag_values}))


def _unknown_variant(
    builder: SchemaBuilder, name: str, members: list[UnionMember], tag: str, source: str
) -> str:
    shared = _shared_fields(builder, members, tag)
    unknown = builder.reserve(f"Unknown{name}", "Variant")
    builder.models[unknown] = ModelDef(
        name=unknown,
        description=(
            f"A `{name}` variant this client does not know yet. Its fields are kept "
            f"and re-serialized unchanged; `.raw` gives the whole object."
        ),
        fields=(
            FieldDef(
                python_field_name(tag), tag, optional(STR), False, "The variant's tag, as received."
            ),
            *shared,
        ),
        flatten=(),
        byte_offsets=_shared_byte_offsets(builder, members, shared),
        source=source,
        unknown_variant=True,
    )
    builder.kinds[unknown] = ("object",)
    return unknown


def _member_model(builder: SchemaBuilder, member: UnionMember) -> ModelDef | None:
    return builder.models.get(member.type.name) if isinstance(member.type, Named) else None


def _shared_fields(
    builder: SchemaBuilder, members: list[UnionMember], tag: str
) -> tuple[FieldDef, ...]:
    """Fields every known member has with the same type, offered on the unknown variant too."""
    models = [_member_model(builder, member) for member in members]
    if not models or any(model is None for model in models):
        return ()
    common: dict[str, FieldDef] | None = None
    for model in models:
        assert model is not None
        fields = {
            field.wire_name: field
            for field in model.fields
            if field.wire_name != tag and not field.excluded and field.constant is None
        }
        if common is None:
            common = fields
            continue
        common = {
            wire: field
            for wire, field in common.items()
            if wire in fields and required(fields[wire].type) == required(field.type)
        }
    return tuple(
        FieldDef(field.python_name, field.wire_name, optional(field.type), False, field.description)
        for _, field in sorted((common or {}).items())
    )


def _shared_byte_offsets(
    builder: SchemaBuilder, members: list[UnionMember], shared: tuple[FieldDef, ...]
) -> tuple[str, str] | None:
    """The byte-offset fields of an unknown variant whose known object members all have them."""
    models = [_member_model(builder, member) for member in members if member.tag_values]
    offsets = {model.byte_offsets if model else None for model in models}
    if len(offsets) != 1:
        return None
    (common,) = offsets
    names = {field.python_name for field in shared}
    return common if common and set(common) <= names else None
