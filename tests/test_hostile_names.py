"""A hostile spec: every name the generated code uses, offered by the spec, generates a package
that imports, passes `mypy --strict` and keeps every value (issue: the generator used to write
an unimportable package and exit 0).

The spec is built from the generator's own reserved lists, so a name added there is tried here
too: a schema for each name the generated modules import (`Literal`, `Field`, `Stream`…), a model
with a property for each name a model body uses (`str`, `to_dict`, `model_dump`…), a tag for each
client attribute (`close`, `with_options`…), operations named like resource helpers (`wait`),
a recursive JSON-value `oneOf`, a self-referencing array alias and descriptions holding control
characters. The committed case `tests/cases/hostile-names/` is the readable version of it.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from generator.emit.writer import write_tree
from generator.ir.naming import (
    _MODEL_BODY_NAMES,
    _RESERVED_FIELDS,
    ANNOTATION_BUILTINS,
    CLIENT_MEMBERS,
    RESERVED_CLASS_NAMES,
    RESOURCE_MEMBERS,
)
from generator.load.fetch import sha256_hex
from generator.pipeline import generate_files
from tests.client.loopback import LoopbackServer, Reply
from tests.test_golden_cases import CASES_DIR, case_inputs

CONTROL = "".join(chr(code) for code in range(32) if chr(code) not in "\n\t") + "\x7f\x85"


def _hostile_spec() -> dict[str, Any]:
    schemas: dict[str, Any] = {
        name: {
            "type": "object",
            "description": f"Named {name}.{CONTROL}",
            "properties": {"value": {"type": "string"}},
        }
        for name in sorted(RESERVED_CLASS_NAMES)
    }
    schemas["Hostile"] = {
        "type": "object",
        "properties": {
            **{
                name: {"type": "string", "description": f"{name}\0"}
                for name in sorted(_RESERVED_FIELDS | _MODEL_BODY_NAMES)
            },
            "numbers": {"type": "array", "items": {"type": "integer"}},
            "flags": {"type": "object", "additionalProperties": {"type": "boolean"}},
            "any": {"$ref": "#/components/schemas/JsonValue"},
            "nested": {"$ref": "#/components/schemas/NestedList"},
            "inner": {  # a request dict (TypedDict) keyed by names annotations read
                "type": "object",
                "properties": {
                    name: {"type": "integer"} for name in sorted(ANNOTATION_BUILTINS | {"text"})
                },
            },
        },
    }
    schemas["JsonValue"] = {
        "oneOf": [
            {"type": "string"},
            {"type": "number"},
            {"type": "boolean"},
            {"type": "array", "items": {"$ref": "#/components/schemas/JsonValue"}},
            {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/JsonValue"}},
        ]
    }
    schemas["NestedList"] = {"type": "array", "items": {"$ref": "#/components/schemas/NestedList"}}
    schemas["Interaction"] = {"type": "object", "properties": {"id": {"type": "string"}}}
    paths: dict[str, Any] = {}
    reply = {"$ref": "#/components/schemas/Hostile"}
    for tag in sorted(CLIENT_MEMBERS):
        operations = {
            "get": {
                "operationId": f"Get{tag.title().replace('_', '')}",
                "tags": [tag],
                "parameters": [{"$ref": "#/components/parameters/api_version"}],
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": reply}}}
                },
            }
        }
        paths[f"/{{api_version}}/{tag}"] = operations
    for helper in sorted(RESOURCE_MEMBERS):
        paths[f"/{{api_version}}/hostile/{helper}"] = {
            "post": {
                "operationId": helper,
                "tags": ["hostile"],
                "parameters": [{"$ref": "#/components/parameters/api_version"}],
                "requestBody": {"content": {"application/json": {"schema": reply}}},
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": reply}}}
                },
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Hostile", "version": "v1test"},
        "servers": [{"url": "https://api.example.test"}],
        "paths": paths,
        "components": {
            "parameters": {
                "api_version": {
                    "name": "api_version",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                }
            },
            "schemas": schemas,
        },
    }


CHECK = """
import tiny_client, tiny_client.types as t
names = [n for n in t.__all__]
data = {"str": "s", "to_dict": "d", "model_dump": "m", "list": "l", "any": {"a": [1, None, "x"]},
        "nested": [[[]], []], "numbers": [1, 2], "flags": {"on": True}}
value = t.Hostile.model_validate(data)
assert value.to_dict() == data, value.to_dict()
assert value.str_ == "s" and value.to_dict_ == "d" and value.validation_problems == ()
assert t.Literal_.model_validate({"value": "v"}).value == "v"
assert "\\x00" not in (t.Hostile.__doc__ or "") and "\\x00" in (t.Literal_.__doc__ or "")
client = tiny_client.Client(api_key="k")
assert callable(client.close) and callable(client.with_options)
assert type(client.close_).__name__ == "CloseResource"
assert callable(client.hostile.wait_) and callable(client.hostile.resume_)
from tiny_client.params import HostileInnerParam
inner: HostileInnerParam = {"str": 1, "list": 2, "text": 3}
assert client.hostile.wait_.__name__ == "wait_"
client.close()
print(len(names))
"""


def test_every_reserved_name_in_a_spec_generates_a_working_package(
    overlay_schemas: dict[str, object], tmp_path: Path
) -> None:
    inputs = case_inputs(CASES_DIR / "hostile-names", overlay_schemas)
    spec = json.dumps(_hostile_spec()).encode("utf-8")
    inputs = dataclasses.replace(
        inputs,
        spec_bytes=spec,
        spec_entry=dataclasses.replace(
            inputs.spec_entry, file="spec.json", sha256=sha256_hex(spec)
        ),
    )
    out = tmp_path / "out"
    write_tree(out, generate_files(inputs).files)
    result = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=out, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    generated = ["types.py", "params.py", "client.py", "resources"]
    typed = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--no-incremental"]
        + [f"tiny_client/{name}" for name in generated],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    assert typed.returncode == 0, typed.stdout


WIRE_CHECK = """
import json, sys, tiny_client
client = tiny_client.Client(api_key="k", base_url=sys.argv[1], max_retries=0)
answer = client.close_.create_interaction(
    str_="s", to_dict_="d", list_=[[]], text="t", value={"a": [1, None, "x"]}
)
print(json.dumps([answer.to_dict(), answer.str_, answer.to_dict_, answer.list_, answer.value]))
client.close()
"""


def test_renamed_properties_keep_their_wire_names_over_http(
    overlay_schemas: dict[str, object], tmp_path: Path
) -> None:
    """The committed hostile case: `str_=` is sent as `str`, and read back from `str`."""
    out = tmp_path / "out"
    write_tree(out, generate_files(case_inputs(CASES_DIR / "hostile-names", overlay_schemas)).files)
    sent = {"str": "s", "to_dict": "d", "list": [[]], "text": "t", "value": {"a": [1, None, "x"]}}
    with LoopbackServer() as server:
        server.handler = lambda request: Reply(body={**request.json(), "id": "i-1"})
        result = subprocess.run(
            [sys.executable, "-c", WIRE_CHECK, server.url],
            cwd=out,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    (request,) = server.requests
    assert request.method == "POST" and request.path.endswith("/interactions")
    assert request.json() == sent
    answer, str_, to_dict_, list_, value = json.loads(result.stdout)
    assert answer == {**sent, "id": "i-1"}, "the unknown `id` is kept too"
    assert (str_, to_dict_, list_, value) == ("s", "d", [[]], {"a": [1, None, "x"]})
