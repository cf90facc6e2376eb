"""The intermediate model of the API: what the templates render, computed entirely in Python.

Everything here is a frozen dataclass, built by `schemas.py`, `operations.py` and `rules.py` and
sorted deterministically, so the rendered output depends on the spec's content, never on its key
order. Names are already Python names; types are trees (`types.py`), never text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.ir.extensions import Confidence
from generator.ir.types import TypeExpr

__all__ = [
    "Api",
    "BodyField",
    "Condition",
    "ContinuationInfo",
    "EnumDef",
    "FieldDef",
    "FlattenDef",
    "ModelDef",
    "ModelGroup",
    "Operation",
    "PageInfo",
    "Parameter",
    "RequestRules",
    "Rule",
    "StreamInfo",
    "TypeAliasDef",
    "TypeModel",
    "UnionDef",
    "UnionMember",
    "WaitInfo",
]


# -- types ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EnumDef:
    """A closed list of known wire values, used as `Literal[...] | str` (open on both sides)."""

    name: str
    values: tuple[str, ...]
    aliases: tuple[tuple[str, str], ...]
    description: str
    source: str
    annotations: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class FieldDef:
    """One field of a model: Python name, wire name, type and how it defaults.

    A field with a `constant` is a wire constant (its one value is the default); any other field
    that is not `required` defaults to None, unless it has an `absent_default` (an overlay's
    `x-absent-default`): then its type is not optional and it reads that string when absent.
    """

    python_name: str
    wire_name: str
    type: TypeExpr
    required: bool
    description: str
    constant: str | None = None
    base64: bool = False
    excluded: bool = False
    annotations: tuple[tuple[str, Any], ...] = ()
    """The overlays' annotations on the property (`x-inherited`, `x-flatten`...), as given."""
    absent_default: str | None = None
    """What an optional field reads when the wire omits it, if not None (`x-absent-default`)."""


@dataclass(frozen=True)
class FlattenDef:
    """A nested wire object (`arguments`) whose fields the model also exposes flat."""

    field: str
    wire_field: str
    model: str
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ModelDef:
    """A pydantic model for an object schema."""

    name: str
    description: str
    fields: tuple[FieldDef, ...]
    flatten: tuple[FlattenDef, ...]
    byte_offsets: tuple[str, str] | None
    source: str
    unknown_variant: bool = False
    annotations: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class UnionMember:
    """One member of a union: its tag, type, JSON kinds and known constant tags.

    `tag` is the constant tag value of a tagged object member, `UNKNOWN_TAG` for the unknown
    variant and None for a member told apart by JSON kind.
    """

    tag: str | None
    type: TypeExpr
    kinds: tuple[str, ...]
    tag_values: tuple[str, ...]
    deferred: bool = False
    """A model member built the first time a value of its kind comes, not with its union
    (`ir/deferral.py`)."""


@dataclass(frozen=True)
class UnionDef:
    """A union resolved by JSON kind and, among objects, by a constant tag property."""

    name: str
    description: str
    members: tuple[UnionMember, ...]
    tag_property: str | None
    unknown: str | None
    source: str
    annotations: tuple[tuple[str, Any], ...] = ()
    tag_declared: bool = False
    """The spec declares `tag_property` in a `discriminator` (else the IR inferred it)."""


@dataclass(frozen=True)
class TypeAliasDef:
    """A named schema that is neither object, enum nor union (a list, a string, a map...)."""

    name: str
    type: TypeExpr
    description: str
    source: str
    annotations: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class TypeModel:
    """Every definition of the types module, each collection sorted by name."""

    enums: tuple[EnumDef, ...]
    models: tuple[ModelDef, ...]
    unions: tuple[UnionDef, ...]
    aliases: tuple[TypeAliasDef, ...]
    components: tuple[str, ...] = ()
    """The class names of the spec's named (component) schemas; the rest are inline-derived."""
    classes: tuple[tuple[str, str], ...] = ()
    """Each component schema's name with its class name, where the two differ (`Literal` →
    `Literal_`, `my-thing` → `MyThing`)."""

    def class_for(self, schema: str) -> str:
        """The class name of component schema `schema` (operations name schemas by spec name)."""
        return dict(self.classes).get(schema, schema)

    def model(self, name: str) -> ModelDef | None:
        """The model called `name`, if there is one."""
        return next((model for model in self.models if model.name == name), None)

    def names(self) -> tuple[str, ...]:
        """Every definition's name, sorted."""
        return tuple(
            sorted(
                [definition.name for definition in self.enums]
                + [definition.name for definition in self.models]
                + [definition.name for definition in self.unions]
                + [definition.name for definition in self.aliases]
            )
        )


@dataclass(frozen=True)
class ModelGroup:
    """One module of the generated models: the definitions a set of roots reaches first.

    `groups.py` decides them; each group names only its own definitions and those of earlier
    groups, so the modules import each other in one direction."""

    module: str
    """The module's name inside the private models package (`interactions`, `stream_events`)."""
    summary: str
    """What the module holds, for its docstring."""
    names: tuple[str, ...]
    """The definitions it holds, sorted."""
    build_needs: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Its models in the order the client completes them (children first: depth-first, cycles
    cut where met), then its unions and aliases that name models, each with the models completed
    before it (of earlier groups, then of this one). In this order pydantic generates each
    model's schema once instead of once per root that reaches it; following one model's needs,
    a call completes only the models it can meet."""


# -- operations -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Parameter:
    """A path, query or header parameter of one operation."""

    wire_name: str
    python_name: str
    location: str
    required: bool
    type: TypeExpr
    description: str
    allow_reserved: bool = False


@dataclass(frozen=True)
class BodyField:
    """A request-body field offered as a keyword argument of the operation's method."""

    python_name: str
    type: TypeExpr
    required: bool
    description: str
    structured: bool = False
    """The field also takes a type to parse the answer into (`x-structured-output`)."""


