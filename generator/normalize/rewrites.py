"""Normalization: the documented, generic rewrites that make the patched spec valid OpenAPI 3.0.

Overlays carry the reviewed, fact-cited corrections; some repairs are mechanical and apply to
hundreds of nodes, so they live here instead, run after the overlays, and are listed in the
overlay report like any action:

- `const` (a JSON Schema / OAS 3.1 keyword, used ~90 times in a 3.0.3 document) becomes a
  one-value `enum`, with the `type` the value implies when the schema has none.
- `examples` inside a Schema Object (not allowed in 3.0) becomes `example` (the first entry).
- An int64 carried as a string (`type: string, format: int64`) without an example gets
  `example: "0"`, so mock servers and documentation show a numeral, not the word "string".
- Discriminators are inferred: a `oneOf` whose branches are all `$ref`s to object schemas that
  pin the same property (`type` or `event_type`) to distinct single values gets a
  `discriminator` with an explicit mapping, and that property is made required in each branch
  (it is a constant, so the wire always carries it). Unions that do not qualify are left alone
  and listed, with the reason, for the generator to resolve by JSON type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.load.documents import JsonValue, copy_json, escape_token

__all__ = ["NormalizationReport", "UnionDecision", "normalize_spec"]

TAG_PROPERTIES = ("type", "event_type")
_JSON_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number"}
# Keywords whose values are schemas or lists/maps of schemas (where `const` may hide).
_SCHEMA_LISTS = ("oneOf", "anyOf", "allOf")
_SCHEMA_MAPS = ("properties",)
_SCHEMA_SINGLE = ("items", "additionalProperties", "not")


@dataclass(frozen=True)
class UnionDecision:
    """How one `oneOf` is resolved: tagged by a property, or left to JSON-type resolution."""

    pointer: str
    tagged_by: str | None
    mapping: tuple[tuple[str, str], ...]
    reason: str


@dataclass(frozen=True)
class NormalizationReport:
    """Everything normalization changed, for the overlay report."""

    consts_rewritten: tuple[str, ...]
    examples_rewritten: tuple[str, ...]
    int64_examples_added: tuple[str, ...]
    required_tags_added: tuple[str, ...]
    unions: tuple[UnionDecision, ...]


class _Normalizer:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.consts: list[str] = []
        self.examples: list[str] = []
        self.int64_examples: list[str] = []
        self.required_added: list[str] = []
        self.unions: list[UnionDecision] = []
        self.oneofs: list[tuple[str, dict[str, Any]]] = []

    def schema(self, node: Any, pointer: str) -> None:
        if not isinstance(node, dict):
            return
        if "const" in node:
            value = node.pop("const")
            node["enum"] = [value]
            if "type" not in node and type(value) in _JSON_TYPES:
                node["type"] = _JSON_TYPES[type(value)]
            self.consts.append(pointer)
        if node.get("type") == "string" and node.get("format") == "int64" and "example" not in node:
            node["example"] = "0"  # an int64 travels as a numeral in a string, never "string"
            self.int64_examples.append(pointer)
        if isinstance(node.get("examples"), list):
            examples = node.pop("examples")
            if examples and "example" not in node:
                node["example"] = examples[0]
            self.examples.append(pointer)
        if isinstance(node.get("oneOf"), list):
            self.oneofs.append((pointer, node))
        for keyword in _SCHEMA_LISTS:
            for index, child in enumerate(node.get(keyword) or []):
                self.schema(child, f"{pointer}/{keyword}/{index}")
        for keyword in _SCHEMA_MAPS:
            children = node.get(keyword)
            if isinstance(children, dict):
                for name, child in sorted(children.items()):
                    self.schema(child, f"{pointer}/{keyword}/{escape_token(name)}")
        for keyword in _SCHEMA_SINGLE:
            self.schema(node.get(keyword), f"{pointer}/{keyword}")

    def walk_document(self) -> None:
        components = self.spec.get("components") or {}
        for name, schema in sorted((components.get("schemas") or {}).items()):
            self.schema(schema, f"/components/schemas/{escape_token(name)}")
        for name, parameter in sorted((components.get("parameters") or {}).items()):
            if isinstance(parameter, dict):
                self.schema(
                    parameter.get("schema"), f"/components/parameters/{escape_token(name)}/schema"
                )
        for path, item in sorted((self.spec.get("paths") or {}).items()):
            if not isinstance(item, dict):
                continue
            for method, operation in sorted(item.items()):
                if isinstance(operation, dict):
                    self._operation(operation, f"/paths/{escape_token(path)}/{method}")

    def _operation(self, operation: dict[str, Any], pointer: str) -> None:
        for index, parameter in enumerate(operation.get("parameters") or []):
            if isinstance(parameter, dict):
                self.schema(parameter.get("schema"), f"{pointer}/parameters/{index}/schema")
        bodies = [("requestBody", operation.get("requestBody"))]
        for code, response in sorted((operation.get("responses") or {}).items()):
            bodies.append((f"responses/{escape_token(str(code))}", response))
        for where, body in bodies:
            if not isinstance(body, dict):
                continue
            for media, content in sorted((body.get("content") or {}).items()):
                if isinstance(content, dict):
                    self.schema(
                        content.get("schema"),
                        f"{pointer}/{where}/content/{escape_token(media)}/schema",
                    )

    def _target(self, ref: str) -> tuple[str, dict[str, Any]] | None:
        if not ref.startswith("#/components/schemas/"):
            return None
        name = ref.rsplit("/", 1)[-1]
        schema = ((self.spec.get("components") or {}).get("schemas") or {}).get(name)
        return (name, schema) if isinstance(schema, dict) else None

    def infer_discriminators(self) -> None:
        for pointer, node in self.oneofs:
            self.unions.append(self._decide(pointer, node))

    def _decide(self, pointer: str, node: dict[str, Any]) -> UnionDecision:
        branches = node["oneOf"]
        if "discriminator" in node:
            mapping = node["discriminator"].get("mapping") or {}
            return UnionDecision(
                pointer,
                node["discriminator"].get("propertyName"),
                tuple(sorted(mapping.items())),
                "declared in the spec",
            )
        targets: list[tuple[str, str, dict[str, Any]]] = []
        for branch in branches:
            ref = branch.get("$ref") if isinstance(branch, dict) else None
            target = self._target(ref) if isinstance(ref, str) else None
            if target is None or not isinstance(ref, str):
                return UnionDecision(
                    pointer, None, (), "a branch is not a $ref to a schema: resolved by JSON type"
                )
            targets.append((ref, *target))
        for tag in TAG_PROPERTIES:
            values: dict[str, str] = {}
            for ref, _name, schema in targets:
                enum = ((schema.get("properties") or {}).get(tag) or {}).get("enum")
                if not (isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], str)):
                    break
                if enum[0] in values:
                    break
                values[enum[0]] = ref
            else:
                for _ref, name, schema in targets:
                    required = schema.setdefault("required", [])
                    if tag not in required:
                        required.append(tag)
                        self.required_added.append(
                            f"/components/schemas/{escape_token(name)}/required"
                        )
                node["discriminator"] = {
                    "propertyName": tag,
                    "mapping": dict(sorted(values.items())),
                }
                return UnionDecision(
                    pointer, tag, tuple(sorted(values.items())), "inferred from constants"
                )
        return UnionDecision(
            pointer, None, (), "branches share no constant `type`/`event_type`: resolved by shape"
        )


def normalize_spec(spec: JsonValue) -> tuple[JsonValue, NormalizationReport]:
    """Return a normalized deep copy of `spec` and what was changed."""
    document = copy_json(spec)
    if not isinstance(document, dict):
        return document, NormalizationReport((), (), (), (), ())
    normalizer = _Normalizer(document)
    normalizer.walk_document()
    normalizer.infer_discriminators()
    return document, NormalizationReport(
        consts_rewritten=tuple(sorted(normalizer.consts)),
        examples_rewritten=tuple(sorted(normalizer.examples)),
        int64_examples_added=tuple(sorted(normalizer.int64_examples)),
        required_tags_added=tuple(sorted(set(normalizer.required_added))),
        unions=tuple(sorted(normalizer.unions, key=lambda union: union.pointer)),
    )
