"""The request side of the API: which definitions a request can carry, and the types a caller
may pass for them.

Every model, union and alias a request body can hold (the closure of the operations' body
fields over model fields, union members and aliases) has a dict twin named `<Name>Param` in
the generated `params` module. `request_side_names` computes that set once (`Api.request_side`);
`param_type` is the type of a value inside such a dict (dict twins, plain scalars, sequences;
enums are `str`, int64 strings take `int | str`); `accepting` is a method argument's type, which
takes a model or its dict twin, and `accepting_dicts` applies it to every body field. A union's
list arms become one list of either item (`_one_list`), since type checkers cannot infer a list
display against two list types. The render stage only lays these types out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from generator.ir.model import Api, Operation, TypeModel
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
)
from generator.ir.unions import UNKNOWN_TAG

__all__ = [
    "PARAM_SUFFIX",
    "accepting",
    "accepting_dicts",
    "param_type",
    "request_side_names",
]

PARAM_SUFFIX = "Param"
"""The suffix of a definition's dict twin (`Tool` → `ToolParam`)."""


def request_side_names(operations: tuple[Operation, ...], types: TypeModel) -> frozenset[str]:
    """Every model, union and alias a request body can hold, directly or nested (enums are not
    twinned, nor are the unions' unknown variants)."""
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
    pending = [field.type for operation in operations for field in operation.body_fields]
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


def param_type(type_: TypeExpr, params: frozenset[str]) -> TypeExpr:
    """The type of a value inside a request dict: dict twins, plain scalars, sequences."""
    if isinstance(type_, Named):
        return Named(type_.name + PARAM_SUFFIX) if type_.name in params else type_
    if isinstance(type_, EnumRef):
        return STR  # the enums are open (`Literal[...] | str`): a str is what a checker sees
    if isinstance(type_, ListOf):
        return ListOf(param_type(type_.item, params), covariant=True)
    if isinstance(type_, MapOf):
        return MapOf(param_type(type_.value, params))
    if isinstance(type_, UnionOf):
        return UnionOf(_one_list(tuple(param_type(option, params) for option in type_.options)))
    if isinstance(type_, Optional):
        return Optional(param_type(type_.inner, params))
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


def accepting_dicts(api: Api) -> tuple[Operation, ...]:
    """The operations with every body field's type `accepting` dict twins (for signatures)."""
    expansions = _expansions(api.types)
    params = api.request_side
    return tuple(
        replace(
            operation,
            body_fields=tuple(
                replace(field, type=accepting(field.type, params, expansions))
                for field in operation.body_fields
            ),
        )
        for operation in api.operations
    )
