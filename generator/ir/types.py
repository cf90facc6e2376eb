"""The type tree: how every type travels through the intermediate model.

A type is a small frozen tree — a scalar, a named definition, an open enum, a literal, a list,
a map, a union or an optional — never a string. Builders compose it, the renderer turns it into
an annotation in one place (`render.annotations`), and questions such as "which definitions does
this field name?" or "is this a list?" are answered by walking the tree, not by parsing text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "ANY",
    "BOOL",
    "FLOAT",
    "INT",
    "INT64_STRING",
    "NONE",
    "NUMBER",
    "STR",
    "STRICT_BOOL",
    "STRICT_INT",
    "EnumRef",
    "ListOf",
    "LiteralOf",
    "MapOf",
    "Named",
    "Optional",
    "Scalar",
    "TypeExpr",
    "UnionOf",
    "item_of",
    "names_in",
    "optional",
    "plain_scalars",
    "required",
    "walk",
]


@dataclass(frozen=True)
class Scalar:
    """A type the runtime or Python provides: `str`, `StrictInt`, `Number`, `Any`..."""

    name: str


@dataclass(frozen=True)
class Named:
    """A definition of the generated types module (a model, union or alias)."""

    name: str


@dataclass(frozen=True)
class EnumRef:
    """An enum used as a field type: open to new values, legacy spellings normalized if aliased."""

    name: str
    aliased: bool = False


@dataclass(frozen=True)
class LiteralOf:
    """Exactly these wire values (a one-value literal is a wire constant)."""

    values: tuple[str, ...]


@dataclass(frozen=True)
class ListOf:
    """A JSON array; `covariant` lists accept any sequence (used inside unions)."""

    item: TypeExpr
    covariant: bool = False


@dataclass(frozen=True)
class MapOf:
    """A JSON object used as a map from strings to `value`."""

    value: TypeExpr


@dataclass(frozen=True)
class UnionOf:
    """Any of `options`, in order."""

    options: tuple[TypeExpr, ...]


@dataclass(frozen=True)
class Optional:
    """`inner` or absent (`None`)."""

    inner: TypeExpr


TypeExpr = Scalar | Named | EnumRef | LiteralOf | ListOf | MapOf | UnionOf | Optional

ANY = Scalar("Any")
STR = Scalar("str")
INT = Scalar("int")
FLOAT = Scalar("float")
BOOL = Scalar("bool")
NONE = Scalar("None")
STRICT_INT = Scalar("StrictInt")
STRICT_BOOL = Scalar("StrictBool")
NUMBER = Scalar("Number")
INT64_STRING = Scalar("Int64String")


def optional(type_: TypeExpr) -> TypeExpr:
    """`type_ | None`, without wrapping twice."""
    return type_ if isinstance(type_, Optional) else Optional(type_)


def required(type_: TypeExpr) -> TypeExpr:
    """`type_` without its `| None`."""
    return type_.inner if isinstance(type_, Optional) else type_


def item_of(type_: TypeExpr) -> TypeExpr | None:
    """The item type when `type_` (optional or not) is a list, else None."""
    inner = required(type_)
    return inner.item if isinstance(inner, ListOf) else None


def names_in(type_: TypeExpr) -> frozenset[str]:
    """Every definition of the types module that `type_` names (enums included)."""
    if isinstance(type_, Named | EnumRef):
        return frozenset({type_.name})
    if isinstance(type_, ListOf):
        return names_in(type_.item)
    if isinstance(type_, MapOf):
        return names_in(type_.value)
    if isinstance(type_, Optional):
        return names_in(type_.inner)
    if isinstance(type_, UnionOf):
        return frozenset().union(*(names_in(option) for option in type_.options))
    return frozenset()


_PLAIN = {"StrictInt": INT, "StrictBool": BOOL, "Number": FLOAT}


def plain_scalars(type_: TypeExpr) -> TypeExpr:
    """`type_` with strict model scalars as the plain types callers pass (`3`, `True`, `0.5`)."""
    if isinstance(type_, Scalar):
        return _PLAIN.get(type_.name, type_)
    if isinstance(type_, ListOf):
        return ListOf(plain_scalars(type_.item), type_.covariant)
    if isinstance(type_, MapOf):
        return MapOf(plain_scalars(type_.value))
    if isinstance(type_, UnionOf):
        return UnionOf(tuple(plain_scalars(option) for option in type_.options))
    if isinstance(type_, Optional):
        return Optional(plain_scalars(type_.inner))
    return type_


def walk(type_: TypeExpr) -> Iterator[TypeExpr]:
    """`type_` and every type nested in it, outermost first."""
    yield type_
    if isinstance(type_, ListOf):
        yield from walk(type_.item)
    elif isinstance(type_, MapOf):
        yield from walk(type_.value)
    elif isinstance(type_, Optional):
        yield from walk(type_.inner)
    elif isinstance(type_, UnionOf):
        for option in type_.options:
            yield from walk(option)
