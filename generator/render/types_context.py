"""Template context for the generated types module: every annotation and default as text.

The templates in `templates/models/` receive ready-made strings — field annotations, default
expressions, docstrings, the union branch tables — and only arrange them. Definitions come in a
stable order (see `_ordered`): enums and models by name, so a change to one schema stays local
in the diff; forward references are quoted and resolved when the models are first used.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from generator.errors import BadInputError
from generator.ir.model import EnumDef, FieldDef, ModelDef, TypeAliasDef, UnionDef
from generator.ir.schemas import UNKNOWN_TAG, TypeModel
from generator.render.literals import docstring, py_literal

__all__ = ["types_context"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _annotation(field: FieldDef, before: Callable[[str], bool]) -> str:
    """The field's annotation, quoted when it names something not defined before its model."""
    if not all(before(name) for name in _names_in(field.type_hint)):
        return py_literal(field.type_hint)
    return field.type_hint


def _field_line(field: FieldDef, before: Callable[[str], bool] = lambda name: True) -> str:
    hint = _annotation(field, before)
    arguments = []
    if field.wire_name != field.python_name and not field.excluded:
        arguments.append(f"validation_alias={field.wire_name!r}")
        arguments.append(f"serialization_alias={field.wire_name!r}")
    if field.excluded:
        arguments.append("exclude=True")
    if arguments:
        if field.default is not None:
            arguments.insert(0, f"default={field.default}")
        return f"{field.python_name}: {hint} = Field({', '.join(arguments)})"
    if field.default is not None:
        return f"{field.python_name}: {hint} = {field.default}"
    return f"{field.python_name}: {hint}"


def _model(
    model: ModelDef,
    mixins: dict[str, str] | None = None,
    positions: dict[str, int] | None = None,
) -> dict[str, Any]:
    at = (positions or {}).get(model.name, 0)

    def before(name: str) -> bool:  # names that are no definition (str, Literal) are fine
        return (positions or {}).get(name, -1) < at

    constants = tuple(field.python_name for field in model.fields if field.wire_constant)
    base = "UnknownVariant" if model.unknown_variant else "ApiModel"
    mixin = (mixins or {}).get(model.name)
    return {
        "name": model.name,
        "base": f"{mixin.rsplit('.', 1)[1]}, {base}" if mixin else base,
        "docstring": docstring(model.description or f"The `{model.name}` object.", "    "),
        "constants": py_literal(constants) if constants else None,
        "fields": [
            {
                "line": _field_line(field, before),
                "docstring": docstring(field.description, "    ") if field.description else None,
            }
            for field in model.fields
        ],
        "flatten": [
            {
                "method": f"_flatten_{flatten.field}",
                "field": py_literal(flatten.wire_field),
                "pairs": py_literal(tuple(flatten.pairs)),
            }
            for flatten in model.flatten
        ],
        "byte_offsets": (
            {"start": model.byte_offsets[0], "end": model.byte_offsets[1]}
            if model.byte_offsets
            else None
        ),
        "base64_fields": [field.python_name for field in model.fields if field.base64],
    }


def _enum(enum: EnumDef) -> dict[str, Any]:
    return {
        "name": enum.name,
        "literal": "Literal[" + ", ".join(repr(value) for value in enum.values) + "]",
        "docstring": docstring(
            (enum.description + "\n\n" if enum.description else "")
            + "Known values: "
            + ", ".join(f"`{value}`" for value in enum.values)
            + ". Fields accept any string, so values added later pass through unchanged."
        ),
        "aliases_docstring": docstring(
            f"Legacy spellings of `{enum.name}` accepted on parse and normalized to the current "
            f"values."
        ),
        "aliases": (
            "{" + ", ".join(f"{legacy!r}: {current!r}" for legacy, current in enum.aliases) + "}"
            if enum.aliases
            else None
        ),
    }


def _union(union: UnionDef) -> dict[str, Any]:
    branches = ", ".join(
        f"({member.tag!r}, frozenset({py_literal(member.kinds)}), "
        f"frozenset({py_literal(member.tag_values)}))"
        for member in union.members
    )
    return {
        "name": union.name,
        "members": [
            {"type_hint": member.type_hint, "tag": repr(member.tag)} for member in union.members
        ],
        "discriminator": (
            f"json_union([{branches}], {union.tag_property!r}, "
            f"{UNKNOWN_TAG if union.unknown else None!r})"
        ),
        "docstring": docstring(
            union.description or f"One of: {', '.join(m.type_hint for m in union.members)}."
        ),
    }


def _alias(alias: TypeAliasDef) -> dict[str, Any]:
    return {
        "name": alias.name,
        "type_hint": alias.type_hint,
        "docstring": docstring(alias.description or f"`{alias.type_hint}`."),
    }


def _names_in(text: str) -> set[str]:
    return {name.removesuffix("Aliases") for name in _NAME.findall(text)}


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
        names = set().union(*(_names_in(member.type_hint) for member in union.members))
        later[union.name] = ("union", union, names)
    for alias in types.aliases:
        later[alias.name] = ("alias", alias, _names_in(alias.type_hint))
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in done or name not in later:
            return
        if name in trail:
            cycle = " -> ".join((*trail[trail.index(name) :], name))
            raise BadInputError(
                f"spec: the unions {cycle} contain each other directly (no object in between), "
                f"so no Python type can express them; give one of them an object member."
            )
        kind, definition, names = later[name]
        for used in sorted(names - {name}):
            visit(used, (*trail, name))
        done.add(name)
        ordered.append((kind, definition))

    for name in sorted(later):
        visit(name, ())
    return ordered


def _key(definition: Any) -> str:
    return str(definition.name)


def _positions(ordered: list[tuple[str, Any]]) -> dict[str, int]:
    """Where each definition stands; a model may name only what stands before it unquoted."""
    return {definition.name: index for index, (_, definition) in enumerate(ordered)}


def types_context(
    types: TypeModel, model_mixins: tuple[tuple[str, str], ...] = ()
) -> dict[str, Any]:
    """Everything the types module template needs."""
    mixins = dict(model_mixins)
    known = {model.name for model in types.models}
    for name in sorted(mixins):
        if name not in known:
            raise BadInputError(f"codegen.yaml: model_mixins names {name!r}, which is not a model.")
    ordered = _ordered(types)
    positions = _positions(ordered)
    render: dict[str, Callable[[Any], dict[str, Any]]] = {
        "enum": _enum,
        "model": lambda model: _model(model, mixins, positions),
        "union": _union,
        "alias": _alias,
    }
    definitions = [{"kind": kind, **render[kind](item)} for kind, item in ordered]
    names = sorted(
        [enum.name for enum in types.enums]
        + [model.name for model in types.models]
        + [union.name for union in types.unions]
        + [alias.name for alias in types.aliases]
    )
    imports = sorted({tuple(value.rsplit(".", 1)) for value in mixins.values()})
    return {
        "mixin_imports": [{"module": module, "name": name} for module, name in imports],
        "definitions": definitions,
        "all_names": names,
    }
