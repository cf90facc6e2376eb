"""Template context for the generated `params` module: request dicts that type-check.

Every object a request can carry (the closure of the operations' body fields over model
fields, union members and aliases) gets a `TypedDict` twin named `<Model>Param` with the
object's wire keys, so `tools=[{"type": "function", "name": "f"}]` passes `mypy --strict` with
its keys and values checked. Unions and aliases get a `<Name>Param` alias over their members'
twins (the unknown arm is left out: a dict of an unknown shape is sent with `extra_body`).
Method signatures accept either form (`accepting`), and nested values inside a dict are dicts.

Enum values are `str` here (the types module's enums are open, `Literal[...] | str`, so a checker
accepts any string either way, and the module needs nothing from `types` at run time); strict
model scalars become the plain types a caller writes (`StrictInt` → `int`), int64 strings take
`int | str`. Aliases come in dependency order, so each is a plain runtime expression. A dict is
sent as written (the keys are wire names), so the twin of a flattened model has the nested wire
object.
"""

from __future__ import annotations

import keyword
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from generator.ir.model import Api, ModelDef, Operation, TypeModel
from generator.ir.naming import ANNOTATION_BUILTINS
from generator.ir.types import (
    INT,
    INT64_STRING,
    STR,
    EnumRef,
    ListOf,
    MapOf,
    Named,
    Optional,
    Scalar,
    TypeExpr,
    UnionOf,
    names_in,
    plain_scalars,
    required,
)
from generator.ir.unions import UNKNOWN_TAG
from generator.render.annotations import annotation
from generator.render.literals import docstring, py_literal
from generator.render.ordering import dependency_order

__all__ = [
    "PARAM_SUFFIX",
    "accepting",
    "accepting_dicts",
    "params_context",
    "request_side_names",
]

PARAM_SUFFIX = "Param"


def request_side_names(api: Api) -> frozenset[str]:
    """Every model, union and alias a request body can hold, directly or nested (enums are not
    twinned, nor are the unions' unknown variants)."""
    types = api.types
    skipped = {enum.name for enum in types.enums}
    skipped |= {model.name for model in types.models if model.unknown_variant}
    nested: dict[str, list[TypeExpr]] = {
        model.name: [field.type for field in model.fields if not field.excluded]
        for model in types.models
    }
    nested |= {
        union.name: [member.type for member in union.members if member.tag != UNKNOWN_TAG]
        for union in types.unions
    }
    nested |= {alias.name: [alias.type] for alias in types.aliases}
    pending = [field.type for operation in api.operations for field in operation.body_fields]
    seen: set[str] = set()
    while pending:
        for name in sorted(names_in(pending.pop()) - skipped - seen):
            seen.add(name)
            pending.extend(nested.get(name, ()))
    return frozenset(seen)


def _one_list(options: tuple[TypeExpr, ...]) -> tuple[TypeExpr, ...]:
    """A union's list arms as one list of either item (`list[Step] | list[Content]` becomes
    `Sequence[Step | Content]`): type checkers cannot infer a list display against two list
    types; the API's own union resolution still tells a mixed list apart at run time."""
    lists = [option for option in options if isinstance(option, ListOf)]
    if len(lists) < 2:
        return options
    merged = ListOf(UnionOf(tuple(item.item for item in lists)), covariant=True)
    first = options.index(lists[0])
    rest = [option for option in options if not isinstance(option, ListOf)]
    return (*rest[:first], merged, *rest[first:])


def _param_type(type_: TypeExpr, params: frozenset[str]) -> TypeExpr:
    """The type of a value inside a request dict: dict twins, plain scalars, sequences."""
    if isinstance(type_, Named):
        return Named(type_.name + PARAM_SUFFIX) if type_.name in params else type_
    if isinstance(type_, EnumRef):
        return STR  # the enums are open (`Literal[...] | str`): a str is what a checker sees
    if isinstance(type_, ListOf):
        return ListOf(_param_type(type_.item, params), covariant=True)
    if isinstance(type_, MapOf):
        return MapOf(_param_type(type_.value, params))
    if isinstance(type_, UnionOf):
        return UnionOf(_one_list(tuple(_param_type(option, params) for option in type_.options)))
    if isinstance(type_, Optional):
        return Optional(_param_type(type_.inner, params))
    if isinstance(type_, Scalar) and type_.name == INT64_STRING.name:
        return UnionOf((INT, STR))  # sent as a string; either is accepted
    return plain_scalars(type_)


