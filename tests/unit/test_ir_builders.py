"""The IR builders on small specs: types (objects, enums, unions), operations and rules."""

from __future__ import annotations

from typing import Any

import pytest

from generator.errors import BadInputError
from generator.ir.api import build_api
from generator.ir.model import Api, ModelDef, Operation
from generator.ir.types import (
    INT,
    STR,
    STRICT_INT,
    EnumRef,
    ListOf,
    LiteralOf,
    Named,
    Optional,
    UnionOf,
)
from generator.ir.unions import UNKNOWN_TAG
from generator.normalize.rewrites import normalize_spec


def _api(schemas: dict[str, Any], paths: dict[str, Any] | None = None) -> Api:
    spec, _ = normalize_spec(
        {"openapi": "3.0.3", "paths": paths or {}, "components": {"schemas": schemas}}
    )
    return build_api(spec, None)


def _model(api: Api, name: str) -> ModelDef:
    model = api.types.model(name)
    assert model is not None, name
    return model


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def test_objects_become_models_with_typed_fields_and_inline_names() -> None:
    api = _api(
        {
            "Thing": {
                "type": "object",
                "required": ["type", "count"],
                "properties": {
                    "type": {"type": "string", "const": "thing"},
                    "count": {"type": "integer"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "status": {"type": "string", "enum": ["on", "off"]},
                    "kind": {"type": "string", "enum": ["only"]},
                    "class": {"type": "string", "deprecated": True},
                },
            }
        }
    )
    fields = {field.wire_name: field for field in _model(api, "Thing").fields}
    assert fields["type"].constant == "thing" and fields["type"].type == LiteralOf(("thing",))
    assert fields["count"].type == STRICT_INT and fields["count"].required
    assert fields["tags"].type == Optional(ListOf(STR))
    assert fields["status"].type == Optional(EnumRef("ThingStatus"))
    assert fields["kind"].type == Optional(UnionOf((LiteralOf(("only",)), STR))), "stays open"
    assert fields["class"].python_name == "class_" and "Deprecated." in fields["class"].description
    assert [enum.name for enum in api.types.enums] == ["ThingStatus"]
    assert api.types.components == ("Thing",)


def test_tagged_unions_are_open_and_share_common_fields() -> None:
    shapes = {
        "Shape": {"oneOf": [_ref("Circle"), _ref("Square")]},
        "Circle": {
            "type": "object",
            "properties": {
                "type": {"const": "circle"},
                "name": {"type": "string"},
                "r": {"type": "number"},
            },
        },
        "Square": {
            "type": "object",
            "properties": {"type": {"const": "square"}, "name": {"type": "string"}},
        },
    }
    api = _api(shapes)
    (union,) = api.types.unions
    assert union.tag_property == "type" and union.unknown == "UnknownShape"
    assert [(member.tag, member.type) for member in union.members] == [
        ("circle", Named("Circle")),
        ("square", Named("Square")),
        (UNKNOWN_TAG, Named("UnknownShape")),
    ]
    unknown = _model(api, "UnknownShape")
    assert unknown.unknown_variant
    assert [field.wire_name for field in unknown.fields] == ["type", "name"]


def test_untagged_unions_are_told_apart_by_kind_and_lists_become_sequences() -> None:
    api = _api(
        {"Title": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}}
    )
    (union,) = api.types.unions
    assert union.unknown is None and union.tag_property is None
    assert [(member.tag, member.type, member.kinds) for member in union.members] == [
        (None, STR, ("string",)),
        (None, ListOf(STR, covariant=True), ("array",)),
    ]


def test_recursive_schemas_build() -> None:
    api = _api(
        {
            "Node": {
                "type": "object",
                "properties": {"children": {"type": "array", "items": _ref("Node")}},
            }
        }
    )
    (field,) = _model(api, "Node").fields
    assert field.type == Optional(ListOf(Named("Node")))


