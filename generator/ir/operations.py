"""Building the intermediate model (`ir.Api`) from a patched OpenAPI document.

The builder reads only the parts of OpenAPI the client needs, resolves local `$ref`s, computes
every Python name through `naming.py` and sorts every collection, so two specs that differ only
in key order build equal models. A spec it cannot interpret is reported naming the JSON Pointer.
"""

from __future__ import annotations

from typing import Any

from generator.errors import BadInputError
from generator.ir.model import Api, Operation, Parameter
from generator.ir.naming import safe_identifier, snake_case
from generator.load.documents import JsonValue

__all__ = ["build_api"]

_HTTP_METHODS = ("delete", "get", "patch", "post", "put")
_SCALAR_TYPES = {"string": "str", "integer": "int", "boolean": "bool", "number": "float"}
_CLIENT_LEVEL_PARAMETERS = frozenset({"api_version", "x-goog-user-project"})


def _resolve(spec: dict[str, Any], node: Any, where: str) -> Any:
    seen = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/") or ref in seen:
            raise BadInputError(f"spec {where}: unsupported or circular $ref {ref!r}.")
        seen.add(ref)
        current: Any = spec
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(current, dict) or part not in current:
                raise BadInputError(f"spec {where}: $ref {ref!r} points at nothing.")
            current = current[part]
        node = current
    return node


def _ref_name(schema: Any) -> str | None:
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    return None


def _schema_names(schema: Any) -> tuple[str, ...]:
    direct = _ref_name(schema)
    if direct:
        return (direct,)
    if isinstance(schema, dict):
        for combinator in ("oneOf", "anyOf"):
            if isinstance(schema.get(combinator), list):
                names = [_ref_name(option) for option in schema[combinator]]
                return tuple(sorted(name for name in names if name))
    return ()


def _resource_of(operation: dict[str, Any], path: str) -> tuple[str, ...]:
    group = operation.get("x-speakeasy-group")
    tags = operation.get("tags")
    if isinstance(group, str):
        raw = group
    elif isinstance(tags, list) and tags and isinstance(tags[0], str):
        raw = tags[0]
    else:
        segments = [s for s in path.split("?")[0].split("/") if s and not s.startswith("{")]
        raw = segments[0] if segments else "default"
    parts = [snake_case(part) for part in raw.split(".") if part and not part.startswith("_")]
    return tuple(parts) or ("default",)


def _method_name(operation: dict[str, Any], resource: tuple[str, ...], where: str) -> str:
    override = operation.get("x-speakeasy-name-override")
    if isinstance(override, str):
        return safe_identifier(snake_case(override))
    operation_id = operation.get("operationId")
    if not isinstance(operation_id, str):
        raise BadInputError(f"spec {where}: operation has neither operationId nor a name override.")
    nouns = set()
    for part in resource:
        for word in part.split("_"):
            nouns |= {word, word.rstrip("s")}
    words = [word for word in snake_case(operation_id).split("_") if word not in nouns]
    if words[-2:] == ["by", "id"]:
        words = words[:-2]
    return safe_identifier("_".join(words) or snake_case(operation_id))


def _parameters(
    spec: dict[str, Any], operation: dict[str, Any], path_item: dict[str, Any], where: str
) -> tuple[Parameter, ...]:
    collected: dict[tuple[str, str], Parameter] = {}
    for index, raw in enumerate(
        [*path_item.get("parameters", []), *operation.get("parameters", [])]
    ):
        parameter = _resolve(spec, raw, f"{where}/parameters/{index}")
        if not isinstance(parameter, dict) or "name" not in parameter or "in" not in parameter:
            raise BadInputError(f"spec {where}/parameters/{index}: a parameter needs name and in.")
        name, location = str(parameter["name"]), str(parameter["in"])
        if name in _CLIENT_LEVEL_PARAMETERS:
            continue
        raw_schema = parameter.get("schema")
        schema: dict[str, Any] = raw_schema if isinstance(raw_schema, dict) else {}
        override = parameter.get("x-speakeasy-name-override")
        collected[(location, name)] = Parameter(
            wire_name=name,
            python_name=safe_identifier(
                snake_case(override if isinstance(override, str) else name)
            ),
            location=location,
            required=bool(parameter.get("required", location == "path")),
            type_hint=_SCALAR_TYPES.get(str(schema.get("type")), "str"),
            description=str(parameter.get("description", "")).strip(),
            allow_reserved=bool(parameter.get("allowReserved"))
            or parameter.get("x-speakeasy-param-encoding-override") == "allowReserved",
        )
    order = {"path": 0, "query": 1, "header": 2, "cookie": 3}
    return tuple(
        sorted(collected.values(), key=lambda p: (order.get(p.location, 9), p.python_name))
    )


