"""Template context for the generated models: every annotation, default and import as text.

The models live in one module per group (`ir/groups.py` decides the groups) inside the private
`_models` package; `types` is the public home of every name and imports a group's module when
one of its names is first asked for. The templates in `templates/models/` receive data —
annotations (from `annotations.py`), literals, docstrings, each union's branch table, each
module's imports — and lay out the Python around them. Within a module definitions come in a
stable order (see `_ordered`): enums by name, then every other definition after what it names
(ties by name), so only a reference that closes a cycle is quoted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from generator.errors import BadInputError
from generator.ir.groups import model_groups
from generator.ir.model import (
    EnumDef,
    FieldDef,
    ModelDef,
    ModelGroup,
    TypeAliasDef,
    TypeModel,
    UnionDef,
    UnionMember,
)
from generator.ir.types import EnumRef, ListOf, LiteralOf, Scalar, TypeExpr, names_in, walk
from generator.ir.unions import UNKNOWN_TAG
from generator.render.annotations import annotation
from generator.render.literals import docstring, py_literal
from generator.render.ordering import DependencyCycleError, definition_order
from generator.render.views import (
    AliasView,
    ByteOffsetsView,
    EnumView,
    FieldView,
    FlattenView,
    ImportView,
    ModelsModuleView,
    ModelView,
    TypesView,
    UnionMemberView,
    UnionView,
)

__all__ = ["MODELS_PACKAGE", "types_context"]

MODELS_PACKAGE = "_models"
"""The private package of the model modules (`<package>/_models/<group>.py`)."""

_HOMES_OF_SUPPORT = {
    "Sequence": "collections.abc",
    **dict.fromkeys(("Annotated", "Any", "Literal", "TypeAlias", "Union"), "typing"),
    **dict.fromkeys(("Field", "StrictBool", "StrictInt", "model_validator"), "pydantic"),
    **dict.fromkeys(
        (
            "ApiModel",
            "Int64String",
            "JsonUnion",
            "Number",
            "OpenEnum",
            "UnknownVariant",
            "decode_base64",
            "flatten_input",
            "utf8_span",
            "utf8_to_char_offsets",
            "wire_aliases",
        ),
        ".._core._base",
    ),
}
"""Where each name a model module may use besides the definitions comes from (relative to a
model module)."""


def _field(field: FieldDef, before: Callable[[str], bool]) -> FieldView:
    """A field's line as data: annotation (quoted when it names something defined at or after
    its model), default, wire alias and whether it is left out of the wire form."""
    text = annotation(field.type, evaluated=True)
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
                annotation=annotation(member.type, evaluated=True),
                tag=py_literal(_member_tag(member)),
                kinds=py_literal(member.kinds),
                tag_values=py_literal(member.tag_values),
            )
            for member in union.members
        ),
        tag_property=py_literal(union.tag_property),
        unknown_tag=py_literal(UNKNOWN_TAG if union.unknown else None),
        deferred=py_literal(
            tuple(_member_tag(member) for member in union.members if member.deferred)
        )
        if any(member.deferred for member in union.members)
        else None,
        docstring=docstring(
            union.description
            or f"One of: {', '.join(annotation(member.type) for member in union.members)}."
        ),
    )


def _alias(alias: TypeAliasDef) -> AliasView:
    return AliasView(
        name=alias.name,
        annotation=annotation(alias.type, evaluated=True),
        docstring=docstring(alias.description or f"`{annotation(alias.type)}`."),
    )


def _ordered(types: TypeModel) -> list[tuple[str, Any]]:
    """The definitions in a stable order: enums by name, then models, unions and aliases, each
    after the definitions it names (ties by name; see `definition_order`).

    A field naming something defined at or after its model (a cycle through models, itself)
    gets a quoted annotation, which pydantic resolves when the models are completed; every
    other annotation is a real one. Quoted names cost each model a failed evaluation when its
    class is created and a second field collection when it is completed (~17M instructions of
    a cold start for the 28 models that had them), which is why the order follows the needs
    rather than the names: a new field may move a model, and the diff shows that move. Unions
    and aliases are evaluated when the module runs; a cycle among them alone cannot be
    written and is bad input.
    """
    ordered: list[tuple[str, Any]] = [("enum", enum) for enum in sorted(types.enums, key=_key)]
    definitions: dict[str, tuple[str, Any]] = {}
    needs: dict[str, set[str]] = {}
    for model in types.models:
        definitions[model.name] = ("model", model)
        needs[model.name] = set().union(*(names_in(field.type) for field in model.fields))
    for union in types.unions:
        definitions[union.name] = ("union", union)
        needs[union.name] = set().union(*(names_in(member.type) for member in union.members))
    for alias in types.aliases:
        definitions[alias.name] = ("alias", alias)
        needs[alias.name] = set(names_in(alias.type))
    evaluated = {name for name, (kind, _) in definitions.items() if kind != "model"}
    try:
        order = definition_order(needs, evaluated)
    except DependencyCycleError as cycle:
        raise BadInputError(
            f"spec: the unions {cycle} contain each other directly (no object in between), "
            f"so no Python type can express them; give one of them an object member."
        ) from None
    ordered += [definitions[name] for name in order]
    return ordered


def _key(definition: Any) -> str:
    return str(definition.name)


def _positions(ordered: list[tuple[str, Any]]) -> dict[str, int]:
    """Where each definition stands; a model may name only what stands before it unquoted."""
    return {definition.name: index for index, (_, definition) in enumerate(ordered)}


def _type_names(types: Iterable[TypeExpr]) -> set[str]:
    """The names an annotation of these types uses: definitions, enum aliases, typing helpers."""
    used: set[str] = set()
    for type_ in types:
        for node in walk(type_):
            if isinstance(node, Scalar):
                used.add(node.name)
            elif isinstance(node, EnumRef):
                used |= {node.name, "OpenEnum"}
                if node.aliased:
                    used |= {"Annotated", f"{node.name}Aliases"}
            elif isinstance(node, LiteralOf):
                used.add("Literal")
            elif isinstance(node, ListOf) and node.covariant:
                used.add("Sequence")
            else:
                used |= names_in(node)
    return used


def _used_names(kind: str, definition: Any, mixins: dict[str, str]) -> set[str]:
    """Every name the definition's rendered text uses (see the templates in `models/`)."""
    if kind == "enum":
        return {"Literal", "wire_aliases"} if definition.aliases else {"Literal"}
    if kind == "alias":
        return {"TypeAlias"} | _type_names([definition.type])
    if kind == "union":
        written = {"Annotated", "JsonUnion", "TypeAlias", "Union"}
        return written | _type_names(member.type for member in definition.members)
    used = _type_names(field.type for field in definition.fields)
    used.add("UnknownVariant" if definition.unknown_variant else "ApiModel")
    if any(field.excluded or (field.wire_name != field.python_name) for field in definition.fields):
        used.add("Field")
    if definition.flatten:
        used |= {"Any", "flatten_input", "model_validator"}
    if definition.byte_offsets:
        used |= {"utf8_span", "utf8_to_char_offsets"}
    if any(field.base64 for field in definition.fields):
        used.add("decode_base64")
    if definition.name in mixins:
        used.add(mixins[definition.name].rsplit(".", 1)[1])
    return used