@dataclass(frozen=True)
class PageInfo:
    """How a list operation pages: the items field, its item type, the token parameter."""

    items_field: str
    item_type: TypeExpr
    token_parameter: str


@dataclass(frozen=True)
class StreamInfo:
    """How an operation streams (from `x-streaming`) and how its streams resume."""

    event_schema: str
    query: tuple[tuple[str, str], ...]
    body: tuple[tuple[str, Any], ...]
    resume_template: str
    resume_path_parameter: str
    resume_query: tuple[tuple[str, str], ...]
    resume_parameter: str


@dataclass(frozen=True)
class WaitInfo:
    """How `wait()` polls the operation that reads a long-running resource (`x-wait`)."""

    timeout: float
    poll_interval: float
    max_poll_interval: float
    grace_period: float
    description: str


@dataclass(frozen=True)
class ContinuationInfo:
    """How a generating call continues across `requires_continuation` hops (`x-continuation`).

    `parameter` is the opt-in keyword the method takes; `status` is the answer's status that asks
    for a hop; the other names are the body fields a hop rewrites (fact W98).
    """

    parameter: str
    status: str
    token: str
    previous: str
    input: str
    store: str
    background: str


@dataclass(frozen=True)
class LiveInfo:
    """A live WebSocket session next to an operation's resource (`x-live`, fact W109): its path
    template and the union its server events parse as."""

    path: str
    event_schema: str
    description: str


@dataclass(frozen=True)
class Operation:
    """One HTTP operation, complete: placed in a resource, named, with everything it sends."""

    operation_id: str
    resource: tuple[str, ...]
    method_name: str
    http_method: str
    path: str
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    request_schemas: tuple[str, ...]
    response_schema: str | None
    body_fields: tuple[BodyField, ...] = ()
    body_schemas: tuple[tuple[str, tuple[str, ...]], ...] = ()
    page: PageInfo | None = None
    upload: bool = False
    stream: StreamInfo | None = None
    resumes_streams: bool = False
    wait: WaitInfo | None = None
    continuation: ContinuationInfo | None = None
    """Automatic continuation across hops (`x-continuation`), for a generating `create`."""
    live: LiveInfo | None = None
    """The resource's live session (`x-live`): it gets a `connect()` method."""
    absent_grace: float = 0.0
    """Seconds during which a 403/404 is retried (`x-absent-grace`): a resource the API has
    just created may not be visible to every operation yet."""
    empty_body: bool = False
    """The operation's body is a JSON object with no fields: it always sends `{}`."""
    annotations: tuple[tuple[str, Any], ...] = ()

    @property
    def resource_path(self) -> str:
        """The dotted attribute path from the client, e.g. `environments.files`."""
        return ".".join(self.resource)


# -- request rules --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Condition:
    """One `when` condition of a rule: a dotted field and exactly one test (`kind`, `value`)."""

    field: str
    kind: str
    value: Any


@dataclass(frozen=True)
class Rule:
    """One request rule: when all conditions hold, the effects must hold too."""

    rule: str
    error: str
    facts: tuple[str, ...]
    confidence: Confidence
    when: tuple[Condition, ...]
    effects: tuple[tuple[str, Any], ...]
    probe: dict[str, Any]


@dataclass(frozen=True)
class RequestRules:
    """Rules per request schema, fields to resend per schema, and call/result correlations."""

    rules: tuple[tuple[str, tuple[Rule, ...]], ...]
    resend: tuple[tuple[str, tuple[str, ...]], ...]
    correlations: tuple[tuple[str, str, str, str], ...]
    inherited: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Fields `previous_interaction_id` carries over (`x-inherited: true`), per schema."""
    omit_on_result_turns: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Fields a turn of only function results must not send (`x-function-result-turns: omit`)."""


# -- the whole API --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Api:
    """The whole API as the client generator sees it."""

    title: str
    spec_version: str
    base_url: str
    api_revision: str | None
    revision_exempt_prefixes: tuple[str, ...]
    operations: tuple[Operation, ...]
    types: TypeModel
    rules: RequestRules
    annotations: tuple[tuple[str, Any], ...] = ()
    """Document-level `x-` annotations and the security schemes, for the report."""
    request_side: frozenset[str] = frozenset()
    """Every model, union and alias a request can carry (`requests.request_side_names`); each
    has a dict twin in the generated `params` module."""
    type_groups: tuple[ModelGroup, ...] = ()
    """The models split into modules, in import order (`groups.model_groups`); every definition
    of `types` is in exactly one."""
    runtime_names: frozenset[str] = frozenset()
    """The names the runtime binds, which no class took (so another build of the same target,
    the report's upstream one, reserves the same names)."""