def _operation(
    spec: dict[str, Any],
    path: str,
    method: str,
    operation: dict[str, Any],
    path_item: dict[str, Any],
) -> Operation:
    where = f"/paths/{path.replace('~', '~0').replace('/', '~1')}/{method}"
    resource = _resource_of(operation, path)
    body = _resolve(spec, operation.get("requestBody"), f"{where}/requestBody") or {}
    body_schema = (body.get("content", {}).get("application/json") or {}).get("schema")
    responses = operation.get("responses", {})
    success_response: Any = next(
        (responses[code] for code in ("200", "201", "default") if code in responses), {}
    )
    success = _resolve(spec, success_response, f"{where}/responses") or {}
    content = success.get("content", {}) if isinstance(success, dict) else {}
    response_names = _schema_names((content.get("application/json") or {}).get("schema"))
    request_names = _schema_names(body_schema)
    return Operation(
        operation_id=str(operation.get("operationId", "")),
        resource=resource,
        method_name=_method_name(operation, resource, where),
        http_method=method.upper(),
        path=path.split("?")[0],
        summary=str(operation.get("summary", "")).strip(),
        description=str(operation.get("description", "")).strip(),
        parameters=_parameters(spec, operation, path_item, where),
        request_schema=" | ".join(request_names) or None,
        response_schema=" | ".join(response_names) or None,
        streams="text/event-stream" in content,
    )


def build_api(spec: JsonValue, api_revision: str | None) -> Api:
    """Build the intermediate model from a patched spec."""
    if not isinstance(spec, dict) or not isinstance(spec.get("paths"), dict):
        raise BadInputError("spec: not an OpenAPI document (no `paths` object).")
    operations = []
    for path, path_item in spec["paths"].items():
        if not isinstance(path_item, dict):
            continue
        for method in _HTTP_METHODS:
            if isinstance(path_item.get(method), dict):
                operations.append(_operation(spec, path, method, path_item[method], path_item))
    operations.sort(key=lambda op: (op.resource, op.method_name, op.path, op.http_method))
    seen: dict[tuple[tuple[str, ...], str], Operation] = {}
    for operation in operations:
        key = (operation.resource, operation.method_name)
        if key in seen:
            other = seen[key]
            raise BadInputError(
                f"spec: operations {other.operation_id} ({other.http_method} {other.path}) and "
                f"{operation.operation_id} ({operation.http_method} {operation.path}) both map "
                f"to {operation.resource_path}.{operation.method_name}; give one an "
                f"x-speakeasy-name-override in an overlay."
            )
        seen[key] = operation
    raw_revision = spec.get("x-api-revision")
    revision: dict[str, Any] = raw_revision if isinstance(raw_revision, dict) else {}
    if revision and api_revision and revision.get("value") != api_revision:
        raise BadInputError(
            f"spec: x-api-revision says {revision.get('value')!r} but the target is built for "
            f"{api_revision!r} (codegen.yaml); make them agree."
        )
    exempt = tuple(str(prefix) for prefix in revision.get("exempt_path_prefixes") or ())
    info = spec.get("info", {}) if isinstance(spec.get("info"), dict) else {}
    servers = spec.get("servers") or [{}]
    schemas = spec.get("components", {}).get("schemas", {})
    return Api(
        title=str(info.get("title", "")),
        spec_version=str(info.get("version", "")),
        openapi_version=str(spec.get("openapi", "")),
        base_url=str(servers[0].get("url", "")),
        api_revision=api_revision,
        operations=tuple(operations),
        schema_names=tuple(sorted(schemas)) if isinstance(schemas, dict) else (),
        revision_exempt_prefixes=exempt,
    )
