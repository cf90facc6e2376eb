"""Template data for the generated clients and resources: signatures, calls and streams as data.

Each method becomes a dictionary of names, annotations (from `annotations.py`) and literals;
the macros of `templates/package/resource.py.jinja` lay out the signature, the `Call(...)`,
the `StreamSpec(...)` and the `resume()` / `wait()` helpers from it, once for the sync client and
once for the async one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from generator.errors import BadInputError
from generator.ir.model import BodyField, ContinuationInfo, Operation, Parameter, WaitInfo
from generator.ir.naming import pascal_case, python_field_name
from generator.ir.types import ListOf, LiteralOf, Scalar, UnionOf, names_in, optional, walk
from generator.render.annotations import annotation
from generator.render.literals import docstring, py_literal
from generator.render.views import (
    ArgumentView,
    BodyEntryView,
    CallView,
    ChildView,
    ContinuationView,
    HelpersView,
    LiveView,
    MethodView,
    OverloadView,
    PageView,
    PathParameterView,
    ResourceModuleView,
    ResourceView,
    StreamView,
    VariantView,
    WaitView,
    WireValueView,
)

__all__ = ["client_context"]


_MARKERS = frozenset({"Required", "Optional"})


def _class_name(resource: tuple[str, ...]) -> str:
    return "".join(pascal_case(part) for part in resource) + "Resource"


def _first_sentence(text: str) -> str:
    """The first sentence of a description; a bare `Required.` or `Optional.` marker keeps the
    sentence after it, which says what the value is."""
    sentences = re.sub(r"\s+", " ", text).strip().split(". ")
    head = sentences[0].rstrip(".")
    if head in _MARKERS and len(sentences) > 1:
        return f"{head}. {sentences[1].rstrip('.')}."
    return head + "."


def _method_docstring(operation: Operation) -> str:
    lines = [operation.summary or operation.description or operation.operation_id]
    if operation.summary and operation.description and operation.description != operation.summary:
        lines += ["", operation.description]
    documented = [
        (parameter.python_name, parameter.description) for parameter in operation.parameters
    ] + [(field.python_name, field.description) for field in operation.body_fields]
    documented = [(name, _first_sentence(text)) for name, text in documented if text]
    if operation.continuation:
        documented.append((operation.continuation.parameter, _CONTINUATION_DOC))
    if documented:
        lines += ["", "Args:"]
        lines += [f"    {name}: {text}" for name, text in documented]
    if operation.absent_grace:
        lines += [
            "",
            f"A 403 or 404 answer is retried for {operation.absent_grace:g} seconds: a resource "
            "created a moment ago may not be visible to this operation yet.",
        ]
    lines += ["", f"`{operation.http_method} {operation.path}` ({operation.operation_id})."]
    return docstring("\n".join(lines), "        ")


_CONTINUATION_DOC = (
    "Continue an answer that stops with `requires_continuation` hop by hop and merge the "
    "hops (each hop bills the input again). Off by default: such an answer is returned as it "
    "came, with a warning. `False` with `background=True` is refused."
)


def _argument(name: str, type_text: str, has_default: bool) -> ArgumentView:
    return ArgumentView(name=name, annotation=type_text, default="None" if has_default else None)


def _parameter_argument(parameter: Parameter) -> ArgumentView:
    type_ = parameter.type if parameter.required else optional(parameter.type)
    return _argument(parameter.python_name, annotation(type_), not parameter.required)


_OUTPUT_TYPES = (Scalar("type[Any]"), Scalar("_SpecialForm"), Scalar("UnionType"))
"""What a structured-output field also takes: a class or any type pydantic can adapt (a
`Literal[...]`, `Annotated[...]` or `Union[...]` is a special form to a checker, `A | B` a
`UnionType`)."""

_PARSED_RESULTS = {"Interaction": "ParsedInteraction"}
"""The generic subclass (runtime `_parsed`) that a structured answer is, by response schema."""


def _body_annotation(field: BodyField) -> str:
    type_ = UnionOf((field.type, *_OUTPUT_TYPES)) if field.structured else field.type
    return annotation(optional(type_), builtin_list=True)


def _parsed_overloads(
    operation: Operation, keywords: list[ArgumentView]
) -> tuple[list[OverloadView], list[ArgumentView] | None]:
    """The typed overloads a structured-output method gets (`x-structured-output`, W51): a
    class `type[_T]` answers `ParsedInteraction[_T]`, another adaptable type
    `ParsedInteraction[Any]`; and the keywords of the plain overload, whose structured fields
    take only wire values. Empty (and None) for a method without structured fields."""
    structured = {field.python_name: field for field in operation.body_fields if field.structured}
    if not structured:
        return [], None
    parsed = _PARSED_RESULTS.get(operation.response_schema or "")
    if parsed is None or operation.page or operation.upload:
        raise BadInputError(
            f"x-structured-output on {operation.operation_id} ({operation.method_name}): only "
            f"an operation answering one {' or '.join(sorted(_PARSED_RESULTS))} can parse its "
            f"answer into a type, and this one answers {operation.response_schema!r}."
        )

    def replaced(annotations: dict[str, str]) -> tuple[ArgumentView, ...]:
        return tuple(
            replace(item, annotation=annotations[item.name], default=None)
            if item.name in annotations
            else item
            for item in keywords
        )

    overloads = []
    for name in sorted(structured):
        overloads.append(OverloadView(replaced({name: "type[_T]"}), f"{parsed}[_T]"))
        overloads.append(
            OverloadView(replaced({name: "_SpecialForm | UnionType"}), f"{parsed}[Any]")
        )
    wire_only = {
        name: annotation(optional(field.type), builtin_list=True)
        for name, field in structured.items()
    }
    plain = [
        replace(item, annotation=wire_only[item.name]) if item.name in wire_only else item
        for item in keywords
    ]
    return overloads, plain


def _signature(operation: Operation) -> tuple[list[ArgumentView], list[ArgumentView]]:
    """Positional and keyword arguments: required first, then optional, in a stable order."""
    path = [p for p in operation.parameters if p.location == "path"]
    others = [p for p in operation.parameters if p.location in ("query", "header")]
    token = operation.page.token_parameter if operation.page else None
    positional = [_argument(p.python_name, annotation(p.type), False) for p in path]
    if operation.upload:
        positional.append(_argument("data", "UploadData", False))
    body = operation.body_fields
    keywords = [
        _argument(field.python_name, annotation(field.type, builtin_list=True), False)
        for field in body
        if field.required
    ]
    keywords += [_parameter_argument(p) for p in others if p.required]
    keywords += [
        _parameter_argument(p) for p in others if not p.required and p.python_name != token
    ]
    keywords += [
        _argument(field.python_name, _body_annotation(field), has_default=True)
        for field in body
        if not field.required
    ]
    if token:
        keywords.append(_argument(token, "str | None", True))
    if operation.upload:
        keywords.append(_argument("content_type", "str | None", True))
    if operation.continuation:
        keywords.append(_argument(operation.continuation.parameter, "bool | None", True))
    return positional, keywords


def _call(operation: Operation) -> CallView:
    """The arguments of the method's `Call(...)`, as literals and argument names."""
    token = operation.page.token_parameter if operation.page else None
    structured = tuple(field.python_name for field in operation.body_fields if field.structured)
    located = {
        location: [p for p in operation.parameters if p.location == location]
        for location in ("path", "query", "header")
    }
    return CallView(
        http_method=py_literal(operation.http_method),
        path=py_literal(operation.path),
        path_parameters=tuple(
            PathParameterView(
                wire=py_literal(p.wire_name), name=p.python_name, allow_reserved=p.allow_reserved
            )
            for p in located["path"]
        ),
        query=tuple(
            WireValueView(
                wire=py_literal(p.wire_name),
                value="token" if p.python_name == token else p.python_name,
            )
            for p in located["query"]
        ),
        headers=tuple(
            WireValueView(wire=py_literal(p.wire_name), value=p.python_name)
            for p in located["header"]
        ),
        body=tuple(
            BodyEntryView(key=py_literal(field.python_name), value=field.python_name)
            for field in operation.body_fields
        ),
        body_schemas=py_literal(tuple(operation.body_schemas)) if operation.body_schemas else None,
        structured=py_literal(structured) if structured else None,
        empty_body=operation.empty_body,
        response_schema=(
            py_literal(operation.response_schema)
            if operation.response_schema and not operation.upload
            else None
        ),
        generates=operation.stream is not None and operation.http_method == "POST",
        absent_grace=py_literal(operation.absent_grace) if operation.absent_grace else None,
    )


