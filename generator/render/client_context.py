"""Template context for the generated clients and resources: signatures and calls as text.

Every method signature, call construction and return type is computed here from the enriched
operations (`client_ir.py`); `templates/package/_resources.py.jinja` and `client.py.jinja` only
lay them out, once for the sync client and once for the async one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from generator.ir.model import Operation, Parameter
from generator.ir.naming import pascal_case
from generator.render.literals import docstring, py_literal

__all__ = ["client_context"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _class_name(resource: tuple[str, ...]) -> str:
    return "".join(pascal_case(part) for part in resource) + "Resource"


def _builtin_safe(hint: str) -> str:
    """Resource classes define methods named `list`, which would shadow the builtin in hints."""
    return re.sub(r"\blist\[", "builtins.list[", hint)


def _parameter_hint(parameter: Parameter) -> str:
    return parameter.type_hint if parameter.required else f"{parameter.type_hint} | None = None"


def _first_sentence(text: str) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    sentence = flat.split(". ")[0].rstrip(".")
    return sentence + "."


def _method_docstring(operation: Operation) -> str:
    lines = [operation.summary or operation.description or operation.operation_id]
    if operation.summary and operation.description and operation.description != operation.summary:
        lines += ["", operation.description]
    documented = [
        (parameter.python_name, parameter.description) for parameter in operation.parameters
    ] + [(field.python_name, field.description) for field in operation.body_fields]
    documented = [(name, _first_sentence(text)) for name, text in documented if text]
    if documented:
        lines += ["", "Args:"]
        lines += [f"    {name}: {text}" for name, text in documented]
    lines += ["", f"`{operation.http_method} {operation.path}` ({operation.operation_id})."]
    return docstring("\n".join(lines), "        ")


def _method(operation: Operation) -> dict[str, Any]:
    path = [p for p in operation.parameters if p.location == "path"]
    query = [p for p in operation.parameters if p.location == "query"]
    headers = [p for p in operation.parameters if p.location == "header"]
    positional = [f"{p.python_name}: {p.type_hint}" for p in path]
    if operation.upload:
        positional.append("data: UploadData")
    keywords = [
        f"{field.python_name}: {_builtin_safe(field.type_hint)}"
        for field in operation.body_fields
        if field.required
    ]
    keywords += [f"{p.python_name}: {_parameter_hint(p)}" for p in query + headers if p.required]
    keywords += [
        f"{p.python_name}: {_parameter_hint(p)}"
        for p in query + headers
        if not p.required
        and not (operation.page and p.python_name == operation.page.token_parameter)
    ]
    keywords += [
        f"{field.python_name}: {_builtin_safe(field.type_hint)} | None = None"
        for field in operation.body_fields
        if not field.required
    ]
    if operation.page:
        keywords.append(f"{operation.page.token_parameter}: str | None = None")
    if operation.upload:
        keywords.append("content_type: str | None = None")
    token = operation.page.token_parameter if operation.page else None
    query_items = [
        f"{py_literal(p.wire_name)}: {'token' if p.python_name == token else p.python_name}"
        for p in query
    ]
    header_items = [f"{py_literal(p.wire_name)}: {p.python_name}" for p in headers]
    path_items = [
        f"PathParameter({py_literal(p.wire_name)}, {p.python_name}"
        + (", allow_reserved=True" if p.allow_reserved else "")
        + ")"
        for p in path
    ]
    body = None
    if operation.body_fields:
        body = (
            "{"
            + ", ".join(
                f"{py_literal(f.python_name)}: {f.python_name}" for f in operation.body_fields
            )
            + "}"
        )
    if operation.upload:
        returns = "Any"
    elif operation.page:
        returns = None
    else:
        returns = operation.response_schema or "None"
    call_arguments = [py_literal(operation.http_method), py_literal(operation.path)]
    if path_items:
        call_arguments.append(f"path_parameters=({', '.join(path_items)},)")
    if query_items:
        call_arguments.append("query={" + ", ".join(query_items) + "}")
    if header_items:
        call_arguments.append("headers={" + ", ".join(header_items) + "}")
    if body is not None:
        call_arguments.append(f"body={body}")
    if operation.body_schemas:
        call_arguments.append(f"body_schemas={py_literal(tuple(operation.body_schemas))}")
    if operation.response_schema and not operation.upload:
        call_arguments.append(f"response_schema={py_literal(operation.response_schema)}")
    if operation.stream is not None and operation.http_method == "POST":
        # a POST that can stream (`x-streaming`) generates: its plain answer can take minutes
        call_arguments.append("generates=True")
    page = None
    if operation.page:
        page = {
            "page_type": operation.response_schema,
            "item_type": operation.page.item_type,
            "items_field": operation.page.items_field,
            "token": operation.page.token_parameter,
        }
    stream = None
    if operation.stream is not None:
        info = operation.stream
        stream = {
            "spec_name": _stream_spec_name(operation),
            "spec": (
                f"StreamSpec(event_schema={py_literal(info.event_schema)}, "
                f"final_schema={py_literal(operation.response_schema)}, "
                f"query={dict(info.query)!r}, body={dict(info.body)!r}, "
                f"resume_template={py_literal(info.resume_template)}, "
                f"resume_path_parameter={py_literal(info.resume_path_parameter)}, "
                f"resume_query={dict(info.resume_query)!r}, "
                f"resume_parameter={py_literal(info.resume_parameter)})"
            ),
            "event": info.event_schema,
        }
    return {
        "name": operation.method_name,
        "stream": stream,
        "positional": positional,
        "keywords": keywords,
        "docstring": _method_docstring(operation),
        "call": ", ".join(call_arguments),
        "returns": returns,
        "page": page,
        "upload": operation.upload,
    }


_VARIANTS = (
    {
        "prefix": "",
        "define": "def",
        "await": "",
        "stream": "Stream",
        "pager": "SyncPager",
        "api_client": "SyncAPIClient",
    },
    {
        "prefix": "Async",
        "define": "async def",
        "await": "await ",
        "stream": "AsyncStream",
        "pager": "AsyncPager",
        "api_client": "AsyncAPIClient",
    },
)
"""How the sync and async resource classes differ: the template renders each resource twice."""


def _stream_spec_name(operation: Operation) -> str:
    resource = operation.resource_path.replace(".", "_").upper()
    return f"_STREAM_{resource}_{operation.method_name.upper()}"


def _helpers(operations: list[Operation]) -> dict[str, Any] | None:
    """`resume()` / `wait()` for the resource whose GET resumes streams, if this is it."""
    waiter = next(
        (
            operation
            for operation in operations
            if operation.stream
            and operation.http_method == "GET"
            and operation.path == operation.stream.resume_template
        ),
        None,
    )
    if waiter is None or waiter.stream is None:
        return None
    return {
        "get_method": waiter.method_name,
        "id": next(p.python_name for p in waiter.parameters if p.location == "path"),
        "spec_name": _stream_spec_name(waiter),
        "event": waiter.stream.event_schema,
        "final": waiter.response_schema,
    }


def _resources(operations: Iterable[Operation]) -> list[dict[str, Any]]:
    by_resource: dict[tuple[str, ...], list[Operation]] = {}
    for operation in operations:
        for depth in range(1, len(operation.resource)):
            by_resource.setdefault(operation.resource[:depth], [])
        by_resource.setdefault(operation.resource, []).append(operation)
    resources = []
    for resource in sorted(by_resource):
        children = sorted(
            child
            for child in by_resource
            if len(child) == len(resource) + 1 and child[: len(resource)] == resource
        )
        resources.append(
            {
                "helpers": _helpers(by_resource[resource]),
                "name": _class_name(resource),
                "path": ".".join(resource),
                "docstring": docstring(f"Operations on {'.'.join(resource)}.", "    "),
                "children": [
                    {"attribute": child[-1], "name": _class_name(child)} for child in children
                ],
                "methods": [_method(operation) for operation in by_resource[resource]],
            }
        )
    # children first, so a parent's cached_property can name its child class without quotes
    return sorted(resources, key=lambda item: (-item["path"].count("."), item["path"]))


def client_context(operations: tuple[Operation, ...], type_names: Iterable[str]) -> dict[str, Any]:
    """Everything the client templates need."""
    resources = _resources(operations)
    known = set(type_names)
    used: set[str] = set()
    for operation in operations:
        text = " ".join(
            [
                operation.response_schema or "",
                operation.page.item_type if operation.page else "",
                operation.stream.event_schema if operation.stream else "",
            ]
            + [field.type_hint for field in operation.body_fields]
        )
        used |= {name for name in _NAME.findall(text) if name in known}
    top = [resource for resource in resources if "." not in resource["path"]]
    stream_specs = [
        (method["stream"]["spec_name"], method["stream"]["spec"])
        for resource in resources
        for method in resource["methods"]
        if method["stream"]
    ]
    return {
        "stream_specs": stream_specs,
        "resources": resources,
        "variants": _VARIANTS,
        "type_imports": sorted(used),
        "top_level": [
            {
                "name": resource["path"],
                "class_name": resource["name"],
                "async_class_name": "Async" + resource["name"],
            }
            for resource in sorted(top, key=lambda item: item["path"])
        ],
    }
