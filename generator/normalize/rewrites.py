"""Normalization: the documented, generic rewrites that make the patched spec valid OpenAPI 3.0.

Overlays carry the reviewed, fact-cited corrections; some repairs are mechanical and apply to
hundreds of nodes, so they live here instead, run after the overlays, and are listed in the
overlay report like any action:

- `const` (a JSON Schema / OAS 3.1 keyword, used ~90 times in a 3.0.3 document) becomes a
  one-value `enum`, with the `type` the value implies when the schema has none.
- `examples` inside a Schema Object (not allowed in 3.0) becomes `example` (the first entry).
- An int64 carried as a string (`type: string, format: int64`) without an example gets
  `example: "0"`, so mock servers and documentation show a numeral, not the word "string".

How a union is told apart is not decided here: the IR decides each union's tag
(`ir/unions.py`), and the discriminators the patched spec carries are written from those
decisions (`ir/discriminators.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.load.documents import JsonValue, copy_json, escape_token

__all__ = ["NormalizationReport", "normalize_spec"]

_JSON_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number"}
# Keywords whose values are schemas or lists/maps of schemas (where `const` may hide).
_SCHEMA_LISTS = ("oneOf", "anyOf", "allOf")
_SCHEMA_MAPS = ("properties",)
_SCHEMA_SINGLE = ("items", "additionalProperties", "not")


@dataclass(frozen=True)
class NormalizationReport:
    """Everything normalization changed, for the overlay report."""

    consts_rewritten: tuple[str, ...]
    examples_rewritten: tuple[str, ...]
    int64_examples_added: tuple[str, ...]


class _Normalizer:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.consts: list[str] = []
        self.examples: list[str] = []
        self.int64_examples: list[str] = []

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


def normalize_spec(spec: JsonValue) -> tuple[JsonValue, NormalizationReport]:
    """Return a normalized deep copy of `spec` and what was changed."""
    document = copy_json(spec)
    if not isinstance(document, dict):
        return document, NormalizationReport((), (), ())
    normalizer = _Normalizer(document)
    normalizer.walk_document()
    return document, NormalizationReport(
        consts_rewritten=tuple(sorted(normalizer.consts)),
        examples_rewritten=tuple(sorted(normalizer.examples)),
        int64_examples_added=tuple(sorted(normalizer.int64_examples)),
    )
