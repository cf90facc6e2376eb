"""The frozen, typed views the templates lay out: one dataclass per template and its parts.

A context builder (`*_context.py`) turns the IR into one of these views; the template reads
its attributes. Every value is text ready to print (a Python literal, an annotation, a
docstring) or a flag the template branches on, so mypy checks what a builder hands a template
and a template cannot reach back into the IR. `template_vars` spreads a view into the
template's variables.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = [
    "AliasView",
    "ArgumentView",
    "BodyEntryView",
    "ByteOffsetsView",
    "CallView",
    "ChildView",
    "ConditionView",
    "ContinuationView",
    "EnumView",
    "FakeObjectView",
    "FakeRouteView",
    "FakeSchemaView",
    "FakeUnionView",
    "FieldView",
    "FlattenView",
    "HelpersView",
    "ImportView",
    "MethodView",
    "ModelView",
    "ModelsModuleView",
    "OverloadView",
    "PageView",
    "ParamAliasView",
    "ParamsView",
    "PathParameterView",
    "ResourceModuleView",
    "ResourceView",
    "RuleView",
    "RulesView",
    "StreamView",
    "TypedDictKeyView",
    "TypedDictView",
    "TypesView",
    "UnionMemberView",
    "UnionView",
    "VariantView",
    "WaitView",
    "WireValueView",
    "template_vars",
]


def template_vars(view: DataclassInstance) -> dict[str, Any]:
    """The view's fields as template variables (one level: nested views stay objects)."""
    return {field.name: getattr(view, field.name) for field in fields(view)}


# -- params.py.jinja -------------------------------------------------------------------------


@dataclass(frozen=True)
class TypedDictKeyView:
    """One key of a request dict: its wire name, annotation and docstring."""

    key: str
    quoted_key: str
    annotation: str
    required: bool
    docstring: str | None


@dataclass(frozen=True)
class TypedDictView:
    """The `TypedDict` twin of one request-side model."""

    name: str
    docstring: str
    entries: tuple[TypedDictKeyView, ...]
    class_syntax: bool
    """Class syntax when every key is an identifier no annotation reads; else functional."""


@dataclass(frozen=True)
class ParamAliasView:
    """`<Name>Param: TypeAlias = ...` for a request-side union or alias."""

    name: str
    value: str


@dataclass(frozen=True)
class ParamsView:
    """What `package/params.py.jinja` lays out, in name order (aliases in dependency order)."""

    typed_dicts: tuple[TypedDictView, ...]
    aliases: tuple[ParamAliasView, ...]


# -- rules.py.jinja --------------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionView:
    """One `when` condition of a rule, as literals."""

    field: str
    kind: str
    value: str


@dataclass(frozen=True)
class RuleView:
    """One `Rule(...)` of the rules module, as literals."""

    rule: str
    error: str
    facts: str
    confidence: str
    when: tuple[ConditionView, ...]
    effects: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RulesView:
    """What `package/rules.py.jinja` lays out: (schema literal, entries) pairs per table."""

    request_rules: tuple[tuple[str, tuple[RuleView, ...]], ...]
    resend: tuple[tuple[str, str], ...]
    inherited: tuple[tuple[str, str], ...]
    omit_on_result_turns: tuple[tuple[str, str], ...]
    correlations: tuple[tuple[str, str], ...]


# -- _fake_schema.py.jinja -------------------------------------------------------------------


@dataclass(frozen=True)
class FakeRouteView:
    """One route of the fake API: operation key, HTTP method, path pattern, body schemas."""

    key: str
    method: str
    pattern: str
    body: str


@dataclass(frozen=True)
class FakeObjectView:
    """One request object the fake checks: its fields' kinds and required keys."""

    name: str
    fields: tuple[tuple[str, str], ...]
    required: str


@dataclass(frozen=True)
class FakeUnionView:
    """One tagged union the fake resolves: the tag property and tag value → model."""

    name: str
    tag: str
    variants: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class FakeSchemaView:
    """What `package/_fake_schema.py.jinja` lays out."""

    routes: tuple[FakeRouteView, ...]
    objects: tuple[FakeObjectView, ...]
    unions: tuple[FakeUnionView, ...]


