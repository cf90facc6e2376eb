"""Template context for the generated types module: every annotation and default as text.

The templates in `templates/models/` receive data — annotations (from `annotations.py`),
literals, docstrings, each union's branch table — and lay out the Python around them.
Definitions come in a stable order (see `_ordered`): enums and models by name, so a change to
one schema stays local in the diff; forward references are quoted and resolved when the models
are first used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.errors import BadInputError
from generator.ir.model import (
    EnumDef,
    FieldDef,
    ModelDef,
    TypeAliasDef,
    TypeModel,
    UnionDef,
    UnionMember,
)
from generator.ir.types import names_in
from generator.ir.unions import UNKNOWN_TAG
from generator.render.annotations import annotation
from generator.render.literals import docstring, py_literal
from generator.render.ordering import DependencyCycleError, dependency_order
from generator.render.views import (
    AliasView,
    ByteOffsetsView,
    EnumView,
    FieldView,
    FlattenView,
    MixinImportView,
    ModelView,
    TypesView,
    UnionMemberView,
    UnionView,
)

__all__ = ["types_context"]


def _field(field: FieldDef, before: Callable[[str], bool]) -> FieldView:
    """A field's line as data: annotation (quoted when it names something defined at or after
    its model), default, wire alias and whether it is left out of the wire form."""
    text = annotation(field.type)
    if not all(before(name) for name in names_in(field.type)):
        text = py_literal(text)
    if field.constant is not None:
        default: str | None = py_literal(field.constant)
    elif field.absent_default is not None:
        default = py_literal(field.absent_default)
    else:
        default = None if field.required else "None"
    renamed = field.wire_name != field.python_name and not field.excluded
    return FieldView(
        name=field.python_name,
        annotation=text,
        default=default,
        alias=py_literal(field.wire_name) if renamed else None,
        excluded=field.excluded,
        docstring=docstring(field.description, "    ") if field.description else None,
    )


def _model(
    model: ModelDef,
    mixins: dict[str, str] | None = None,
    positions: dict[str, int] | None = None,
) -> ModelView:
    at = (positions or {}).get(model.name, 0)

    def before(name: str) -> bool:  # names that are no definition (str, Literal) are fine
        return (positions or {}).get(name, -1) < at

    constants = tuple(field.python_name for field in model.fields if field.constant is not None)
    base = "UnknownVariant" if model.unknown_variant else "ApiModel"
    mixin = (mixins or {}).get(model.name)
    return ModelView(
        name=model.name,
        base=f"{mixin.rsplit('.', 1)[1]}, {base}" if mixin else base,
        docstring=docstring(model.description or f"The `{model.name}` object.", "    "),
        constants=py_literal(constants) if constants else None,
        fields=tuple(_field(field, before) for field in model.fields),
        flatten=tuple(
            FlattenView(
                method=f"_flatten_{flatten.field}",
                field=py_literal(flatten.wire_field),
                pairs=py_literal(tuple(flatten.pairs)),
            )
            for flatten in model.flatten
        ),
        byte_offsets=(
            ByteOffsetsView(start=model.byte_offsets[0], end=model.byte_offsets[1])
            if model.byte_offsets
            else None
        ),
        base64_fields=tuple(field.python_name for field in model.fields if field.base64),
    )


def _enum(enum: EnumDef) -> EnumView:
    return EnumView(
        name=enum.name,
        values=tuple(py_literal(value) for value in enum.values),
        docstring=docstring(
            (enum.description + "\n\n" if enum.description else "")
            + "Known values: "
            + ", ".join(f"`{value}`" for value in enum.values)
            + ". Fields accept any string, so values added later pass through unchanged."
        ),
        aliases_docstring=docstring(
            f"Legacy spellings of `{enum.name}` accepted on parse and normalized to the current "
            f"values."
        ),
        aliases=tuple(
            (py_literal(legacy), py_literal(current)) for legacy, current in enum.aliases
        ),
    )


def _member_tag(member: UnionMember) -> str:
    """The pydantic tag: the constant tag value, else the (unique) annotation of the member."""
    return member.tag if member.tag is not None else annotation(member.type)


def _union(union: UnionDef) -> UnionView:
    return UnionView(
        name=union.name,
        members=tuple(
            UnionMemberView(
                annotation=annotation(member.type),
                tag=py_literal(_member_tag(member)),
                kinds=py_literal(member.kinds),
                tag_values=py_literal(member.tag_values),
            )
            for member in union.members
        ),
        tag_property=py_literal(union.tag_property),
        unknown_tag=py_literal(UNKNOWN_TAG if union.unknown else None),
        docstring=docstring(
            union.description
            or f"One of: {', '.join(annotation(member.type) for member in union.members)}."
        ),
    )


def _alias(alias: TypeAliasDef) -> AliasView:
    return AliasView(
        name=alias.name,
        annotation=annotation(alias.type),
        docstring=docstring(alias.description or f"`{annotation(alias.type)}`."),
    )


def _ordered(types: TypeModel) -> list[tuple[str, Any]]:
    """The definitions in a stable order: enums by name, models by name, then unions and aliases.

    Models come in name order whatever they refer to, so adding a field to one schema changes
    only that schema's lines; a field naming something defined at or after its model (a later
    model, any union, itself) gets a quoted annotation, which pydantic resolves when the models
    are first used (they are built lazily anyway). Recursive schemas work the same way. Unions
    and aliases are evaluated when the module runs, so each follows the unions and aliases it
    names (ties by name); a cycle among them alone cannot be written and is bad input.
    """
    ordered: list[tuple[str, Any]] = [("enum", enum) for enum in sorted(types.enums, key=_key)]
    ordered += [("model", model) for model in sorted(types.models, key=_key)]
    later: dict[str, tuple[str, Any, set[str]]] = {}
    for union in types.unions:
        named = set().union(*(names_in(member.type) for member in union.members))
        later[union.name] = ("union", union, named)
    for alias in types.aliases:
        later[alias.name] = ("alias", alias, set(names_in(alias.type)))
    try:
        order = dependency_order({name: needed for name, (_, _, needed) in later.items()})
    except DependencyCycleError as cycle:
        raise BadInputError(
            f"spec: the unions {cycle} contain each other directly (no object in between), "
            f"so no Python type can express them; give one of them an object member."
        ) from None
    ordered += [(later[name][0], later[name][1]) for name in order]
    return ordered


def _key(definition: Any) -> str:
    return str(definition.name)


def _positions(ordered: list[tuple[str, Any]]) -> dict[str, int]:
    """Where each definition stands; a model may name only what stands before it unquoted."""
    return {definition.name: index for index, (_, definition) in enumerate(ordered)}


def types_context(types: TypeModel, model_mixins: tuple[tuple[str, str], ...] = ()) -> TypesView:
    """Everything the types module template needs."""
    mixins = dict(model_mixins)
    known = {model.name for model in types.models}
    for name in sorted(mixins):
        if name not in known:
            raise BadInputError(f"codegen.yaml: model_mixins names {name!r}, which is not a model.")
    ordered = _ordered(types)
    positions = _positions(ordered)
    render: dict[str, Callable[[Any], ModelView | EnumView | UnionView | AliasView]] = {
        "enum": _enum,
        "model": lambda model: _model(model, mixins, positions),
        "union": _union,
        "alias": _alias,
    }
    imports = sorted({tuple(value.rsplit(".", 1)) for value in mixins.values()})
    return TypesView(
        mixin_imports=tuple(MixinImportView(module=module, name=name) for module, name in imports),
        definitions=tuple(render[kind](item) for kind, item in ordered),
        all_names=tuple(types.names()),
    )
