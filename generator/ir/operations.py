"""Building complete operations, in one pass over the spec's `paths`.

Each operation gets its resource (`x-speakeasy-group`, else its first tag, else its first path
segment), its method name, and everything its method sends and returns:

- path, query and header parameters (the client-level `api_version` and `x-goog-user-project`
  excepted, and so are the parameters an operation's `x-streaming` owns or an upload's headers);
- body fields as keyword arguments typed like the model fields; output-only (`readOnly`) fields
  and the body switches of `x-streaming` (`stream`) are left out. A union body
  (`ModelInteraction | AgentInteraction`) offers every member's fields, all optional; the client
  picks the member whose required fields were given;
- paging when it takes a `page_token` and its response has `next_page_token` plus exactly one
  list field; a resumable upload when marked `x-upload: resumable`;
- how it streams (`x-streaming`) and, for the operation that reads a resource back, how streams
  resume (`x-streaming.resume_parameter`) and how `wait()` polls it (`x-wait`);
- for a generating call, how it continues across `requires_continuation` hops
  (`x-continuation`: the opt-in parameter and the body fields a hop rewrites).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from generator.errors import BadInputError
from generator.ir.extensions import extensions_of
from generator.ir.model import (
    BodyField,
    ContinuationInfo,
    LiveInfo,
    Operation,
    PageInfo,
    Parameter,
    StreamInfo,
    TypeModel,
    WaitInfo,
)
from generator.ir.naming import (
    CLIENT_MEMBERS,
    RESOURCE_MEMBERS,
    member_name,
    safe_identifier,
    snake_case,
)
from generator.ir.objects import TAG_PROPERTIES
from generator.ir.spec_view import OperationNode, SpecView
from generator.ir.types import (
    BOOL,
    FLOAT,
    INT,
    STR,
    TypeExpr,
    UnionOf,
    item_of,
    plain_scalars,
    required,
)

__all__ = ["RESERVED_KEYWORDS", "build_operations"]

RESERVED_KEYWORDS = frozenset(
    {
        "extra_headers",
        "extra_query",
        "extra_body",
        "timeout",
        "max_retries",
        "retry_non_idempotent",
        "self",
    }
)
"""Keyword arguments every method takes for itself; no parameter or body field may use them."""

_SCALARS = {"string": STR, "integer": INT, "boolean": BOOL, "number": FLOAT}
_CLIENT_LEVEL_PARAMETERS = frozenset({"api_version", "x-goog-user-project"})
_LOCATION_ORDER = {"path": 0, "query": 1, "header": 2, "cookie": 3}


def _resource_of(operation: OperationNode) -> tuple[str, ...]:
    group = operation.node.get("x-speakeasy-group")
    tags = operation.node.get("tags")
    if isinstance(group, str):
        raw = group
    elif isinstance(tags, list) and tags and isinstance(tags[0], str):
        raw = tags[0]
    else:
        segments = [s for s in operation.path.split("?")[0].split("/") if s and s[0] != "{"]
        raw = segments[0] if segments else "default"
    parts = [snake_case(part) for part in raw.split(".") if part and not part.startswith("_")]
    # a resource is an attribute of the client (or of its parent resource): never one of theirs
    return tuple(
        member_name(part, CLIENT_MEMBERS if index == 0 else RESOURCE_MEMBERS)
        for index, part in enumerate(parts)
    ) or ("default",)


def _method_name(operation: OperationNode, resource: tuple[str, ...]) -> str:
    override = operation.node.get("x-speakeasy-name-override")
    if isinstance(override, str):
        return member_name(snake_case(override), RESOURCE_MEMBERS)
    operation_id = operation.node.get("operationId")
    if not isinstance(operation_id, str):
        raise BadInputError(
            f"spec {operation.where}: operation has neither operationId nor a name override."
        )
    nouns = set()
    for part in resource:
        for word in part.split("_"):
            nouns |= {word, word.rstrip("s")}
    words = [word for word in snake_case(operation_id).split("_") if word not in nouns]
    if words[-2:] == ["by", "id"]:
        words = words[:-2]
    return member_name("_".join(words) or snake_case(operation_id), RESOURCE_MEMBERS)


def _owned_by_streaming(streaming: dict[str, Any]) -> set[str]:
    names = {str(name) for name in (streaming.get("query") or {})}
    if isinstance(streaming.get("resume_parameter"), str):
        names.add(streaming["resume_parameter"])
    return names


def _parameters(
    view: SpecView, operation: OperationNode, streaming: dict[str, Any], upload: bool
) -> tuple[Parameter, ...]:
    owned = _owned_by_streaming(streaming)
    collected: dict[tuple[str, str], Parameter] = {}
    for parameter, _ in view.parameters(operation):
        name, location = str(parameter["name"]), str(parameter["in"])
        if name in _CLIENT_LEVEL_PARAMETERS or name in owned:
            continue
        if upload and location == "header":
            continue
        schema = parameter.get("schema") if isinstance(parameter.get("schema"), dict) else {}
        override = parameter.get("x-speakeasy-name-override")
        collected[(location, name)] = Parameter(
            wire_name=name,
            python_name=safe_identifier(
                snake_case(override if isinstance(override, str) else name)
            ),
            location=location,
            required=bool(parameter.get("required", location == "path")),
            type=_SCALARS.get(str((schema or {}).get("type")), STR),
            description=str(parameter.get("description", "")).strip(),
            allow_reserved=bool(parameter.get("allowReserved"))
            or parameter.get("x-speakeasy-param-encoding-override") == "allowReserved",
        )

    def order(parameter: Parameter) -> tuple[int, int, str]:
        # path parameters in the order the path names them, the others by name
        position = operation.path.find("{" + parameter.wire_name + "}")
        at = position if parameter.location == "path" and position >= 0 else 0
        return (_LOCATION_ORDER.get(parameter.location, 9), at, parameter.python_name)

    return tuple(sorted(collected.values(), key=order))


def _body(
    view: SpecView, request_schemas: tuple[str, ...], types: TypeModel, skip: set[str]
) -> tuple[tuple[BodyField, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    names: list[str] = []
    for name in request_schemas:
        options = view.schema(name).get("oneOf")
        if isinstance(options, list):  # a named union body: offer its members' fields
            where = view.schema_pointer(name)
            names += [member for option in options if (member := view.schema_ref(option, where))]
        else:
            names.append(name)
    merged: dict[str, tuple[list[TypeExpr], bool, str]] = {}
    structured: set[str] = set()
    schemas = []
    for name in names:
        model = types.model(types.class_for(name))
        if model is None:
            continue
        properties = view.schema(name).get("properties") or {}
        required_wire = tuple(
            wire
            for wire in view.schema(name).get("required") or []
            if not (properties.get(wire) or {}).get("readOnly")
        )
        if len(names) > 1:  # a union body's member always carries its constant tag
            required_wire += tuple(
                field.wire_name
                for field in model.fields
                if field.constant is not None
                and field.wire_name in TAG_PROPERTIES
                and field.wire_name not in required_wire
            )
        schemas.append((types.class_for(name), required_wire))
        for field in model.fields:
            prop = properties.get(field.wire_name) or {}
            # A union's members are told apart by their tag, so the tag is an argument there.
            constant = field.constant is not None and not len(names) > 1
            if field.excluded or constant or prop.get("readOnly") or field.wire_name in skip:
                continue
            type_ = plain_scalars(required(field.type))
            if prop.get("x-structured-output"):
                structured.add(field.python_name)
            options, was_required, description = merged.get(field.python_name, ([], True, ""))
            if type_ not in options:
                options.append(type_)
            merged[field.python_name] = (
                options,
                was_required and len(names) == 1 and field.required,
                description or field.description,
            )
    fields = tuple(
        BodyField(
            python,
            options[0] if len(options) == 1 else UnionOf(tuple(options)),
            is_required,
            text,
            structured=python in structured,
        )
        for python, (options, is_required, text) in sorted(merged.items())
    )
    return fields, tuple(schemas)


def _page(
    parameters: tuple[Parameter, ...], response: str | None, types: TypeModel
) -> PageInfo | None:
    token = next((p for p in parameters if p.wire_name == "page_token"), None)
    model = types.model(response or "")
    if token is None or model is None:
        return None
    lists = [field for field in model.fields if item_of(field.type) is not None]
    if "next_page_token" not in {field.wire_name for field in model.fields} or len(lists) != 1:
        return None
    item = item_of(lists[0].type)
    assert item is not None
    return PageInfo(lists[0].python_name, item, token.python_name)


def _event_schema(view: SpecView, operation: OperationNode) -> str | None:
    for code in ("200", "default"):
        response = (operation.node.get("responses") or {}).get(code) or {}
        content = (response.get("content") or {}).get("text/event-stream") or {}
        envelope = view.schema_ref(content.get("schema"), operation.where)
        if envelope is not None:
            data = (view.schema(envelope).get("properties") or {}).get("data")
            return view.schema_ref(data, operation.where) or envelope
    return None


def _resume_source(
    view: SpecView, siblings: Iterable[OperationNode]
) -> tuple[OperationNode, dict[str, Any]] | None:
    """The operation of a resource whose `x-streaming` says how its streams resume."""
    for sibling in siblings:
        streaming = sibling.node.get("x-streaming")
        if isinstance(streaming, dict) and isinstance(streaming.get("resume_parameter"), str):
            return sibling, streaming
    return None


def _stream(
    view: SpecView,
    operation: OperationNode,
    streaming: dict[str, Any],
    resume: tuple[OperationNode, dict[str, Any]] | None,
    types: TypeModel,
) -> StreamInfo:
    event = _event_schema(view, operation)
    event_schema = types.class_for(event) if event is not None else None
    path_parameters = (
        [
            parameter
            for parameter, _ in view.parameters(resume[0])
            if parameter.get("in") == "path" and parameter["name"] not in _CLIENT_LEVEL_PARAMETERS
        ]
        if resume
        else []
    )
    if resume is None or event_schema is None or len(path_parameters) != 1:
        raise BadInputError(
            f"spec operation {operation.node.get('operationId')}: x-streaming needs a "
            f"text/event-stream response and an operation on the same resource with "
            f"x-streaming.resume_parameter."
        )
    source, resume_streaming = resume
    return StreamInfo(
        event_schema=event_schema,
        query=tuple(sorted((str(k), str(v)) for k, v in (streaming.get("query") or {}).items())),
        body=tuple(sorted((streaming.get("body") or {}).items())),
        resume_template=source.path.split("?")[0],
        resume_path_parameter=str(path_parameters[0]["name"]),
        resume_query=tuple(
            sorted((str(k), str(v)) for k, v in (resume_streaming.get("query") or {}).items())
        ),
        resume_parameter=str(resume_streaming["resume_parameter"]),
    )


def _takes_empty_object(schema: Any) -> bool:
    """A request body that is a JSON object with no fields: the operation sends `{}`."""
    return (
        isinstance(schema, dict)
        and "$ref" not in schema
        and schema.get("type") == "object"
        and not schema.get("properties")
    )


_WAIT_KEYS = {"timeout", "poll_interval", "max_poll_interval", "grace_period", "description"}


def _wait(operation: OperationNode) -> WaitInfo | None:
    raw = operation.node.get("x-wait")
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != _WAIT_KEYS:
        raise BadInputError(
            f"spec {operation.where}: x-wait is {{{', '.join(sorted(_WAIT_KEYS))}}}."
        )
    numbers = [raw[key] for key in sorted(_WAIT_KEYS - {"description"})]
    if not all(isinstance(n, int | float) and not isinstance(n, bool) and n > 0 for n in numbers):
        raise BadInputError(f"spec {operation.where}: x-wait durations are positive seconds.")
    return WaitInfo(
        timeout=float(raw["timeout"]),
        poll_interval=float(raw["poll_interval"]),
        max_poll_interval=float(raw["max_poll_interval"]),
        grace_period=float(raw["grace_period"]),
        description=str(raw["description"]).strip(),
    )


_LIVE_KEYS = {"path", "event_schema", "description"}


def _live(operation: OperationNode, types: TypeModel) -> LiveInfo | None:
    raw = operation.node.get("x-live")
    if raw is None:
        return None
    where = f"spec {operation.where}: x-live"
    if not isinstance(raw, dict) or set(raw) != _LIVE_KEYS:
        raise BadInputError(f"{where} is {{{', '.join(sorted(_LIVE_KEYS))}}}.")
    if not all(isinstance(raw[key], str) and raw[key].strip() for key in sorted(_LIVE_KEYS)):
        raise BadInputError(f"{where}: path, event_schema and description are non-empty strings.")
    if not str(raw["path"]).startswith("/{api_version}/"):
        raise BadInputError(f"{where}: path starts with /{{api_version}}/, got {raw['path']!r}.")
    event = types.class_for(str(raw["event_schema"]))
    if event not in types.names():
        raise BadInputError(
            f"{where}: event_schema {raw['event_schema']!r} is not a component schema."
        )
    return LiveInfo(
        path=str(raw["path"]),
        event_schema=event,
        description=str(raw["description"]).strip(),
    )


_CONTINUATION_KEYS = ("parameter", "status", "token", "previous", "input", "store", "background")
_CONTINUATION_FIELDS = ("token", "previous", "input", "store", "background")


def _continuation(
    operation: OperationNode, body_fields: tuple[BodyField, ...]
) -> ContinuationInfo | None:
    raw = operation.node.get("x-continuation")
    if raw is None:
        return None
    where = f"spec {operation.where}: x-continuation"
    if not isinstance(raw, dict) or set(raw) != set(_CONTINUATION_KEYS):
        raise BadInputError(f"{where} is {{{', '.join(sorted(_CONTINUATION_KEYS))}}}.")
    if not all(isinstance(raw[key], str) and raw[key] for key in _CONTINUATION_KEYS):
        raise BadInputError(f"{where}: every value is a non-empty name.")
    fields = {field.python_name for field in body_fields}
    unknown = [raw[key] for key in _CONTINUATION_FIELDS if raw[key] not in fields]
    if unknown:
        raise BadInputError(
            f"{where} names body fields the operation does not have: {', '.join(unknown)}."
        )
    if raw["parameter"] in fields or raw["parameter"] in RESERVED_KEYWORDS:
        raise BadInputError(
            f"{where}: parameter {raw['parameter']!r} collides with a body field or a client "
            f"option of the same name."
        )
    return ContinuationInfo(**{key: str(raw[key]) for key in _CONTINUATION_KEYS})


def _absent_grace(operation: OperationNode) -> float:
    raw = operation.node.get("x-absent-grace")
    if raw is None:
        return 0.0
    if not isinstance(raw, int | float) or isinstance(raw, bool) or raw <= 0:
        raise BadInputError(
            f"spec {operation.where}: x-absent-grace is a positive number of seconds."
        )
    return float(raw)


def _operation(
    view: SpecView,
    operation: OperationNode,
    resource: tuple[str, ...],
    resume: tuple[OperationNode, dict[str, Any]] | None,
    types: TypeModel,
) -> Operation:
    raw_streaming = operation.node.get("x-streaming")
    streaming: dict[str, Any] = raw_streaming if isinstance(raw_streaming, dict) else {}
    upload = operation.node.get("x-upload") == "resumable"
    parameters = _parameters(view, operation, streaming, upload)
    content = view.success_content(operation)
    responses = view.union_members((content.get("application/json") or {}).get("schema"), "")
    if len(responses) > 1:
        raise BadInputError(f"spec {operation.where}: a success response is one schema.")
    response = types.class_for(responses[0]) if responses else None
    request_schemas = view.union_members(view.request_schema(operation), operation.where)
    body_fields, body_schemas = _body(
        view, request_schemas, types, set(streaming.get("body") or {})
    )
    taken = {parameter.python_name for parameter in parameters}
    for field in body_fields:
        if field.python_name in taken or field.python_name in RESERVED_KEYWORDS:
            raise BadInputError(
                f"spec operation {operation.node.get('operationId')}: body field "
                f"{field.python_name!r} collides with a parameter or a client option of the "
                f"same name."
            )
    resumes = bool(streaming.get("resume_parameter")) and operation.method == "get"
    continuation = _continuation(operation, body_fields)
    if continuation is not None and not streaming:
        raise BadInputError(
            f"spec {operation.where}: x-continuation needs x-streaming (a hop streams when the "
            f"call streams)."
        )
    return Operation(
        operation_id=str(operation.node.get("operationId", "")),
        resource=resource,
        method_name=_method_name(operation, resource),
        http_method=operation.method.upper(),
        path=operation.path.split("?")[0],
        summary=str(operation.node.get("summary", "")).strip(),
        description=str(operation.node.get("description", "")).strip(),
        parameters=parameters,
        request_schemas=tuple(types.class_for(name) for name in request_schemas),
        response_schema=response,
        body_fields=body_fields,
        body_schemas=body_schemas,
        page=_page(parameters, response, types),
        upload=upload,
        stream=_stream(view, operation, streaming, resume, types) if streaming else None,
        resumes_streams=resumes,
        wait=_wait(operation) if resumes else None,
        continuation=continuation,
        live=_live(operation, types),
        absent_grace=_absent_grace(operation),
        empty_body=_takes_empty_object(view.request_schema(operation)) and not body_fields,
        annotations=extensions_of(operation.node),
    )


def build_operations(view: SpecView, types: TypeModel) -> tuple[Operation, ...]:
    """Every operation of the spec, complete, sorted by resource and method name."""
    by_resource: dict[tuple[str, ...], list[OperationNode]] = {}
    for node in view.operations():
        by_resource.setdefault(_resource_of(node), []).append(node)
    operations = [
        _operation(view, node, resource, _resume_source(view, nodes), types)
        for resource, nodes in by_resource.items()
        for node in nodes
    ]
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
    return tuple(operations)