def _pairs(items: Iterable[tuple[str, Any]]) -> tuple[tuple[str, str], ...]:
    return tuple((py_literal(key), py_literal(value)) for key, value in items)


def _stream_spec_name(operation: Operation) -> str:
    resource = operation.resource_path.replace(".", "_").upper()
    return f"_STREAM_{resource}_{operation.method_name.upper()}"


def _stream(operation: Operation) -> StreamView | None:
    info = operation.stream
    if info is None:
        return None
    return StreamView(
        spec_name=_stream_spec_name(operation),
        event=info.event_schema,
        event_schema=py_literal(info.event_schema),
        final_schema=py_literal(operation.response_schema),
        query=_pairs(info.query),
        body=_pairs(info.body),
        resume_template=py_literal(info.resume_template),
        resume_path_parameter=py_literal(info.resume_path_parameter),
        resume_query=_pairs(info.resume_query),
        resume_parameter=py_literal(info.resume_parameter),
    )


def _continuation(operation: Operation, info: ContinuationInfo) -> ContinuationView:
    resource = operation.resource_path.replace(".", "_").upper()
    return ContinuationView(
        spec_name=f"_CONTINUATION_{resource}_{operation.method_name.upper()}",
        parameter=info.parameter,
        fields=tuple(
            (key, py_literal(getattr(info, key)))
            for key in ("parameter", "status", "token", "previous", "input", "store", "background")
        ),
    )


