"""Template data for the fake API's wire table (`testing/_schema.py`), computed from the IR.

The fake (`gemini_interactions.testing`) enforces the wire without pydantic, so it gets the
request side of the API as plain tables: every operation's route, and for every object a request
can carry, its wire fields (with the JSON kind each must have and the definition it nests),
the fields it requires, and the tagged unions it may hold, with their variants.
"""

from __future__ import annotations

import re
from typing import Any

from generator.ir.model import Api, ModelDef, Operation, UnionDef
from generator.ir.types import (
    EnumRef,
    ListOf,
    LiteralOf,
    MapOf,
    Named,
    Optional,
    Scalar,
    TypeExpr,
    UnionOf,
    required,
)
from generator.render.literals import py_literal
from generator.render.views import FakeObjectView, FakeRouteView, FakeSchemaView, FakeUnionView

__all__ = ["fake_context"]

_SCALAR_KINDS = {
    "str": "string",
    "Int64String": "int64",
    "StrictInt": "integer",
    "StrictBool": "boolean",
    "Number": "number",
}


def _kind(type_: TypeExpr, models: dict[str, ModelDef], unions: dict[str, UnionDef]) -> Any:
    """(JSON kind, nested definition or None) of a field type; "any" when it cannot be told."""
    inner = required(type_)
    if isinstance(inner, Scalar):
        return (_SCALAR_KINDS.get(inner.name, "any"), None)
    if isinstance(inner, EnumRef | LiteralOf):
        return ("string", None)
    if isinstance(inner, Named) and inner.name in models:
        return ("object", inner.name)
    if isinstance(inner, Named) and inner.name in unions:
        return ("union", inner.name)
    if isinstance(inner, ListOf):
        item_kind, child = _kind(inner.item, models, unions)
        return ("array", child if item_kind in ("object", "union") else None)
    if isinstance(inner, MapOf):
        return ("object", None)
    if isinstance(inner, UnionOf | Optional):
        return ("any", None)
    return ("any", None)


def _reachable(operations: tuple[Operation, ...], api: Api) -> list[str]:
    models = {model.name: model for model in api.types.models}
    unions = {union.name: union for union in api.types.unions}
    todo = [name for operation in operations for name, _ in operation.body_schemas]
    seen: list[str] = []
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.append(name)
        if name in models:
            for field in models[name].fields:
                _, child = _kind(field.type, models, unions)
                if child:
                    todo.append(child)
        elif name in unions:
            todo += [
                member.type.name
                for member in unions[name].members
                if isinstance(member.type, Named) and member.tag_values
            ]
    return sorted(seen)


def _route(path: str) -> str:
    """The path template as a regular expression (`{name}` → one segment, `{path}` → the rest)."""
    pattern = re.escape(path)
    pattern = re.sub(r"\\\{path\\\}", r"(?P<path>.+)", pattern)
    pattern = re.sub(r"\\\{([A-Za-z_]+)\\\}", r"(?P<\1>[^/]*)", pattern)
    return "^" + pattern + "$"


def fake_context(api: Api) -> FakeSchemaView:
    """The routes and request tables the fake's wire module is rendered from."""
    models = {model.name: model for model in api.types.models}
    unions = {union.name: union for union in api.types.unions}
    names = _reachable(api.operations, api)
    objects: list[FakeObjectView] = []
    for name in names:
        model = models.get(name)
        if model is None or model.unknown_variant:
            continue
        fields = tuple(
            (py_literal(field.wire_name), py_literal(_kind(field.type, models, unions)))
            for field in model.fields
            if not field.excluded
        )
        required_fields = tuple(
            field.wire_name for field in model.fields if field.required and not field.excluded
        )
        objects.append(
            FakeObjectView(
                name=py_literal(name), fields=fields, required=py_literal(required_fields)
            )
        )
    tagged: list[FakeUnionView] = []
    for name in names:
        union = unions.get(name)
        if union is None or union.tag_property is None:
            continue
        variants = tuple(
            (py_literal(value), py_literal(member.type.name))
            for member in union.members
            if isinstance(member.type, Named)
            for value in member.tag_values
        )
        tagged.append(
            FakeUnionView(
                name=py_literal(name), tag=py_literal(union.tag_property), variants=variants
            )
        )
    routes = tuple(
        FakeRouteView(
            key=py_literal(f"{operation.resource_path}.{operation.method_name}"),
            method=py_literal(operation.http_method),
            pattern=py_literal(_route(operation.path)),
            body=py_literal(tuple(name for name, _ in operation.body_schemas)),
        )
        for operation in api.operations
    )
    return FakeSchemaView(routes=routes, objects=tuple(objects), unions=tuple(tagged))