def test_flatten_exposes_nested_fields_and_byte_offsets_are_checked() -> None:
    schemas = {
        "SearchCall": {
            "type": "object",
            "required": ["arguments"],
            "properties": {"arguments": {**_ref("Args"), "x-flatten": True}},
        },
        "Args": {"type": "object", "properties": {"query": {"type": "string"}}},
    }
    call = _model(_api(schemas), "SearchCall")
    (flatten,) = call.flatten
    assert (flatten.wire_field, flatten.pairs) == ("arguments", (("query", "query"),))
    arguments = next(field for field in call.fields if field.wire_name == "arguments")
    assert not arguments.required, "optional in Python so users can construct flat"
    assert dict(arguments.annotations) == {"x-flatten": True}
    with pytest.raises(BadInputError, match="x-byte-offsets"):
        _api(
            {
                "Span": {
                    "type": "object",
                    "properties": {},
                    "x-byte-offsets": {"start": "a", "end": "b"},
                }
            }
        )


def _paths(**operations: Any) -> dict[str, Any]:
    return {
        "/{api_version}/things": {
            "get": {
                "operationId": "ListThings",
                "tags": ["things"],
                "parameters": [
                    {"name": "api_version", "in": "path", "required": True},
                    {"name": "page_token", "in": "query", "schema": {"type": "string"}},
                    {"name": "page_size", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {"200": {"content": {"application/json": {"schema": _ref("Page")}}}},
            },
            "post": {
                "operationId": "CreateThing",
                "tags": ["things"],
                "requestBody": {"content": {"application/json": {"schema": _ref("Body")}}},
                "responses": {"200": {"content": {"application/json": {"schema": _ref("Thing")}}}},
                **operations,
            },
        }
    }


_SCHEMAS: dict[str, Any] = {
    "Thing": {"type": "object", "properties": {"id": {"type": "string"}}},
    "Page": {
        "type": "object",
        "properties": {
            "things": {"type": "array", "items": _ref("Thing")},
            "next_page_token": {"type": "string"},
        },
    },
    "Body": {"oneOf": [_ref("ByName"), _ref("ById")]},
    "ByName": {
        "type": "object",
        "required": ["name"],
        "properties": {
            "type": {"const": "name"},
            "name": {"type": "string"},
            "size": {"type": "integer"},
        },
    },
    "ById": {
        "type": "object",
        "required": ["id"],
        "properties": {
            "type": {"const": "id"},
            "id": {"type": "string", "readOnly": True},
            "size": {"type": "integer"},
        },
    },
}


def _operations(api: Api) -> dict[str, Operation]:
    return {f"{op.resource_path}.{op.method_name}": op for op in api.operations}


def test_operations_are_complete_when_built() -> None:
    operations = _operations(_api(_SCHEMAS, _paths()))
    listing, create = operations["things.list"], operations["things.create"]
    assert [p.python_name for p in listing.parameters] == ["page_size", "page_token"]
    assert listing.page is not None and listing.page.item_type == Named("Thing")
    assert create.request_schemas == ("Body",) and create.response_schema == "Thing"
    fields = {field.python_name: field for field in create.body_fields}
    assert set(fields) == {"name", "size", "type"}, "union members' fields; readOnly id left out"
    assert not any(field.required for field in fields.values())
    assert fields["size"].type == INT, "strict model scalars are plain in signatures"
    assert create.body_schemas == (("ByName", ("name", "type")), ("ById", ("type",)))


def test_streaming_owns_its_parameters_and_needs_a_resume_source() -> None:
    with pytest.raises(BadInputError, match="resume_parameter"):
        _api(_SCHEMAS, _paths(**{"x-streaming": {"query": {"alt": "sse"}}}))


def test_x_wait_is_validated() -> None:
    paths = {
        "/{api_version}/things/{id}": {
            "get": {
                "operationId": "GetThing",
                "tags": ["things"],
                "parameters": [{"name": "id", "in": "path", "required": True}],
                "x-streaming": {"query": {"alt": "sse"}, "resume_parameter": "last_event_id"},
                "x-wait": {"timeout": -1},
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {"schema": _ref("Thing")},
                            "text/event-stream": {"schema": _ref("Thing")},
                        }
                    }
                },
            }
        }
    }
    with pytest.raises(BadInputError, match="x-wait"):
        _api(_SCHEMAS, paths)
    paths["/{api_version}/things/{id}"]["get"]["x-wait"] = {
        "timeout": 60,
        "poll_interval": 1,
        "max_poll_interval": 5,
        "grace_period": 2,
        "description": "Soon.",
    }
    (get,) = _api(_SCHEMAS, paths).operations
    assert get.resumes_streams and get.wait is not None and get.wait.timeout == 60.0
    assert get.stream is not None and get.stream.resume_path_parameter == "id"


