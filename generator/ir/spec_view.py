"""The one reader of the raw (normalized) OpenAPI document.

Every builder of the intermediate model asks this view for schemas, operations and parameters;
`$ref` resolution is written here once (JSON Pointer escaping lives in `load.documents`). A spec
the view cannot interpret is reported naming the JSON Pointer of the node.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.errors import BadInputError
from generator.load.documents import JsonValue, json_pointer, unescape_token

__all__ = [
    "HTTP_METHODS",
    "OperationNode",
    "SpecView",
    "description_of",
]

HTTP_METHODS = ("delete", "get", "patch", "post", "put")
_SCHEMA_PREFIX = "#/components/schemas/"


def description_of(node: Any) -> str:
    """A node's description, stripped ("" when it has none)."""
    if isinstance(node, dict) and isinstance(node.get("description"), str):
        return str(node["description"]).strip()
    return ""


@dataclass(frozen=True)
class OperationNode:
    """One operation object with its path item, as found in `paths`."""

    path: str
    method: str
    node: dict[str, Any]
    path_item: dict[str, Any]

    @property
    def where(self) -> str:
        """The operation's JSON Pointer, for error messages."""
        return json_pointer("paths", self.path, self.method)


class SpecView:
    """Read-only questions about one OpenAPI document."""

    def __init__(self, document: JsonValue) -> None:
        if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
            raise BadInputError("spec: not an OpenAPI document (no `paths` object).")
        self.document: dict[str, Any] = document
        raw = (document.get("components") or {}).get("schemas") or {}
        self.schemas: dict[str, Any] = raw if isinstance(raw, dict) else {}

    # -- references ---------------------------------------------------------------------------
    def resolve(self, node: Any, where: str) -> Any:
        """`node` with every `$ref` followed (local references only)."""
        seen: set[str] = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/") or ref in seen:
                raise BadInputError(f"spec {where}: unsupported or circular $ref {ref!r}.")
            seen.add(ref)
            current: Any = self.document
            for token in ref[2:].split("/"):
                token = unescape_token(token)
                if not isinstance(current, dict) or token not in current:
                    raise BadInputError(f"spec {where}: $ref {ref!r} points at nothing.")
                current = current[token]
            node = current
        return node

    def schema_ref(self, node: Any, where: str) -> str | None:
        """The component schema name `node` refers to, or None if it is no `$ref`."""
        if not isinstance(node, dict) or "$ref" not in node:
            return None
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith(_SCHEMA_PREFIX):
            raise BadInputError(f"spec {where}: unsupported $ref {ref!r}.")
        name = unescape_token(ref[len(_SCHEMA_PREFIX) :])
        if name not in self.schemas:
            raise BadInputError(f"spec {where}: $ref {ref!r} points at nothing.")
        return name

    def schema(self, name: str) -> dict[str, Any]:
        """The component schema `name` ({} when absent or not an object)."""
        found = self.schemas.get(name)
        return found if isinstance(found, dict) else {}

    def schema_pointer(self, name: str) -> str:
        """The JSON Pointer of component schema `name`."""
        return json_pointer("components", "schemas", name)

    def union_members(self, node: Any, where: str) -> tuple[str, ...]:
        """The component names of a `$ref` or of a `oneOf`/`anyOf` of `$ref`s, sorted."""
        direct = self.schema_ref(node, where)
        if direct:
            return (direct,)
        if isinstance(node, dict):
            for combinator in ("oneOf", "anyOf"):
                options = node.get(combinator)
                if isinstance(options, list):
                    names = (self.schema_ref(option, where) for option in options)
                    return tuple(sorted(name for name in names if name))
        return ()

    # -- operations ---------------------------------------------------------------------------
    def operations(self) -> Iterator[OperationNode]:
        """Every operation of `paths`, in document order."""
        for path, item in self.document["paths"].items():
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                if isinstance(item.get(method), dict):
                    yield OperationNode(str(path), method, item[method], item)

    def parameters(self, operation: OperationNode) -> Iterator[tuple[dict[str, Any], str]]:
        """The operation's parameters (path item first), resolved, with their pointers."""
        raw = [*operation.path_item.get("parameters", []), *operation.node.get("parameters", [])]
        for index, parameter in enumerate(raw):
            where = f"{operation.where}/parameters/{index}"
            resolved = self.resolve(parameter, where)
            if not isinstance(resolved, dict) or "name" not in resolved or "in" not in resolved:
                raise BadInputError(f"spec {where}: a parameter needs name and in.")
            yield resolved, where

    def request_schema(self, operation: OperationNode) -> Any:
        """The JSON request body schema of an operation, or None."""
        body = self.resolve(operation.node.get("requestBody"), f"{operation.where}/requestBody")
        if not isinstance(body, dict):
            return None
        return ((body.get("content") or {}).get("application/json") or {}).get("schema")

    def success_content(self, operation: OperationNode) -> dict[str, Any]:
        """The content map of the operation's success response (200, 201 or default)."""
        responses = operation.node.get("responses") or {}
        for code in ("200", "201", "default"):
            if code in responses:
                response = self.resolve(responses[code], f"{operation.where}/responses/{code}")
                content = response.get("content") if isinstance(response, dict) else None
                return content if isinstance(content, dict) else {}
        return {}

    # -- document level -----------------------------------------------------------------------
    @property
    def info(self) -> dict[str, Any]:
        """The `info` object ({} when absent)."""
        info = self.document.get("info")
        return info if isinstance(info, dict) else {}

    @property
    def base_url(self) -> str:
        """The first server's URL ("" when none)."""
        servers = self.document.get("servers") or [{}]
        first = servers[0] if isinstance(servers, list) and servers else {}
        return str(first.get("url", "")) if isinstance(first, dict) else ""

    @property
    def extension(self) -> dict[str, Any]:
        """The document-level `x-` annotations."""
        return {key: value for key, value in self.document.items() if key.startswith("x-")}
