"""`JsonUnion` builds the same tagged union pydantic's own `Discriminator` builds, the direct way.

pydantic keeps each member behind a reference and `JsonUnion` inlines those used once; with the
references resolved, the two schemas must be equal for every union of the API (with every member
built with the union; a deferred member is the function that builds it on first use).
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Union, get_args

import pytest
from gemini_interactions import types
from gemini_interactions._core._base import JsonUnion, deferred_member_schema
from pydantic import Discriminator, Tag, TypeAdapter

from tests.generated.test_wire_mutations import UNIONS


def _deferred_model(node: dict[str, Any]) -> str | None:
    """The model a deferred member's schema builds on first use (`deferred_member_schema`)."""
    function = node["function"]  # a serializer's holds the function itself
    function = function["function"] if isinstance(function, dict) else function
    if not function.__qualname__.startswith(deferred_member_schema.__name__):
        return None
    (cell,) = function.__closure__
    return str(cell.cell_contents.__name__)


def _resolved(schema: Any) -> Any:
    """The schema with every definition reference replaced by the definition (a recursive one
    by its name), without the metadata and the reference names pydantic adds."""
    definitions: dict[str, Any] = {}

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "definitions":
                definitions.update({item["ref"]: item for item in node["definitions"]})
            if "ref" in node:
                definitions.setdefault(node["ref"], node)
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    def walk(node: Any, path: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            if node.get("type") == "definitions":
                return walk(node["schema"], path)
            if node.get("type") == "definition-ref":
                ref = node["schema_ref"]
                name = ref.rsplit(":", 1)[0]
                return ("recursive", name) if ref in path else walk(definitions[ref], (*path, ref))
            if node.get("type") == "function-plain" and _deferred_model(node) is not None:
                return ("deferred", _deferred_model(node))  # each build makes its own function
            inside = (*path, node["ref"]) if "ref" in node else path
            return {
                key: walk(value, inside)
                for key, value in node.items()
                if key not in ("metadata", "ref")
            }
        if isinstance(node, list):
            return [walk(value, path) for value in node]
        return node

    collect(schema)
    return walk(schema, ())


def _all_eager(ours: JsonUnion) -> JsonUnion:
    """`ours` with every member built with the union, as pydantic builds them."""
    eager = object.__new__(JsonUnion)
    for field in dataclasses.fields(Discriminator):
        object.__setattr__(eager, field.name, getattr(ours, field.name))
    object.__setattr__(eager, "members", ours.members)
    object.__setattr__(eager, "deferred", frozenset())
    return eager


@pytest.mark.parametrize(("name", "union"), UNIONS, ids=[name for name, _ in UNIONS])
def test_the_union_is_the_one_pydantic_builds(name: str, union: Any) -> None:
    ours = next(item for item in get_args(union)[1:] if isinstance(item, JsonUnion))
    # the same members, each behind its Tag, with pydantic's own discriminator
    tagged = tuple(Annotated[member, Tag(tag)] for tag, member in ours.members)
    theirs = Annotated[Union[tagged], Discriminator(ours.discriminator)]  # type: ignore[valid-type]  # noqa: UP007
    eager = _all_eager(ours)
    written: Any = get_args(union)[0]
    built = _resolved(TypeAdapter[Any](Annotated[written, eager]).core_schema)
    assert built["type"] == "tagged-union", name
    assert built == _resolved(TypeAdapter(theirs).core_schema), name
    # as generated, a deferred member's choice is the function that builds it on first use,
    # every other choice is the same
    deferred = _resolved(TypeAdapter(union).core_schema)
    for tag, choice in deferred["choices"].items():
        if tag in ours.deferred:
            assert choice == ("deferred", built["choices"][tag]["cls"].__name__), (name, tag)
        else:
            assert choice == built["choices"][tag], (name, tag)


def test_type_checkers_read_the_members_the_parser_picks_from() -> None:
    for name, union in UNIONS:
        ours = next(item for item in get_args(union)[1:] if isinstance(item, JsonUnion))
        members = tuple(member for _, member in ours.members)
        assert get_args(union)[0] == Union[members], name  # noqa: UP007


def test_members_equal_at_run_time_keep_their_own_tags() -> None:
    # `Union[OpenEnum[A], OpenEnum[B]]` is `str` at run time: the tags come from JsonUnion
    def which(value: Any) -> str:
        return "short" if len(value) < 3 else "long"

    union = Annotated[
        Union[str, str],  # noqa: UP007
        JsonUnion(
            [
                (str, "short", frozenset(("string",)), frozenset()),
                (str, "long", frozenset(("string",)), frozenset()),
            ],
            None,
            None,
        ),
    ]
    schema = TypeAdapter(union).core_schema
    assert set(_resolved(schema)["choices"]) == {"short", "long"}
    assert TypeAdapter(union).validate_python("abcd") == "abcd"
    ours = get_args(union)[1]
    assert ours.member("long") is str and ours.member("nope") is None


def test_the_unions_are_found() -> None:
    assert len(UNIONS) > 25 and "Step" in dict(UNIONS) and hasattr(types, "Step")
