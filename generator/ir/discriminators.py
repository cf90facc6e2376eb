"""The discriminators of the patched spec, written from the IR's union decisions.

Validators, mock servers (Prism) and `make apply` read the patched spec, and OpenAPI 3.0 tells
a `oneOf` apart only by a `discriminator`. The IR decides every union's tag (`unions.py`);
this step runs after it and writes a `discriminator` with an explicit mapping where the spec
has none and OpenAPI can say what the IR decided: every branch a `$ref` to a model that pins
the union's tag property to its own constant. The tag is then made required in each branch
(it is a constant, so the wire always carries it). Unions OpenAPI cannot express that way —
a string or list arm, a repeated tag — stay as they are; the client resolves them by JSON kind
first (`_base.json_union`). The report lists each union with what was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.ir.model import TypeModel, UnionDef
from generator.load.documents import JsonValue, copy_json, unescape_token

__all__ = ["WrittenDiscriminators", "write_discriminators"]

_SCHEMAS = "#/components/schemas/"


@dataclass(frozen=True)
class WrittenDiscriminators:
    """What the step wrote: the unions given a discriminator, the branches given a required tag."""

    unions: tuple[str, ...]
    """The JSON Pointers of the unions that got a `discriminator` (sorted)."""
    required_tags_added: tuple[str, ...]
    """The `required` lists the tag was added to (sorted)."""


def _node(document: Any, pointer: str) -> Any:
    node = document
    for token in pointer.lstrip("#").split("/")[1:]:
        if not isinstance(node, dict):
            return None
        node = node.get(unescape_token(token))
    return node


def _mapping(union: UnionDef, node: Any, tags: dict[str, str]) -> dict[str, str] | None:
    """The tag → `$ref` mapping OpenAPI can express for `union`, or None."""
    if union.tag_declared or not union.tag_property or not isinstance(node, dict):
        return None
    branches = node.get("oneOf")
    if not isinstance(branches, list) or "discriminator" in node:
        return None
    mapping: dict[str, str] = {}
    for branch in branches:
        ref = branch.get("$ref") if isinstance(branch, dict) else None
        tag = tags.get(ref) if isinstance(ref, str) else None
        if tag is None or tag in mapping:
            return None
        assert isinstance(ref, str)
        mapping[tag] = ref
    return dict(sorted(mapping.items()))


def _constant_tags(types: TypeModel, tag_property: str) -> dict[str, str]:
    """`$ref` of each named model → its constant value of `tag_property`."""
    tags = {}
    for model in types.models:
        if not model.source.startswith(_SCHEMAS.lstrip("#")) or model.source.count("/") != 3:
            continue
        for field in model.fields:
            if field.wire_name == tag_property and isinstance(field.constant, str):
                tags["#" + model.source] = field.constant
    return tags


def write_discriminators(
    document: JsonValue, types: TypeModel
) -> tuple[JsonValue, WrittenDiscriminators]:
    """A copy of `document` with the discriminators the IR's unions imply, and what was written."""
    patched = copy_json(document)
    written: list[str] = []
    required_added: set[str] = set()
    by_property: dict[str, dict[str, str]] = {}
    for union in sorted(types.unions, key=lambda union: union.source):
        node = _node(patched, union.source)
        tag = union.tag_property or ""
        tags = by_property.setdefault(tag, _constant_tags(types, tag)) if tag else {}
        mapping = _mapping(union, node, tags)
        if mapping is None:
            continue
        assert isinstance(node, dict)
        node["discriminator"] = {"propertyName": tag, "mapping": mapping}
        written.append(union.source)
        for ref in mapping.values():
            required = _node(patched, ref).setdefault("required", [])
            if tag not in required:
                required.append(tag)
                required_added.add(ref.removeprefix("#") + "/required")
    return patched, WrittenDiscriminators(tuple(written), tuple(sorted(required_added)))
