"""The intermediate model of the API: what the templates render, computed entirely in Python.

Everything here is a frozen dataclass built by `build.py` and sorted deterministically, so the
rendered output depends on the spec's content, never on its key order. Names are already Python
names; types are already Python type expressions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "Api",
    "BodyField",
    "EnumDef",
    "FieldDef",
    "FlattenDef",
    "ModelDef",
    "Operation",
    "PageInfo",
    "Parameter",
    "StreamInfo",
    "TypeAliasDef",
    "UnionDef",
    "UnionMember",
]


@dataclass(frozen=True)
class Parameter:
    """A path, query or header parameter of one operation."""

    wire_name: str
    python_name: str
    location: str
    required: bool
    type_hint: str
    description: str
    allow_reserved: bool = False


@dataclass(frozen=True)
class BodyField:
    """A request-body field offered as a keyword argument of the operation's method."""

    python_name: str
    type_hint: str
    required: bool
    description: str


@dataclass(frozen=True)
class PageInfo:
    """How a list operation pages: the items field, its item type, the token parameter."""

    items_field: str
    item_type: str
    token_parameter: str


@dataclass(frozen=True)
class StreamInfo:
    """How an operation streams (from `x-streaming`) and how its streams resume."""

    event_schema: str
    query: tuple[tuple[str, str], ...]
    body: tuple[tuple[str, Any], ...]
    resume_template: str
    resume_path_parameter: str
    resume_query: tuple[tuple[str, str], ...]
    resume_parameter: str


@dataclass(frozen=True)
class Operation:
    """One HTTP operation, placed in a resource group and given a method name."""

    operation_id: str
    resource: tuple[str, ...]
    method_name: str
    http_method: str
    path: str
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    request_schema: str | None
    response_schema: str | None
    streams: bool
    body_fields: tuple[BodyField, ...] = ()
    body_schemas: tuple[tuple[str, tuple[str, ...]], ...] = ()
    page: PageInfo | None = None
    upload: bool = False
    stream: StreamInfo | None = None

    @property
    def resource_path(self) -> str:
        """The dotted attribute path from the client, e.g. `environments.files`."""
        return ".".join(self.resource)


@dataclass(frozen=True)
class EnumDef:
    """A closed list of known wire values, used as `Literal[...] | str` (open on both sides)."""

    name: str
    values: tuple[str, ...]
    aliases: tuple[tuple[str, str], ...]
    description: str
    source: str


@dataclass(frozen=True)
class FieldDef:
    """One field of a model: Python name, wire name, Python type and how it defaults."""

    python_name: str
    wire_name: str
    type_hint: str
    required: bool
    default: str | None
    description: str
    wire_constant: bool = False
    base64: bool = False
    excluded: bool = False


@dataclass(frozen=True)
class FlattenDef:
    """A nested wire object (`arguments`) whose fields the model also exposes flat."""

    field: str
    wire_field: str
    model: str
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ModelDef:
    """A pydantic model for an object schema."""

    name: str
    description: str
    fields: tuple[FieldDef, ...]
    flatten: tuple[FlattenDef, ...]
    byte_offsets: tuple[str, str] | None
    source: str
    unknown_variant: bool = False


@dataclass(frozen=True)
class UnionMember:
    """One member of a union: its pydantic tag, type, JSON kinds and known constant tags."""

    tag: str
    type_hint: str
    kinds: tuple[str, ...]
    tag_values: tuple[str, ...]


@dataclass(frozen=True)
class UnionDef:
    """A union resolved by JSON kind and, among objects, by a constant tag property."""

    name: str
    description: str
    members: tuple[UnionMember, ...]
    tag_property: str | None
    unknown: str | None
    source: str


@dataclass(frozen=True)
class TypeAliasDef:
    """A named schema that is neither object, enum nor union (a list, a string, a map...)."""

    name: str
    type_hint: str
    description: str
    source: str


@dataclass(frozen=True)
class Api:
    """The whole API as the client generator sees it."""

    title: str
    spec_version: str
    openapi_version: str
    base_url: str
    api_revision: str | None
    operations: tuple[Operation, ...]
    schema_names: tuple[str, ...]
    enums: tuple[EnumDef, ...] = ()
    models: tuple[ModelDef, ...] = ()
    unions: tuple[UnionDef, ...] = ()
    aliases: tuple[TypeAliasDef, ...] = ()
    revision_exempt_prefixes: tuple[str, ...] = ()