def _returns(operation: Operation) -> str | None:
    if operation.upload:
        return "Any"
    if operation.page:
        return None
    return operation.response_schema or "None"


def _method(operation: Operation) -> MethodView:
    positional, keywords = _signature(operation)
    parsed, plain_keywords = _parsed_overloads(operation, keywords)
    page = None
    if operation.page:
        page = PageView(
            page_type=operation.response_schema,
            item_type=annotation(operation.page.item_type),
            items_field=operation.page.items_field,
            token=operation.page.token_parameter,
        )
    return MethodView(
        name=operation.method_name,
        stream=_stream(operation),
        continuation=_continuation(operation, operation.continuation)
        if operation.continuation
        else None,
        positional=tuple(positional),
        keywords=tuple(keywords),
        parsed=tuple(parsed),
        plain_keywords=tuple(plain_keywords or keywords),
        stream_final="Any" if parsed else _returns(operation),
        docstring=_method_docstring(operation),
        call=_call(operation),
        returns=_returns(operation),
        page=page,
        upload=operation.upload,
        # a pager or an upload makes several requests: there is no one raw response to return
        raw=not page and not operation.upload,
    )


def _wait(wait: WaitInfo) -> WaitView:
    return WaitView(
        timeout=repr(wait.timeout),
        poll_interval=repr(wait.poll_interval),
        max_poll_interval=repr(wait.max_poll_interval),
        grace_period=repr(wait.grace_period),
        docstring=docstring(
            "Poll until the resource reaches a terminal status, backing off between polls.\n\n"
            + wait.description
            + "\n\nA 403/404 within `grace_period` seconds is retried (a fresh resource may not "
            "be visible yet); `WaitTimeoutError` is raised after `timeout` seconds. Polls back "
            "off from `poll_interval` to `max_poll_interval`.",
            "        ",
        ),
    )


def _helpers(operations: list[Operation]) -> HelpersView | None:
    """`resume()` (and `wait()` when `x-wait` says how) for the resource that reads streams back."""
    reader = next((op for op in operations if op.resumes_streams and op.stream), None)
    if reader is None or reader.stream is None:
        return None
    return HelpersView(
        get_method=reader.method_name,
        id=next(p.python_name for p in reader.parameters if p.location == "path"),
        spec_name=_stream_spec_name(reader),
        after=python_field_name(reader.stream.resume_parameter),
        event=reader.stream.event_schema,
        final=reader.response_schema,
        wait=_wait(reader.wait) if reader.wait else None,
    )


def _live(operations: list[Operation]) -> LiveView | None:
    """`connect()` for the resource whose operation carries `x-live` (a live WebSocket session)."""
    live = next((op.live for op in operations if op.live), None)
    if live is None:
        return None
    return LiveView(
        path=py_literal(live.path.replace("/{api_version}/", "", 1)),
        event=live.event_schema,
        event_literal=py_literal(live.event_schema),
        docstring=docstring(
            "Open a live session (WebSocket) on the interaction `id`. Experimental.\n\n"
            + live.description
            + "\n\nUse it as a context manager; the session sends `interaction.connect` first "
            "(with `input` when given) and `interaction.disconnect` on exit. `open_timeout`, "
            "`idle_timeout` (seconds without a frame) and `timeout` (the whole session) raise "
            "`LiveTimeoutError`. Needs the `live` extra (`websockets`).",
            "        ",
        ),
    )


_VARIANTS = (
    VariantView(
        prefix="",
        define="def",
        await_="",
        stream="Stream",
        pager="SyncPager",
        api_client="SyncAPIClient",
        raw_wrapper="raw_response",
        continue_call="continue_call",
        continue_stream="continue_stream",
        live_session="LiveSession",
        live_factory="live_session",
        live_module="_sync_live",
    ),
    VariantView(
        prefix="Async",
        define="async def",
        await_="await ",
        stream="AsyncStream",
        pager="AsyncPager",
        api_client="AsyncAPIClient",
        raw_wrapper="async_raw_response",
        continue_call="async_continue_call",
        continue_stream="async_continue_stream",
        live_session="AsyncLiveSession",
        live_factory="async_live_session",
        live_module="_async_live",
    ),
)
"""How the sync and async resource classes differ: the template renders each resource twice."""


