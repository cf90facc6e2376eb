"""What the generated client methods need beyond the raw operations: keyword arguments for body
fields, the body schemas to validate against, pagination and uploads.

- Body fields become keyword arguments typed like the model fields (`Interaction`-typed models
  and unions). Output-only (`readOnly`) fields are left out, and so are the body switches an
  operation's `x-streaming` owns (`stream`). A union body (`ModelInteraction | AgentInteraction`)
  offers every member's fields, all optional; the client picks the member whose required fields
  were given.
- A list operation pages when it takes a `page_token` and its response has `next_page_token`
  plus exactly one list field: its method returns a pager over that field's items.
- An operation marked `x-upload: resumable` becomes an upload method taking bytes, a path or a
  file object.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from generator.errors import BadInputError
from generator.ir.model import BodyField, ModelDef, Operation, PageInfo, StreamInfo
from generator.ir.schemas import TypeModel, python_field_name

__all__ = ["RESERVED_KEYWORDS", "enrich_operations"]

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


_PLAIN = {"StrictInt": "int", "StrictBool": "bool", "Number": "float"}
"""Model scalars that validate strictly, as the plain types a caller passes (`3`, `True`, `0.5`)."""
_PLAIN_SCALARS = re.compile(r"\b(?:StrictInt|StrictBool|Number)\b")


def _schema(spec: dict[str, Any], name: str) -> dict[str, Any]:
    schema = ((spec.get("components") or {}).get("schemas") or {}).get(name)
    return schema if isinstance(schema, dict) else {}


def _operation_node(spec: dict[str, Any], operation: Operation) -> dict[str, Any]:
    for path, item in (spec.get("paths") or {}).items():
        if path.split("?")[0] != operation.path or not isinstance(item, dict):
            continue
        node = item.get(operation.http_method.lower())
        if isinstance(node, dict):
            return node
    return {}


def _body(
    spec: dict[str, Any], operation: Operation, models: dict[str, ModelDef], skip: set[str]
) -> tuple[tuple[BodyField, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    if not operation.request_schema:
        return (), ()
    names = []
    for name in (part.strip() for part in operation.request_schema.split("|")):
        options = _schema(spec, name).get("oneOf")
        if isinstance(options, list):  # a named union body: offer its members' fields
            names += [
                str(option["$ref"]).rsplit("/", 1)[-1]
                for option in options
                if isinstance(option, dict) and isinstance(option.get("$ref"), str)
            ]
        else:
            names.append(name)
    merged: dict[str, tuple[list[str], bool, str]] = {}
    schemas = []
    for name in names:
        model = models.get(name)
        schema = _schema(spec, name)
        if model is None:
            continue
        properties = schema.get("properties") or {}
        required_wire = tuple(
            wire
            for wire in schema.get("required") or []
            if not (properties.get(wire) or {}).get("readOnly")
        )
        schemas.append((name, required_wire))
        for field in model.fields:
            prop = properties.get(field.wire_name) or {}
            # A union's members are told apart by their tag, so the tag is an argument there.
            tag_of_union = field.wire_constant and len(names) > 1
            if field.excluded or (field.wire_constant and not tag_of_union) or prop.get("readOnly"):
                continue
            if field.wire_name in skip:
                continue
            hint = _PLAIN_SCALARS.sub(
                lambda match: _PLAIN[match.group(0)], field.type_hint.removesuffix(" | None")
            )
            required = len(names) == 1 and field.required
            hints, was_required, description = merged.get(field.python_name, ([], True, ""))
            if hint not in hints:
                hints.append(hint)
            merged[field.python_name] = (
                hints,
                was_required and required,
                description or field.description,
            )
    fields = tuple(
        BodyField(python, " | ".join(hints), required, description)
        for python, (hints, required, description) in sorted(merged.items())
    )
    return fields, tuple(schemas)


def _page(operation: Operation, models: dict[str, ModelDef]) -> PageInfo | None:
    token = next((p for p in operation.parameters if p.wire_name == "page_token"), None)
    model = models.get(operation.response_schema or "")
    if token is None or model is None:
        return None
    names = {field.wire_name for field in model.fields}
    lists = [
        field
        for field in model.fields
        if field.type_hint.removesuffix(" | None").startswith("list[")
    ]
    if "next_page_token" not in names or len(lists) != 1:
        return None
    item = lists[0].type_hint.removesuffix(" | None")[len("list[") : -1]
    return PageInfo(lists[0].python_name, item, token.python_name)


def _event_schema(spec: dict[str, Any], node: dict[str, Any]) -> str | None:
    responses = node.get("responses") or {}
    for code in ("200", "default"):
        content = ((responses.get(code) or {}).get("content") or {}).get("text/event-stream") or {}
        ref = (content.get("schema") or {}).get("$ref")
        if isinstance(ref, str):
            envelope = _schema(spec, ref.rsplit("/", 1)[-1])
            data_ref = ((envelope.get("properties") or {}).get("data") or {}).get("$ref")
            return str(data_ref or ref).rsplit("/", 1)[-1]
    return None


def _stream_info(
    spec: dict[str, Any], operation: Operation, operations: tuple[Operation, ...]
) -> StreamInfo | None:
    streaming = _operation_node(spec, operation).get("x-streaming")
    if not isinstance(streaming, dict):
        return None
    event_schema = _event_schema(spec, _operation_node(spec, operation))
    for other in operations:
        node = _operation_node(spec, other)
        resume = node.get("x-streaming")
        if other.resource != operation.resource or not isinstance(resume, dict):
            continue
        if not isinstance(resume.get("resume_parameter"), str):
            continue
        path = [p for p in other.parameters if p.location == "path"]
        if event_schema is None or len(path) != 1:
            break
        return StreamInfo(
            event_schema=event_schema,
            query=tuple(
                sorted((str(k), str(v)) for k, v in (streaming.get("query") or {}).items())
            ),
            body=tuple(sorted((streaming.get("body") or {}).items())),
            resume_template=other.path,
            resume_path_parameter=path[0].wire_name,
            resume_query=tuple(
                sorted((str(k), str(v)) for k, v in (resume.get("query") or {}).items())
            ),
            resume_parameter=str(resume["resume_parameter"]),
        )
    raise BadInputError(
        f"spec operation {operation.operation_id}: x-streaming needs a text/event-stream response "
        f"and an operation on the same resource with x-streaming.resume_parameter."
    )


def enrich_operations(
    spec: dict[str, Any], operations: tuple[Operation, ...], types: TypeModel
) -> tuple[Operation, ...]:
    """Operations with body keyword arguments, body schemas, paging and upload details."""
    models = {model.name: model for model in types.models}
    enriched = []
    for operation in operations:
        node = _operation_node(spec, operation)
        streaming = node.get("x-streaming") or {}
        skip = set((streaming.get("body") or {}) if isinstance(streaming, dict) else {})
        body_fields, body_schemas = _body(spec, operation, models, skip)
        upload = node.get("x-upload") == "resumable"
        parameters = tuple(
            parameter
            for parameter in operation.parameters
            if not (upload and parameter.location == "header")
            and not (
                isinstance(streaming, dict) and parameter.wire_name in _streaming_names(streaming)
            )
        )
        taken = {parameter.python_name for parameter in parameters}
        for field in body_fields:
            if field.python_name in taken or field.python_name in RESERVED_KEYWORDS:
                raise BadInputError(
                    f"spec operation {operation.operation_id}: body field {field.python_name!r} "
                    f"collides with a parameter or a client option of the same name."
                )
        enriched.append(
            dataclasses.replace(
                operation,
                parameters=parameters,
                body_fields=body_fields,
                body_schemas=body_schemas,
                page=_page(operation, models),
                upload=upload,
                stream=_stream_info(spec, operation, operations),
            )
        )
    return tuple(enriched)


def _streaming_names(streaming: dict[str, Any]) -> set[str]:
    names = set((streaming.get("query") or {}).keys())
    if isinstance(streaming.get("resume_parameter"), str):
        names.add(streaming["resume_parameter"])
    return {python_field_name(name) for name in names} | names