def _imports(
    used: set[str], here: set[str], homes: dict[str, str], mixins: dict[str, str]
) -> tuple[ImportView, ...]:
    """The import lines of one module: support names, mixins and earlier groups' definitions."""
    by_module: dict[str, set[str]] = {}
    mixin_homes = {path.rsplit(".", 1)[1]: path.rsplit(".", 1)[0] for path in mixins.values()}
    for name in used - here:
        if name in _HOMES_OF_SUPPORT:
            module = _HOMES_OF_SUPPORT[name]
        elif name in mixin_homes:
            module = f"..{mixin_homes[name]}"
        elif name in homes:
            module = f".{homes[name]}"
        else:  # a builtin (str, int, None...)
            continue
        by_module.setdefault(module, set()).add(name)
    return tuple(
        ImportView(module=module, names=tuple(sorted(names)))
        for module, names in sorted(by_module.items())
    )


def _subset(types: TypeModel, names: frozenset[str]) -> TypeModel:
    return replace(
        types,
        enums=tuple(enum for enum in types.enums if enum.name in names),
        models=tuple(model for model in types.models if model.name in names),
        unions=tuple(union for union in types.unions if union.name in names),
        aliases=tuple(alias for alias in types.aliases if alias.name in names),
    )


def _module(
    types: TypeModel, group: ModelGroup, homes: dict[str, str], mixins: dict[str, str]
) -> ModelsModuleView:
    """One group's module: its definitions in their stable order and what they import."""
    ordered = _ordered(_subset(types, frozenset(group.names)))
    positions = _positions(ordered)
    render: dict[str, Callable[[Any], ModelView | EnumView | UnionView | AliasView]] = {
        "enum": _enum,
        "model": lambda model: _model(model, mixins, positions),
        "union": _union,
        "alias": _alias,
    }
    used: set[str] = set()
    here: set[str] = set()
    for kind, item in ordered:
        used |= _used_names(kind, item, mixins)
        here.add(item.name)
        if kind == "enum" and item.aliases:
            here.add(f"{item.name}Aliases")
    return ModelsModuleView(
        module=group.module,
        docstring=docstring(
            f"{group.summary} Import them from `types`, their public home; this module is "
            f"loaded when one of them is first used."
        ),
        imports=_imports(used, here, homes, mixins),
        definitions=tuple(render[kind](item) for kind, item in ordered),
        all_names=tuple(sorted(group.names)),
        build_needs=group.build_needs,
    )


def types_context(
    types: TypeModel,
    model_mixins: tuple[tuple[str, str], ...] = (),
    groups: tuple[ModelGroup, ...] | None = None,
) -> TypesView:
    """Everything the types module and the model modules need. `groups` are the API's
    (`Api.type_groups`); without them every definition goes to one module."""
    mixins = dict(model_mixins)
    known = {model.name for model in types.models}
    for name in sorted(mixins):
        if name not in known:
            raise BadInputError(f"codegen.yaml: model_mixins names {name!r}, which is not a model.")
    if groups is None:
        groups = model_groups((), types)
    homes: dict[str, str] = {}
    for group in groups:
        for name in group.names:
            homes[name] = group.module
    for enum in types.enums:
        if enum.aliases:
            homes[f"{enum.name}Aliases"] = homes[enum.name]
    missing = sorted(set(types.names()) - homes.keys())
    if missing:
        raise BadInputError(f"spec: the definitions {missing} belong to no module of models.")
    return TypesView(
        all_names=tuple(types.names()),
        exported=tuple(
            ImportView(module=group.module, names=tuple(sorted(group.names))) for group in groups
        ),
        homes=tuple(
            ImportView(
                module=group.module,
                names=tuple(sorted(name for name, home in homes.items() if home == group.module)),
            )
            for group in groups
        ),
        modules=tuple(_module(types, group, homes, mixins) for group in groups),
    )
