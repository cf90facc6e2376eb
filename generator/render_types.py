"""Template context for the generated types module: every annotation and default as text.

The templates in `templates/models/` receive ready-made strings — field annotations, default
expressions, docstrings, the union branch tables — and only arrange them. Definitions come in an
order that needs no forward references at import time: enums, then models (their annotations
are resolved lazily), then unions and aliases sorted so each follows what it names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from generator.errors import BadInputError
from generator.ir import EnumDef, FieldDef, ModelDef, TypeAliasDef, UnionDef
from generator.literals import docstring, py_literal
from generator.models import UNKNOWN_TAG, TypeModel

__all__ = ["types_context"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _field_line(field: FieldDef) -> str:
    arguments = []
    if field.wire_name != field.python_name and not field.excluded:
        arguments.append(f"validation_alias={field.wire_name!r}")
        arguments.append(f"serialization_alias={field.wire_name!r}")
    if field.excluded:
        arguments.append("exclude=True")
    if arguments:
        if field.default is not None:
            arguments.insert(0, f"default={field.default}")
        return f"{field.python_name}: {field.type_hint} = Field({', '.join(arguments)})"
    if field.default is not None:
        return f"{field.python_name}: {field.type_hint} = {field.default}"
    return f"{field.python_name}: {field.type_hint}"


def _model(model: ModelDef, mixins: dict[str, str] | None = None) -> dict[str, Any]:
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
                "line": _field_line(field),
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


def _ordered(types: TypeModel) -> list[tuple[str, Any]]:
    """Every definition after the names it uses, ties broken by name.

    Annotations are evaluated when a class is created (no `from __future__ import
    annotations`: evaluating thousands of annotation strings at import is the slowest part of
    creating pydantic models), so the order must never need a forward reference.
    """
    items: dict[str, tuple[str, Any, str]] = {}
    for enum in types.enums:
        items[enum.name] = ("enum", enum, "")
    for model in types.models:
        items[model.name] = ("model", model, " ".join(field.type_hint for field in model.fields))
    for union in types.unions:
        items[union.name] = ("union", union, " ".join(member.type_hint for member in union.members))
    for alias in types.aliases:
        items[alias.name] = ("alias", alias, alias.type_hint)
    ordered: list[tuple[str, Any]] = []
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in done or name not in items:
            return
        if name in trail:
            raise ValueError(f"circular type definitions: {' -> '.join((*trail, name))}")
        kind, definition, text = items[name]
        for used in sorted(set(_NAME.findall(text))):
            visit(used.removesuffix("Aliases"), (*trail, name))
        done.add(name)
        ordered.append((kind, definition))

    for name in sorted(items):
        visit(name, ())
    return ordered


def types_context(
    types: TypeModel, model_mixins: tuple[tuple[str, str], ...] = ()
) -> dict[str, Any]:
    """Everything the types module template needs."""
    mixins = dict(model_mixins)
    known = {model.name for model in types.models}
    for name in sorted(mixins):
        if name not in known:
            raise BadInputError(f"codegen.yaml: model_mixins names {name!r}, which is not a model.")
    render: dict[str, Callable[[Any], dict[str, Any]]] = {
        "enum": _enum,
        "model": lambda model: _model(model, mixins),
        "union": _union,
        "alias": _alias,
    }
    definitions = [{"kind": kind, **render[kind](item)} for kind, item in _ordered(types)]
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
