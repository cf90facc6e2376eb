"""Every operation of the API, called the way a user calls it, checked on a real loopback wire.

For each entry of the generated operation table the test calls the generated method with its
path parameters, required arguments and one optional query parameter, lets the loopback server
answer with a minimal valid response, and checks the method, path, query, body and headers the
server saw, and the type of what the method returned. The expected method and path come from the
upstream spec plus the routes the overlays add, written out in `tests/upstream_oracle.py` — not
from the IR the client was generated from, so an overlay mistake in a path fails here.
"""

from __future__ import annotations

import inspect
from typing import Any
from urllib.parse import quote

import gemini_interactions as gi
import pytest
from gemini_interactions import Client, SyncPager

from generator.ir.model import Operation
from tests.client.conftest import API_KEY
from tests.client.loopback import LoopbackServer, RecordedRequest, Reply
from tests.json_exact import assert_json_exact
from tests.operation_table import OPERATIONS, path_parameters, query_parameters
from tests.upstream_oracle import expected_route


def minimal(spec: dict[str, Any], schema: Any) -> Any:
    """The smallest JSON value that satisfies `schema` (required fields only)."""
    if not isinstance(schema, dict):
        return {}
    if "$ref" in schema:
        return minimal(spec, spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]])
    if schema.get("oneOf"):
        return minimal(spec, schema["oneOf"][0])
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "string":
        return "1" if schema.get("format") == "int64" else "x"
    if kind in ("integer", "number"):
        return 1
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    properties = schema.get("properties") or {}
    return {
        name: minimal(spec, properties[name])
        for name in schema.get("required") or []
        if name in properties
    }


def argument_for(annotation: str) -> Any:
    if annotation.startswith(("builtins.list[", "list[", "Sequence[")):
        return []
    if annotation.startswith("dict["):
        return {}
    if annotation.split(" | ")[0] in ("str", "ModelOption", "AgentOption") or "| str" in annotation:
        return "value"
    if annotation.startswith("int"):
        return 3
    if annotation.startswith("bool"):
        return True
    return {}


def resolve(client: Client, spec: Operation) -> Any:
    target: Any = client
    for part in spec.resource:
        target = getattr(target, part)
    return getattr(target, spec.method_name)


OPERATION_KEYS = sorted(OPERATIONS)
UNION_BODIES: dict[str, dict[str, Any]] = {
    "interactions.create": {"model": "gemini-3.7-flash", "input": "hi"},
    "credentials.create": {"type": "bearer_token", "id": "cred-1", "token": "t0k"},
    "credentials.update": {"type": "bearer_token", "token": "t0k"},
}
"""Arguments for operations whose body is a union: which member is meant depends on them."""


def test_the_operation_table_covers_the_spec(patched_spec: dict[str, Any]) -> None:
    count = sum(
        1
        for item in patched_spec["paths"].values()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    )
    assert len(OPERATIONS) == count == 39  # 37 in the spec, 2 from the bindings (W93)


@pytest.mark.parametrize("key", OPERATION_KEYS)
def test_operation_on_the_wire(  # noqa: C901 (one assertion per part of the request the upstream spec fixes)
    key: str, client: Client, server: LoopbackServer, patched_spec: dict[str, Any]
) -> None:
    spec = OPERATIONS[key]
    method = resolve(client, spec)
    signature = inspect.signature(method)
    arguments: dict[str, Any] = {}
    route = expected_route(spec.operation_id)
    expected_path = route.path.replace("{api_version}", "v1beta")
    for path_parameter in path_parameters(spec):
        name = path_parameter.python_name
        value = "dir/file one.txt" if name == "path" else f"{name}-1"
        arguments[path_parameter.python_name] = value
        safe = "/" if path_parameter.python_name == "path" else ""
        expected_path = expected_path.replace(
            "{" + path_parameter.wire_name + "}", quote(value, safe=safe)
        )
    assert "{" not in expected_path, f"path parameters not in the upstream template: {route}"
    upload = "data" in signature.parameters
    if upload:
        arguments["data"] = b"hello bytes"
    required_body = dict(UNION_BODIES.get(key, {}))
    arguments.update(required_body)
    for name, parameter in signature.parameters.items():
        if name in arguments or name == "self" or parameter.default is not inspect.Parameter.empty:
            continue
        annotation = str(parameter.annotation)
        model = annotation.split(" | ")[0]  # `Voice | VoiceParam`: the model or its dict twin
        if model in patched_spec["components"]["schemas"]:
            value = minimal(patched_spec, {"$ref": f"#/components/schemas/{model}"})
        else:
            value = argument_for(annotation)
        arguments[name] = required_body[name] = value
    optional_query = next(
        (
            p
            for p in query_parameters(spec)
            if p.python_name in signature.parameters and not p.required
        ),
        None,
    )
    if optional_query is not None and optional_query.python_name != "page_token":
        arguments[optional_query.python_name] = (
            "filter-x"
            if "str" in str(signature.parameters[optional_query.python_name].annotation)
            else 5
        )

    response_body = {}
    if spec.response_schema:
        response_body = minimal(
            patched_spec, {"$ref": f"#/components/schemas/{spec.response_schema}"}
        )

    def handler(request: RecordedRequest) -> Reply:
        if upload and request.method == "PUT":
            return Reply(headers={"x-goog-upload-url": f"{server.url}/upload-session/1"}, body={})
        return Reply(body=response_body)

    server.handler = handler
    result = method(**arguments)
    if isinstance(result, SyncPager):
        result = result.first_page()

    seen = server.requests[0]
    assert seen.method == route.method
    assert seen.path == expected_path
    assert seen.headers["x-goog-api-key"] == API_KEY
    assert seen.headers["api-revision"] == "2026-05-20"
    assert seen.headers["user-agent"].startswith("gemini-interactions/")
    assert API_KEY not in seen.path and all(
        API_KEY not in v for vs in seen.query.values() for v in vs
    )
    if optional_query is not None and optional_query.python_name != "page_token":
        value = arguments[optional_query.python_name]
        assert seen.query[optional_query.wire_name] == [str(value)]
    if required_body:
        body = seen.json()
        for name, value in required_body.items():
            assert_json_exact(body[name], value, name)
    if upload:
        assert seen.headers["x-goog-upload-protocol"] == "resumable"
        assert seen.headers["x-goog-upload-command"] == "start"
        assert seen.headers["x-goog-upload-header-content-length"] == str(len(b"hello bytes"))
        finish = server.requests[1]
        assert (finish.method, finish.path) == ("POST", "/upload-session/1")
        assert finish.headers["x-goog-upload-command"] == "upload, finalize"
        assert finish.headers["x-goog-upload-offset"] == "0"
        assert finish.body == b"hello bytes"
    elif spec.response_schema:
        page_or_model = getattr(gi, spec.response_schema)
        assert isinstance(result, page_or_model)
