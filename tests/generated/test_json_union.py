"""`JsonUnion` builds the same tagged union pydantic's own `Discriminator` builds, the direct way.

pydantic keeps each member behind a reference and `JsonUnion` inlines those used once; with the
references resolved, the two schemas must be equal for every union of the API.
"""

from __future__ import annotations

from typing import Annotated, Any, get_args

import pytest
from gemini_interactions import types
from gemini_interactions._core._base import JsonUnion
from pydantic import Discriminator, TypeAdapter

from tests.generated.test_wire_mutations import UNIONS


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


@pytest.mark.parametrize(("name", "union"), UNIONS, ids=[name for name, _ in UNIONS])
def test_the_union_is_the_one_pydantic_builds(name: str, union: Any) -> None:
    members, *metadata = get_args(union)
    ours = next(item for item in metadata if isinstance(item, JsonUnion))
    # the same members, with pydantic's own discriminator (an annotation built at run time)
    theirs = Annotated[members, Discriminator(ours.discriminator)]  # type: ignore[valid-type]
    built = _resolved(TypeAdapter(union).core_schema)
    assert built["type"] == "tagged-union", name
    assert built == _resolved(TypeAdapter(theirs).core_schema), name


def test_a_member_without_a_tag_is_left_to_pydantic() -> None:
    def pick(value: Any) -> str:
        return "number" if isinstance(value, int) else "text"

    union = Annotated[int | str, JsonUnion(pick)]
    with pytest.raises(Exception, match="Tag"):
        TypeAdapter(union)  # pydantic's own error: a callable discriminator needs tags


def test_the_unions_are_found() -> None:
    assert len(UNIONS) > 25 and "Step" in dict(UNIONS) and hasattr(types, "Step")