def test_x_continuation_is_validated_against_the_body() -> None:
    names = {"parameter": "automatic_continuation", "status": "requires_continuation"}
    fields = {"token": "name", "previous": "size", "input": "type", "store": "size"}
    with pytest.raises(BadInputError, match=r"x-continuation is \{background, input"):
        _api(_SCHEMAS, _paths(**{"x-continuation": {**names, **fields}}))
    unknown = {**names, **fields, "token": "continuation_token", "background": "background"}
    with pytest.raises(BadInputError, match="fields the operation does not have: "):
        _api(_SCHEMAS, _paths(**{"x-continuation": unknown}))
    clash = {**names, **fields, "background": "name", "parameter": "timeout"}
    with pytest.raises(BadInputError, match="'timeout' collides"):
        _api(_SCHEMAS, _paths(**{"x-continuation": clash}))
    plain = {**names, **fields, "background": "name"}
    with pytest.raises(BadInputError, match="x-continuation needs x-streaming"):
        _api(_SCHEMAS, _paths(**{"x-continuation": plain}))


def test_x_live_is_validated_naming_where_it_sits() -> None:
    live = {"path": "/{api_version}/things/live", "event_schema": "Body", "description": "Live."}
    create = _operations(_api(_SCHEMAS, _paths(**{"x-live": live})))["things.create"]
    assert create.live is not None
    assert (create.live.path, create.live.event_schema) == ("/{api_version}/things/live", "Body")
    with pytest.raises(
        BadInputError, match=r"things/post: x-live is \{description, event_schema, path\}"
    ):
        _api(_SCHEMAS, _paths(**{"x-live": {"path": live["path"]}}))
    with pytest.raises(BadInputError, match="event_schema 'Nope' is not a component schema"):
        _api(_SCHEMAS, _paths(**{"x-live": {**live, "event_schema": "Nope"}}))
    with pytest.raises(BadInputError, match=r"x-live: path starts with /\{api_version\}/"):
        _api(_SCHEMAS, _paths(**{"x-live": {**live, "path": "/live"}}))


def test_two_operations_on_one_method_name_are_refused() -> None:
    paths = _paths()
    paths["/{api_version}/other"] = {
        "post": {"operationId": "CreateThing", "tags": ["things"], "responses": {}}
    }
    with pytest.raises(BadInputError, match="x-speakeasy-name-override"):
        _api(_SCHEMAS, paths)


def test_an_absent_default_types_the_field_plainly_and_is_checked() -> None:
    # x-absent-default: Interaction.id is a `str` reading "" when the wire omits it (W97)
    api = _api({"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}})
    plain = next(field for field in _model(api, "Thing").fields if field.wire_name == "id")
    assert plain.type == Optional(STR) and plain.absent_default is None
    marked = _api(
        {
            "Thing": {
                "type": "object",
                "properties": {"id": {"type": "string", "x-absent-default": ""}},
            }
        }
    )
    (field,) = _model(marked, "Thing").fields
    assert field.type == STR and field.absent_default == "" and not field.required
    for bad in (
        {"type": "string", "x-absent-default": 0},
        {"type": "integer", "x-absent-default": ""},
    ):
        with pytest.raises(BadInputError, match=r"Thing/properties/id: x-absent-default"):
            _api({"Thing": {"type": "object", "properties": {"id": bad}}})
    with pytest.raises(BadInputError, match="x-absent-default needs an optional"):
        _api(
            {
                "Thing": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {"id": {"type": "string", "x-absent-default": ""}},
                }
            }
        )