def _resources(operations: Iterable[Operation]) -> list[ResourceView]:
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
            ResourceView(
                helpers=_helpers(by_resource[resource]),
                live=_live(by_resource[resource]),
                name=_class_name(resource),
                path=".".join(resource),
                docstring=docstring(f"Operations on {'.'.join(resource)}.", "    "),
                children=tuple(
                    ChildView(attribute=child[-1], name=_class_name(child)) for child in children
                ),
                methods=tuple(_method(operation) for operation in by_resource[resource]),
            )
        )
    # children first, so a parent's cached_property can name its child class without quotes
    return sorted(resources, key=lambda item: (-item.path.count("."), item.path))


def _type_names(operations: Iterable[Operation]) -> list[str]:
    """The definitions of the types module that the methods' signatures name."""
    used: set[str] = set()
    for operation in operations:
        used |= {name for name in (operation.response_schema,) if name}
        if operation.page:
            used |= names_in(operation.page.item_type)
        if operation.stream:
            used.add(operation.stream.event_schema)
        if operation.live:
            used.add(operation.live.event_schema)
        for field in operation.body_fields:
            used |= names_in(field.type)
    return sorted(used)


def _imports(resources: list[ResourceView], operations: list[Operation]) -> dict[str, bool]:
    """Which runtime names a resource module uses, so it imports exactly those."""
    methods: list[MethodView] = [method for resource in resources for method in resource.methods]
    nested = [  # every type the signatures name, nested ones included
        node
        for operation in operations
        for type_ in [field.type for field in operation.body_fields]
        + [parameter.type for parameter in operation.parameters]
        for node in walk(type_)
    ]
    helpers = any(resource.helpers for resource in resources)
    return {
        "streams": any(method.stream for method in methods) or helpers,
        "parsed": any(method.parsed for method in methods),
        "pages": any(method.page for method in methods),
        "uploads": any(method.upload for method in methods),
        "path_parameters": any(method.call.path_parameters for method in methods),
        "builtins": any(isinstance(node, ListOf) and not node.covariant for node in nested),
        "sequence": any(isinstance(node, ListOf) and node.covariant for node in nested),
        "literal": any(method.stream for method in methods)
        or any(isinstance(node, LiteralOf) for node in nested),
        "children": any(resource.children for resource in resources),
        "continuation": any(method.continuation for method in methods),
        "live": any(resource.live for resource in resources),
        "cast": helpers
        or any(
            method.stream or method.page or method.returns not in ("None", "Any")
            for method in methods
        ),
        "types": bool(_type_names(operations)),
    }


_STREAMING_NOTE = (
    " A streaming method adds the query parameters and body fields of its `x-streaming` only "
    "when called with `stream=True`: a plain call sends no stream parameter."
)


def client_context(
    operations: tuple[Operation, ...], param_names: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Everything the client and resource templates need: one module per top-level resource.
    `param_names` are the request dicts' names (in the `params` module) the signatures use."""
    resources = _resources(operations)
    modules: list[ResourceModuleView] = []
    for top in sorted({operation.resource[0] for operation in operations}):
        members = [r for r in resources if r.path.split(".")[0] == top]
        own = [operation for operation in operations if operation.resource[0] == top]
        named = _type_names(own)
        modules.append(
            ResourceModuleView(
                module=top,
                resources=tuple(members),
                continuation_specs=tuple(
                    method.continuation
                    for resource in members
                    for method in resource.methods
                    if method.continuation
                ),
                stream_specs=tuple(
                    method.stream
                    for resource in members
                    for method in resource.methods
                    if method.stream
                ),
                type_imports=tuple(name for name in named if name not in param_names),
                param_imports=tuple(name for name in named if name in param_names),
                imports=_imports(members, own),
                docstring=docstring(
                    f"The `{top}` resource"
                    + (" and its sub-resources" if len(members) > 1 else "")
                    + ", sync and async side by side.\n\nReach them from `Client` / `AsyncClient`"
                    + f" as `client.{top}`."
                    + (_STREAMING_NOTE if any(op.stream for op in own) else "")
                ),
            )
        )
    return {
        "resource_modules": modules,
        "variants": _VARIANTS,
        "top_level": [
            {
                "module": module.module,
                "name": module.module,
                "class_name": module.resources[-1].name,
                "async_class_name": "Async" + module.resources[-1].name,
            }
            for module in modules
        ],
    }
