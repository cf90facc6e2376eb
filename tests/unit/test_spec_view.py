"""The spec view: the one reader of the raw document (references, pointers, operations)."""

from __future__ import annotations

from typing import Any

import pytest

from generator.errors import BadInputError
from generator.ir.extensions import extensions_of
from generator.ir.spec_view import SpecView
from generator.load.documents import escape_token, json_pointer, unescape_token


def _spec(**extra: Any) -> dict[str, Any]:
    return {
        "paths": {
            "/{api_version}/things/{id}": {
                "parameters": [{"$ref": "#/components/parameters/api_version"}],
                "get": {
                    "operationId": "GetThing",
                    "parameters": [{"name": "id", "in": "path", "required": True}],
                    "responses": {
                        "200": {"$ref": "#/components/responses/Thing"},
                    },
                },
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/A~1B"}}
                        }
                    },
                    "responses": {"default": {"description": "none"}},
                },
            }
        },
        "components": {
            "parameters": {"api_version": {"name": "api_version", "in": "path"}},
            "responses": {
                "Thing": {
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/T"}}}
                }
            },
            "schemas": {"T": {"type": "object"}, "A/B": {"type": "string"}},
        },
        **extra,
    }


def test_pointers_escape_and_unescape_each_token() -> None:
    assert json_pointer("paths", "/a/{b}", "get") == "/paths/~1a~1{b}/get"
    assert escape_token("~/") == "~0~1" and unescape_token("~0~1") == "~/"
    assert json_pointer("items", 0) == "/items/0"


def test_references_resolve_through_components_with_escaped_names() -> None:
    view = SpecView(_spec())
    (get, post) = list(view.operations())
    assert (get.method, post.method) == ("get", "post")
    assert view.schema_ref(view.request_schema(post), post.where) == "A/B"
    assert view.success_content(get)["application/json"]["schema"]["$ref"].endswith("/T")
    assert view.success_content(post) == {}
    names = [parameter["name"] for parameter, _ in view.parameters(get)]
    assert names == ["api_version", "id"], "path item parameters come first"
    assert get.where == "/paths/~1{api_version}~1things~1{id}/get"


def test_union_members_are_sorted_component_names() -> None:
    view = SpecView(_spec())
    node = {"oneOf": [{"$ref": "#/components/schemas/T"}, {"$ref": "#/components/schemas/A~1B"}]}
    assert view.union_members(node, "x") == ("A/B", "T")
    assert view.union_members({"$ref": "#/components/schemas/T"}, "x") == ("T",)
    assert view.union_members({"type": "string"}, "x") == ()


@pytest.mark.parametrize(
    ("node", "message"),
    [
        ({"$ref": "#/components/schemas/Nope"}, "points at nothing"),
        ({"$ref": "other.yaml#/X"}, "unsupported"),
    ],
)
def test_bad_references_name_the_node(node: dict[str, Any], message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        SpecView(_spec()).schema_ref(node, "/components/schemas/X/properties/y")


def test_a_reference_loop_is_reported_not_followed_forever() -> None:
    spec = _spec()
    spec["components"]["parameters"]["loop"] = {"$ref": "#/components/parameters/loop"}
    with pytest.raises(BadInputError, match="circular"):
        SpecView(spec).resolve({"$ref": "#/components/parameters/loop"}, "/here")


def test_a_document_without_paths_is_not_a_spec() -> None:
    with pytest.raises(BadInputError, match="no `paths`"):
        SpecView({"openapi": "3.0.3"})


def test_project_extensions_are_read_in_a_fixed_order() -> None:
    node = {"x-wait": {"timeout": 1}, "x-flatten": True, "x-other": 1, "type": "object"}
    assert extensions_of(node) == (("x-flatten", True), ("x-wait", {"timeout": 1}))
    assert SpecView(_spec(**{"x-api-revision": {"value": "r"}})).extension == {
        "x-api-revision": {"value": "r"}
    }