# -- models/types.py.jinja -------------------------------------------------------------------


@dataclass(frozen=True)
class FieldView:
    """One model field: annotation (quoted when it names a later definition), default, alias."""

    name: str
    annotation: str
    default: str | None
    alias: str | None
    excluded: bool
    docstring: str | None


@dataclass(frozen=True)
class FlattenView:
    """A flattened field: the validator that lifts the nested wire object's fields."""

    method: str
    field: str
    pairs: str


@dataclass(frozen=True)
class ByteOffsetsView:
    """The fields holding UTF-8 byte offsets (`span(text)` and the character conversion)."""

    start: str
    end: str


@dataclass(frozen=True)
class ModelView:
    """One model class of `types.py`."""

    name: str
    base: str
    docstring: str
    constants: str | None
    fields: tuple[FieldView, ...]
    flatten: tuple[FlattenView, ...]
    byte_offsets: ByteOffsetsView | None
    base64_fields: tuple[str, ...]
    kind: str = "model"


@dataclass(frozen=True)
class EnumView:
    """One open enum (`Literal[...]`) and its legacy spellings."""

    name: str
    values: tuple[str, ...]
    docstring: str
    aliases_docstring: str
    aliases: tuple[tuple[str, str], ...]
    kind: str = "enum"


@dataclass(frozen=True)
class UnionMemberView:
    """One member of a union's branch table."""

    annotation: str
    tag: str
    kinds: str
    tag_values: str


@dataclass(frozen=True)
class UnionView:
    """One union alias resolved by `json_union`."""

    name: str
    members: tuple[UnionMemberView, ...]
    tag_property: str
    unknown_tag: str
    docstring: str
    deferred: str | None = None
    """The tags of the members built on first use, as a tuple literal (None: none is)."""
    kind: str = "union"


@dataclass(frozen=True)
class AliasView:
    """One type alias (a named list, string, map...)."""

    name: str
    annotation: str
    docstring: str
    kind: str = "alias"


@dataclass(frozen=True)
class ImportView:
    """`from <module> import <names>` (the formatter sorts and wraps the lines)."""

    module: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class ModelsModuleView:
    """What `models/module.py.jinja` lays out: one group of definitions in their stable order."""

    module: str
    docstring: str
    imports: tuple[ImportView, ...]
    definitions: tuple[ModelView | EnumView | UnionView | AliasView, ...]
    all_names: tuple[str, ...]
    build_needs: tuple[tuple[str, tuple[str, ...]], ...]
    """Each model in the order the client completes them, then each union or alias that names
    models, with the models completed before it (`ModelGroup.build_needs`)."""


@dataclass(frozen=True)
class TypesView:
    """What `models/types.py.jinja` lays out: every name, the module it lives in (for type
    checkers and the lazy lookup), and the modules themselves."""

    all_names: tuple[str, ...]
    exported: tuple[ImportView, ...]
    """The names of `__all__` by module (imported for type checkers)."""
    homes: tuple[ImportView, ...]
    """Every name by module, the enums' legacy spellings (`...Aliases`) too (looked up lazily)."""
    modules: tuple[ModelsModuleView, ...]


# -- resources/module.py.jinja (the parts of a method) -----------------------------------------


@dataclass(frozen=True)
class PathParameterView:
    """`PathParameter(wire, name)` of a call."""

    wire: str
    name: str
    allow_reserved: bool


@dataclass(frozen=True)
class WireValueView:
    """A query parameter or header of a call: its wire name (literal) and the argument sent."""

    wire: str
    value: str


@dataclass(frozen=True)
class BodyEntryView:
    """A body field of a call: its key (literal) and the argument sent."""

    key: str
    value: str


@dataclass(frozen=True)
class CallView:
    """The arguments of a method's `Call(...)`, as literals and argument names."""

    http_method: str
    path: str
    path_parameters: tuple[PathParameterView, ...]
    query: tuple[WireValueView, ...]
    headers: tuple[WireValueView, ...]
    body: tuple[BodyEntryView, ...]
    body_schemas: str | None
    structured: str | None
    empty_body: bool
    response_schema: str | None
    generates: bool
    """A POST that can stream (`x-streaming`): its plain answer can take minutes."""
    absent_grace: str | None


