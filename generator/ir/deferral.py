"""Which union members are built on first use rather than with their union.

pydantic builds a union by building every member and everything each member holds, so a call
whose answer holds the 25-member `Step` union builds every built-in tool's steps before its first
parse. A target may name the models built with their unions (`codegen.yaml`,
`eager_union_members`): what every conversation meets, and every kind a stream sends per event.
Every other model member of a union is then marked `deferred`, and the runtime builds it the
first time a value of its kind comes (`JsonUnion`'s `deferred`). What a value parses to is the
same either way; only when the work is done, and ~1 µs per deferred value, differ.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from generator.errors import BadInputError
from generator.ir.model import TypeModel, UnionMember
from generator.ir.types import Named

__all__ = ["defer_union_members"]


def _model_member(member: UnionMember, models: Collection[str]) -> str | None:
    """The model a union member is, if it is one (not a list, a map, a scalar or an enum)."""
    if isinstance(member.type, Named) and member.type.name in models:
        return member.type.name
    return None


def defer_union_members(types: TypeModel, eager: Collection[str] | None) -> TypeModel:
    """`types` with every model member of a union that `eager` does not name deferred.

    None keeps every member eager. A name in `eager` that is no model member of any union is
    bad input (a typo, or a member the spec no longer has), named with the configuration key.
    """
    if eager is None:
        return types
    models = frozenset(model.name for model in types.models)
    members = {
        name
        for union in types.unions
        for member in union.members
        if (name := _model_member(member, models)) is not None
    }
    unknown = sorted(set(eager) - members)
    if unknown:
        raise BadInputError(
            f"codegen.yaml: eager_union_members names {', '.join(map(repr, unknown))}, which "
            f"is no model member of a union of this spec; remove it or fix the name."
        )
    unions = tuple(
        replace(
            union,
            members=tuple(
                replace(member, deferred=name not in eager)
                if (name := _model_member(member, models)) is not None
                else member
                for member in union.members
            ),
        )
        for union in types.unions
    )
    return replace(types, unions=unions)
