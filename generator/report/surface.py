"""The API surface a client user sees, and plain-language differences between two surfaces.

A surface is what matters to a client: each schema's kind, fields, types, requiredness, enum
values, union members and the project's `x-` annotations, and each operation's route, body and
streaming. `ir_surface` reads it off the intermediate model — the overlay report compares the IR
built without overlays to the IR built with them, so it describes what the generated client
actually changes ("field `FunctionCallStep.signature` added"). `api_surface` reads the same off a
raw document, for `spec-diff` between published revisions, which need not build into an IR
(older snapshots map two operations to one method until a target's overlays rename them).
`describe_changes` compares two surfaces, however they were read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.ir.extensions import SCHEMA_ANNOTATIONS
from generator.ir.model import Api, EnumDef, FieldDef, ModelDef, TypeAliasDef, UnionDef
from generator.ir.types import (
    EnumRef,
    ListOf,
    Named,
    Optional,
    TypeExpr,
    UnionOf,
    names_in,
    required,
)
from generator.load.documents import JsonValue
from generator.render.annotations import annotation

__all__ = [
    "FieldSurface",
    "SchemaSurface",
    "Surface",
    "api_surface",
    "describe_changes",
    "ir_surface",
]

ANNOTATIONS = SCHEMA_ANNOTATIONS


@dataclass(frozen=True)
class FieldSurface:
    """One property as a client sees it."""

    type: str
    required: bool
    enum: tuple[str, ...]
    annotations: dict[str, Any] = field(default_factory=dict, compare=True)


@dataclass(frozen=True)
class SchemaSurface:
    """One named schema as a client sees it."""

    kind: str
    fields: dict[str, FieldSurface]
    enum: tuple[str, ...]
    members: tuple[str, ...]
    annotations: dict[str, Any]


@dataclass(frozen=True)
class Surface:
    """The whole client-facing surface of a spec."""

    schemas: dict[str, SchemaSurface]
    operations: dict[str, dict[str, Any]]
    request_schemas: frozenset[str]
    root: dict[str, Any]


def type_text(schema: Any) -> str:
    """A compact, readable type expression for a schema."""
    if not isinstance(schema, dict):
        return "any"
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for combinator in ("oneOf", "anyOf"):
        if isinstance(schema.get(combinator), list):
            return " | ".join(type_text(option) for option in schema[combinator])
    kind = schema.get("type")
    if kind == "array":
        return f"array[{type_text(schema.get('items'))}]"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"map[{type_text(schema['additionalProperties'])}]"
    if isinstance(kind, str):
        fmt = schema.get("format")
        return f"{kind}/{fmt}" if isinstance(fmt, str) else kind
    return "any"


def _annotations(node: dict[str, Any]) -> dict[str, Any]:
    return {key: node[key] for key in ANNOTATIONS if key in node}


def _enum(node: Any) -> tuple[str, ...]:
    if isinstance(node, dict) and isinstance(node.get("enum"), list):
        return tuple(str(value) for value in node["enum"])
    if isinstance(node, dict) and node.get("type") == "array":
        return _enum(node.get("items"))
    return ()


def _schema(node: dict[str, Any]) -> SchemaSurface:
    if isinstance(node.get("oneOf"), list) or isinstance(node.get("anyOf"), list):
        options: list[Any] = node.get("oneOf") or node.get("anyOf") or []
        kind, members = "union", tuple(sorted(type_text(option) for option in options))
    elif isinstance(node.get("enum"), list):
        kind, members = "enum", ()
    elif node.get("type") == "object" or "properties" in node:
        kind, members = "object", ()
    else:
        kind, members = type_text(node), ()
    required = set(node.get("required") or [])
    fields = {
        name: FieldSurface(
            type=type_text(prop),
            required=name in required,
            enum=_enum(prop),
            annotations=_annotations(prop) if isinstance(prop, dict) else {},
        )
        for name, prop in sorted((node.get("properties") or {}).items())
    }
    return SchemaSurface(kind, fields, _enum(node), members, _annotations(node))


def api_surface(spec: JsonValue) -> Surface:
    """Reduce a spec to its client-facing surface."""
    spec = spec if isinstance(spec, dict) else {}
    schemas = (spec.get("components") or {}).get("schemas") or {}
    operations: dict[str, dict[str, Any]] = {}
    request_schemas: set[str] = set()
    for path, item in sorted((spec.get("paths") or {}).items()):
        for method, operation in sorted((item or {}).items()):
            if not isinstance(operation, dict) or method not in (
                "get",
                "post",
                "put",
                "patch",
                "delete",
            ):
                continue
            key = str(operation.get("operationId") or f"{method.upper()} {path}")
            body = ((operation.get("requestBody") or {}).get("content") or {}).get(
                "application/json"
            )
            body_type = type_text((body or {}).get("schema")) if body else None
            if body_type:
                request_schemas.update(part.strip() for part in body_type.split("|"))
            operations[key] = {
                "route": f"{method.upper()} {path}",
                "body": body_type,
                "streaming": operation.get("x-streaming"),
            }
    root = {key: value for key, value in spec.items() if key.startswith("x-")}
    root["security"] = (spec.get("components") or {}).get("securitySchemes")
    return Surface(
        schemas={
            name: _schema(node) for name, node in sorted(schemas.items()) if isinstance(node, dict)
        },
        operations=operations,
        request_schemas=frozenset(request_schemas),
        root=root,
    )


def _ir_field(field: FieldDef, enums: dict[str, EnumDef]) -> FieldSurface:
    names = [name for name in sorted(names_in(field.type)) if name in enums]
    values = enums[names[0]].values if len(names) == 1 else ()
    if field.constant is not None:
        values = (field.constant,)
    return FieldSurface(
        type=_type_text(required(field.type)),
        required=field.required,
        enum=tuple(values),
        annotations={key: value for key, value in field.annotations if key in ANNOTATIONS},
    )


def _type_text(type_: TypeExpr) -> str:
    """A type as the report shows it: legacy-spelling aliases are reported on their own."""
    if isinstance(type_, EnumRef):
        return annotation(EnumRef(type_.name))
    if isinstance(type_, UnionOf):
        return " | ".join(_type_text(option) for option in type_.options)
    if isinstance(type_, Optional):
        return f"{_type_text(type_.inner)} | None"
    if isinstance(type_, ListOf):
        return f"list[{_type_text(type_.item)}]"
    return annotation(type_)


def _ir_schema(
    definition: ModelDef | EnumDef | UnionDef | TypeAliasDef, enums: dict[str, EnumDef]
) -> SchemaSurface:
    annotations = {key: value for key, value in definition.annotations if key in ANNOTATIONS}
    if isinstance(definition, ModelDef):
        fields = {
            field.wire_name: _ir_field(field, enums)
            for field in definition.fields
            if not field.excluded
        }
        return SchemaSurface("object", fields, (), (), annotations)
    if isinstance(definition, EnumDef):
        return SchemaSurface("enum", {}, definition.values, (), annotations)
    if isinstance(definition, UnionDef):
        members = tuple(
            sorted(
                annotation(member.type)
                for member in definition.members
                if member.type != _unknown(definition)
            )
        )
        return SchemaSurface("union", {}, (), members, annotations)
    return SchemaSurface(annotation(definition.type), {}, (), (), annotations)


def _unknown(union: UnionDef) -> Named | None:
    return Named(union.unknown) if union.unknown else None


def ir_surface(api: Api) -> Surface:
    """The client-facing surface of an intermediate model (the spec's named schemas)."""
    types = api.types
    enums = {enum.name: enum for enum in types.enums}
    definitions: dict[str, Any] = {
        definition.name: definition
        for table in (types.enums, types.models, types.unions, types.aliases)
        for definition in table
    }
    operations = {
        operation.operation_id or f"{operation.http_method} {operation.path}": {
            "route": f"{operation.http_method} {operation.path}",
            "body": " | ".join(operation.request_schemas) or None,
            **{key: value for key, value in operation.annotations},
        }
        for operation in api.operations
    }
    return Surface(
        schemas={name: _ir_schema(definitions[name], enums) for name in types.components},
        operations=operations,
        request_schemas=frozenset(
            {name for operation in api.operations for name in operation.request_schemas}
            | {name for operation in api.operations for name, _ in operation.body_schemas}
        ),
        root=dict(api.annotations),
    )


def _short(value: Any) -> str:
    """A value for one line of the report: whole (never cut), rules by name."""
    if (
        isinstance(value, list)
        and value
        and all(isinstance(item, dict) and "rule" in item for item in value)
    ):
        names = ", ".join(f"`{item['rule']}`" for item in value)
        return f"rules {names} (see Request rules)"
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return repr(value) if not isinstance(value, str) else value


def _annotation_changes(where: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    lines = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        if key not in old:
            lines.append(f"{where} gained `{key}`: {_short(new[key])}")
        elif key not in new:
            lines.append(f"{where} lost `{key}`")
        else:
            lines.append(f"{where} changed `{key}`: {_short(old[key])} → {_short(new[key])}")
    return lines


def _field_changes(schema: str, label: str, old: SchemaSurface, new: SchemaSurface) -> list[str]:
    lines = []
    for name in sorted(set(old.fields) | set(new.fields)):
        where = f"{label} `{schema}.{name}`"
        before, after = old.fields.get(name), new.fields.get(name)
        if before == after:
            continue
        if before is None:
            assert after is not None
            lines.append(f"{where} added ({after.type}{', required' if after.required else ''})")
            continue
        if after is None:
            lines.append(f"{where} removed")
            continue
        if before.type != after.type:
            lines.append(f"{where} changed type: {before.type} → {after.type}")
        if before.required != after.required:
            lines.append(f"{where} became {'required' if after.required else 'optional'}")
        lines.extend(_enum_changes(where, before.enum, after.enum))
        lines.extend(_annotation_changes(where, before.annotations, after.annotations))
    return lines


def _enum_changes(where: str, old: tuple[str, ...], new: tuple[str, ...]) -> list[str]:
    lines = []
    added = [value for value in new if value not in old]
    removed = [value for value in old if value not in new]
    if added:
        lines.append(f"{where} gained enum values {', '.join(f'`{v}`' for v in added)}")
    if removed:
        lines.append(f"{where} lost enum values {', '.join(f'`{v}`' for v in removed)}")
    return lines


def describe_changes(before: Surface, after: Surface) -> list[str]:
    """Plain-language differences from `before` to `after`, in a stable order."""
    lines = _annotation_changes("the API", before.root, after.root)
    for name in sorted(set(before.schemas) | set(after.schemas)):
        old, new = before.schemas.get(name), after.schemas.get(name)
        if old == new:
            continue
        if old is None:
            lines.append(f"schema `{name}` added ({new.kind if new else '?'})")
            continue
        if new is None:
            lines.append(f"schema `{name}` removed")
            continue
        label = "request field" if name in after.request_schemas else "field"
        if old.kind != new.kind:
            lines.append(f"schema `{name}` changed from {old.kind} to {new.kind}")
        for member in new.members:
            if member not in old.members:
                lines.append(f"union `{name}` gained member `{member}`")
        for member in old.members:
            if member not in new.members:
                lines.append(f"union `{name}` lost member `{member}`")
        lines.extend(_enum_changes(f"enum `{name}`", old.enum, new.enum))
        lines.extend(_annotation_changes(f"schema `{name}`", old.annotations, new.annotations))
        lines.extend(_field_changes(name, label, old, new))
    for key in sorted(set(before.operations) | set(after.operations)):
        old_op, new_op = before.operations.get(key), after.operations.get(key)
        if old_op == new_op:
            continue
        if old_op is None or new_op is None:
            lines.append(f"operation `{key}` {'added' if old_op is None else 'removed'}")
            continue
        for aspect in sorted(set(old_op) | set(new_op)):
            if old_op.get(aspect) != new_op.get(aspect):
                lines.append(
                    f"operation `{key}` {aspect}: {_short(old_op.get(aspect))} → "
                    f"{_short(new_op.get(aspect))}"
                )
    return lines
