"""Python names computed from spec names: snake_case members, PascalCase classes, safe identifiers.

Every name the generated code uses comes from here, so the rules live in one place: words are
split on case changes, digits and punctuation; Python keywords and builtins that would shadow
something get a trailing underscore; nothing is ever numbered.

The collision policy (one rule, a trailing underscore): a spec name that would rebind a name the
generated code itself uses is renamed by appending `_` —

- a schema whose class would be named like an import of a generated module (`Literal`, `Field`,
  `Tag`, `Sequence`, `Stream`…, `RESERVED_CLASS_NAMES`) becomes `Literal_`;
- a property named like a pydantic `BaseModel` attribute, an `ApiModel` helper (`to_dict`), a
  builtin used in annotations (`str`, `list`) or a helper imported by `types.py` becomes `str_`;
  one named like a method of the model's mixin (`text` on `Interaction`) likewise (the builder
  is told the mixin's members);
- a tag naming a client attribute (`close`, `with_options`) gives the resource `close_`; an
  operation named like a resource helper (`wait`, `resume`) gives the method `wait_`.

Collisions that remain (two spellings of one name) are refused with the schema named, and the
rendered package is checked once more before it is written (`render/name_check.py`).
"""

from __future__ import annotations

import keyword
import re

__all__ = [
    "ANNOTATION_BUILTINS",
    "CLIENT_MEMBERS",
    "RESERVED_CLASS_NAMES",
    "RESOURCE_MEMBERS",
    "class_name",
    "member_name",
    "pascal_case",
    "python_field_name",
    "safe_identifier",
    "snake_case",
    "split_words",
]

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | {"self", "cls"}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RESERVED_FIELDS = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "from_orm",
        "json",
        "model_computed_fields",
        "model_config",
        "model_construct",
        "model_copy",
        "model_dump",
        "model_dump_json",
        "model_extra",
        "model_fields",
        "model_fields_set",
        "model_json_schema",
        "model_parametrized_name",
        "model_post_init",
        "model_rebuild",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "update_forward_refs",
        "validate",
    }
)
"""The public attributes of pydantic's `BaseModel`, which no field may shadow (written out so
that generating does not import pydantic; a test compares it with the installed pydantic)."""

ANNOTATION_BUILTINS = frozenset({"bool", "bytes", "dict", "float", "int", "list", "str", "tuple"})
"""Builtins the generated annotations use; a class-body name equal to one would rebind it."""

_MODEL_BODY_NAMES = frozenset(
    {
        # ApiModel's and UnknownVariant's own members (runtime/_core/_base.py)
        "raw",
        "to_dict",
        "to_json",
        "validation_problems",
        "with_extra",
        # helpers types.py calls inside class bodies, and builtins written in annotations: a
        # field of that name would rebind it for every later line of the class
        *ANNOTATION_BUILTINS,
        "decode_base64",
        "flatten_input",
        "json_union",
        "model_validator",
        "utf8_span",
        "utf8_to_char_offsets",
        "wire_aliases",
    }
)

