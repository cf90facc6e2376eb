"""The type tree and the one function that writes it as an annotation."""

from __future__ import annotations

from generator.ir.types import (
    ANY,
    INT64_STRING,
    NUMBER,
    STR,
    STRICT_BOOL,
    STRICT_INT,
    EnumRef,
    ListOf,
    LiteralOf,
    MapOf,
    Named,
    Optional,
    UnionOf,
    item_of,
    names_in,
    optional,
    plain_scalars,
    required,
)
from generator.render.annotations import annotation


def test_every_node_renders_as_its_annotation() -> None:
    assert annotation(STR) == "str"
    assert annotation(Named("Step")) == "Step"
    assert annotation(EnumRef("Status")) == "Status | str"
    assert annotation(EnumRef("Status", aliased=True)) == "Annotated[Status | str, StatusAliases]"
    assert annotation(LiteralOf(("text",))) == "Literal['text']"
    assert annotation(ListOf(Named("Step"))) == "list[Step]"
    assert annotation(ListOf(Named("Step"), covariant=True)) == "Sequence[Step]"
    assert annotation(MapOf(ANY)) == "dict[str, Any]"
    assert annotation(UnionOf((STR, ListOf(STR)))) == "str | list[str]"
    assert annotation(Optional(INT64_STRING)) == "Int64String | None"
    nested = ListOf(MapOf(ListOf(STR)))
    assert annotation(nested, builtin_list=True) == "builtins.list[dict[str, builtins.list[str]]]"


def test_optional_wraps_once_and_required_unwraps() -> None:
    once = optional(STR)
    assert optional(once) == once == Optional(STR)
    assert required(once) == STR and required(STR) == STR


def test_questions_are_answered_by_walking_the_tree() -> None:
    type_ = Optional(UnionOf((ListOf(Named("A")), MapOf(EnumRef("B")), LiteralOf(("x",)))))
    assert names_in(type_) == {"A", "B"}
    assert item_of(Optional(ListOf(Named("A")))) == Named("A")
    assert item_of(Named("A")) is None


def test_plain_scalars_are_what_callers_pass() -> None:
    strict = Optional(UnionOf((STRICT_INT, ListOf(STRICT_BOOL), MapOf(NUMBER))))
    assert annotation(plain_scalars(strict)) == "int | list[bool] | dict[str, float] | None"
    assert plain_scalars(INT64_STRING) == INT64_STRING, "int64 travels as a string either way"