def accepting(
    type_: TypeExpr, params: frozenset[str], expansions: Mapping[str, TypeExpr] | None = None
) -> TypeExpr:
    """A method argument's type: each request-side definition, or its dict twin. A union named
    in `expansions` is written out member by member, so that its list arms become one."""
    expansions = expansions or {}
    if isinstance(type_, Named) and type_.name in expansions:
        return accepting(expansions[type_.name], params, expansions)
    if isinstance(type_, Named) and type_.name in params:
        return UnionOf((type_, Named(type_.name + PARAM_SUFFIX)))
    if isinstance(type_, ListOf):
        return ListOf(accepting(type_.item, params, expansions), covariant=True)
    if isinstance(type_, MapOf):
        return MapOf(accepting(type_.value, params, expansions))
    if isinstance(type_, UnionOf):
        options = tuple(accepting(option, params, expansions) for option in type_.options)
        return UnionOf(_one_list(_flat(options)))
    if isinstance(type_, Optional):
        return Optional(accepting(type_.inner, params, expansions))
    return type_


def _flat(options: tuple[TypeExpr, ...]) -> tuple[TypeExpr, ...]:
    """Nested unions as one level (`A | (B | C)` is `A | B | C`)."""
    flat: list[TypeExpr] = []
    for option in options:
        flat.extend(_flat(option.options) if isinstance(option, UnionOf) else (option,))
    return tuple(flat)


def _expansions(types: TypeModel) -> dict[str, TypeExpr]:
    """The unions with two or more list arms (`InteractionsInput`), as their members."""
    return {
        union.name: UnionOf(tuple(member.type for member in union.members))
        for union in types.unions
        if sum(isinstance(member.type, ListOf) for member in union.members) >= 2
    }


def accepting_dicts(
    operations: tuple[Operation, ...], params: frozenset[str], types: TypeModel
) -> tuple[Operation, ...]:
    """The operations with every body field's type `accepting` dict twins (for signatures)."""
    expansions = _expansions(types)
    return tuple(
        replace(
            operation,
            body_fields=tuple(
                replace(field, type=accepting(field.type, params, expansions))
                for field in operation.body_fields
            ),
        )
        for operation in operations
    )


def _typed_dict(model: ModelDef, params: frozenset[str]) -> dict[str, Any]:
    keys = []
    for field in model.fields:
        if field.excluded:
            continue
        # a key is present or absent: a dict never needs to send null for "not given"
        keys.append(
            {
                "key": field.wire_name,
                "quoted_key": py_literal(field.wire_name),
                "annotation": annotation(_param_type(required(field.type), params)),
                "required": field.constant is not None or field.required,
                "docstring": docstring(field.description, "    ") if field.description else None,
            }
        )
    # class syntax only when every key is an identifier no annotation reads (a key `str`
    # would rebind `str` for the keys after it); otherwise the functional form
    identifiers = all(
        field.wire_name.isidentifier()
        and not keyword.iskeyword(field.wire_name)
        and field.wire_name not in ANNOTATION_BUILTINS
        for field in model.fields
        if not field.excluded
    )
    return {
        "name": model.name + PARAM_SUFFIX,
        "docstring": docstring(
            f"`{model.name}` as a request dict (wire keys).\n\n{model.description}".strip(),
            "    ",
        ),
        "entries": keys,
        "class_syntax": identifiers,
    }


def _dependency_order(aliases: list[tuple[str, TypeExpr]]) -> list[tuple[str, TypeExpr]]:
    """Aliases in name order, each after the aliases its value names (a union of unions)."""
    by_name = {name + PARAM_SUFFIX: (name, type_) for name, type_ in aliases}
    needs = {param: names_in(type_) for param, (_, type_) in by_name.items()}
    return [by_name[param] for param in dependency_order(needs)]


def params_context(api: Api, params: frozenset[str]) -> dict[str, Any]:
    """The data `templates/package/params.py.jinja` lays out, in name order; `params` are the
    request-side names (`request_side_names`)."""
    types = api.types
    dicts = [_typed_dict(model, params) for model in types.models if model.name in params]
    alias_types: list[tuple[str, TypeExpr]] = [
        (
            union.name,
            UnionOf(
                tuple(
                    _param_type(member.type, params)
                    for member in union.members
                    if member.tag != UNKNOWN_TAG
                )
            ),
        )
        for union in types.unions
        if union.name in params
    ] + [
        (alias.name, _param_type(alias.type, params))
        for alias in types.aliases
        if alias.name in params
    ]
    aliases = [
        {"name": name + PARAM_SUFFIX, "value": annotation(type_)}
        for name, type_ in _dependency_order(alias_types)
    ]
    return {
        "typed_dicts": dicts,
        "aliases": aliases,
    }