RESERVED_CLASS_NAMES = frozenset(
    {
        # what the generated modules import from typing, collections.abc, pydantic and the
        # runtime; a test checks the rendered package imports nothing outside this list
        *("Annotated", "Any", "AsyncGenerator", "AsyncIterator", "Awaitable", "BinaryIO"),
        *("Callable", "ClassVar", "Generator", "Generic", "Iterable", "Iterator", "Literal"),
        *("Mapping", "NamedTuple", "ParamSpec", "Required", "Sequence", "TYPE_CHECKING"),
        *("TypeAlias", "TypeVar", "TypedDict", "Union", "Path", "ContextVar", "UTC"),
        *("BaseModel", "BeforeValidator", "ConfigDict", "Discriminator", "Field"),
        *("PlainSerializer", "StrictBool", "StrictFloat", "StrictInt", "Tag", "TypeAdapter"),
        *("ValidationError", "ValidationInfo", "ValidatorFunctionWrapHandler", "WrapValidator"),
        *("APIConnectionError", "APIResponseValidationError", "APIStatusError"),
        *("APITimeoutError", "ApiModel", "AsyncAPIClient", "AsyncClient", "AsyncConversation"),
        *("AsyncPager", "AsyncStream", "AsyncTransport", "AuthenticationError"),
        *("BadRequestError", "BareJsonLine", "BaseHTTPRequestHandler", "Call", "Client"),
        *("ClientCore", "Condition", "ConflictError", "Conversation", "DEFAULT_RETRY_POLICY"),
        *("DONE", "DONE_FRAME", "FakeGemini", "FakeResponse", "GeminiError"),
        *("INHERITED_FIELDS", "Int64String", "InteractionAccumulator", "InteractionHelpers"),
        *("InternalServerError", "NotFoundError", "Number", "OBJECTS", "PathParameter"),
        *("PermissionDeniedError", "REQUIRED", "RESULT_TURN_OMITTED_FIELDS", "ROUTES"),
        *("RateLimitError", "RawResponse", "RefusalError", "RequestOptions"),
        *("RequestRuleError", "RequestRuleWarning", "RequestValidationError", "ResumePolicy"),
        *("RetryPolicy", "Rule", "SSEDecoder", "ServerSentEvent", "Stream", "StreamError"),
        *("StreamSpec", "StructuredOutputError", "SyncAPIClient", "SyncPager", "SyncTransport"),
        *("TERMINAL_STATUSES", "ThreadingHTTPServer", "UNIONS", "UnknownVariant"),
        *("UnprocessableEntityError", "UploadData", "WIRE_CONTEXT", "WaitTimeoutError"),
        *("Ed25519PublicKey", "FakeTransport", "InvalidSignature", "REQUEST_RULES"),
        *("AsyncWebSocket", "ConnectionClosed", "LiveConnection", "LiveInput", "LiveSession"),
        *("ServerConnection", "SyncWebSocket"),
    }
)
"""Names the generated modules bind themselves; no schema's class may take one. The names the
runtime modules bind are added from their source on every run (`pipeline.runtime_bound_names`),
so a new runtime class needs no entry here."""

CLIENT_MEMBERS = frozenset(
    {
        *("api_key", "api_revision", "api_version", "auth_headers", "base_url"),
        *("build_request", "call", "close", "copy", "default_headers", "max_retries"),
        *("policy_for", "resume", "resume_policy", "retry_policy", "revision_exempt_prefixes"),
        "stream",
        *("timeout", "upload", "url_for", "user_agent", "wait", "with_options"),
        "with_raw_response",
    }
)
"""The attributes a client has besides its resources; no resource may take one."""

RESOURCE_MEMBERS = frozenset({"resume", "wait", "with_raw_response", "with_streaming_response"})
"""Helpers a resource class may define besides its operations and child resources."""


def split_words(name: str) -> list[str]:
    """Split an identifier in any casing (camel, Pascal, snake, kebab, dotted) into words."""
    return _WORD.findall(name)


def snake_case(name: str) -> str:
    """`CreateInteraction` → `create_interaction`; `rotateSigning` → `rotate_signing`."""
    return "_".join(word.lower() for word in split_words(name))


def pascal_case(name: str) -> str:
    """`url_context_call` → `UrlContextCall`; `deep-research` → `DeepResearch`."""
    return "".join(word[:1].upper() + word[1:].lower() for word in split_words(name))


def safe_identifier(name: str) -> str:
    """Make `name` usable as a Python identifier: keywords get a trailing underscore."""
    if not name or name[0].isdigit():
        name = f"_{name}"
    return f"{name}_" if name in _RESERVED else name


def class_name(schema_name: str, reserved: frozenset[str] = RESERVED_CLASS_NAMES) -> str:
    """The class for a component schema: its own name when that is an identifier, with a
    trailing underscore when the generated code already uses that name (`Literal_`): one of
    `reserved`, which adds the names the runtime modules bind to `RESERVED_CLASS_NAMES`."""
    if _IDENTIFIER.match(schema_name) and not keyword.iskeyword(schema_name):
        name = schema_name[0].upper() + schema_name[1:]
    else:
        name = pascal_case(schema_name) or "Schema"
    return f"{name}_" if name in reserved else name


def member_name(name: str, taken: frozenset[str]) -> str:
    """`name` as a safe identifier, with a trailing underscore while it is in `taken`."""
    name = safe_identifier(name)
    while name in taken:
        name = f"{name}_"
    return name


def python_field_name(wire: str, helpers: frozenset[str] = frozenset()) -> str:
    """The Python attribute for a wire field name: never one a pydantic model, `ApiModel`, a
    builtin annotation or one of `helpers` (the model's mixin methods) already uses."""
    name = wire if _IDENTIFIER.match(wire) and wire == wire.lower() else snake_case(wire)
    if not name or name[0].isdigit():
        name = f"field_{name}"
    reserved = _RESERVED_FIELDS | _MODEL_BODY_NAMES | helpers
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in reserved:
        name = f"{name}_"
    if name.startswith("_"):
        name = f"field{name}"
    return name