@dataclass(frozen=True)
class StreamView:
    """A method's `StreamSpec(...)` constant and the event type its stream yields."""

    spec_name: str
    event: str
    event_schema: str
    final_schema: str
    query: tuple[tuple[str, str], ...]
    body: tuple[tuple[str, str], ...]
    resume_template: str
    resume_path_parameter: str
    resume_query: tuple[tuple[str, str], ...]
    resume_parameter: str


@dataclass(frozen=True)
class ContinuationView:
    """A method's `ContinuationSpec(...)` constant and its opt-in parameter."""

    spec_name: str
    parameter: str
    fields: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class WaitView:
    """The defaults and docstring of a resource's `wait()`."""

    timeout: str
    poll_interval: str
    max_poll_interval: str
    grace_period: str
    docstring: str


@dataclass(frozen=True)
class ArgumentView:
    """One argument of a method signature: name, annotation, default (None: no default)."""

    name: str
    annotation: str
    default: str | None


@dataclass(frozen=True)
class OverloadView:
    """A typed overload of a structured-output method: its keywords and what it answers."""

    keywords: tuple[ArgumentView, ...]
    returns: str


@dataclass(frozen=True)
class PageView:
    """How a list method pages: the page model, its items and the token parameter."""

    page_type: str | None
    item_type: str
    items_field: str
    token: str


@dataclass(frozen=True)
class MethodView:
    """One method of a resource class, everything its template macros lay out."""

    name: str
    stream: StreamView | None
    continuation: ContinuationView | None
    positional: tuple[ArgumentView, ...]
    keywords: tuple[ArgumentView, ...]
    parsed: tuple[OverloadView, ...]
    """Typed structured-output overloads, before the plain ones."""
    plain_keywords: tuple[ArgumentView, ...]
    """The keywords of the plain overloads (structured fields take only wire values)."""
    stream_final: str | None
    """A stream's final value as the implementation declares it (a parsed one is generic)."""
    docstring: str
    call: CallView
    returns: str | None
    page: PageView | None
    upload: bool
    raw: bool
    """What `with_raw_response` offers: calls that answer once (not pagers or uploads)."""


@dataclass(frozen=True)
class HelpersView:
    """`resume()` (and `wait()`) of the resource that reads streams back."""

    get_method: str
    id: str
    spec_name: str
    after: str
    event: str
    final: str | None
    wait: WaitView | None


@dataclass(frozen=True)
class ChildView:
    """A sub-resource: the attribute that reaches it and its class name."""

    attribute: str
    name: str


@dataclass(frozen=True)
class LiveView:
    """`connect()` of the resource whose operation carries `x-live` (a WebSocket session)."""

    path: str
    """The live path under the API version, as a Python literal."""
    event: str
    """The event union's class name (for annotations)."""
    event_literal: str
    """The same name as a Python literal (for the session's parser)."""
    docstring: str


@dataclass(frozen=True)
class ResourceView:
    """One resource class (rendered once per variant, sync and async)."""

    helpers: HelpersView | None
    live: LiveView | None
    name: str
    path: str
    docstring: str
    children: tuple[ChildView, ...]
    methods: tuple[MethodView, ...]


@dataclass(frozen=True)
class VariantView:
    """How the sync and async resource classes differ (names, `await`, runtime classes)."""

    prefix: str
    define: str
    await_: str
    stream: str
    pager: str
    api_client: str
    raw_wrapper: str
    continue_call: str
    continue_stream: str
    live_session: str
    live_factory: str
    live_module: str
    """The `lib` module of the Live session (imported by `connect()` itself: Live loads asyncio)."""


@dataclass(frozen=True)
class ResourceModuleView:
    """What `package/resources/module.py.jinja` lays out for one top-level resource."""

    module: str
    resources: tuple[ResourceView, ...]
    continuation_specs: tuple[ContinuationView, ...]
    stream_specs: tuple[StreamView, ...]
    type_imports: tuple[str, ...]
    param_imports: tuple[str, ...]
    imports: dict[str, bool]
    """Which runtime names the module uses, so it imports exactly those."""
    docstring: str
