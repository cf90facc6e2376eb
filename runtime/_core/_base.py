"""The runtime every generated model builds on: open models, open enums, open unions, helpers.

Map of the module:
- `ApiModel`: the base of every model. Unknown fields are kept and re-emitted; serialization
  (`to_dict`, `to_json`) writes exactly the fields that were set, by wire name, so parsing then
  serializing a response gives back the same JSON. Wire constants (`type` tags) count as set
  even when a user leaves them to their default.
- `UnknownVariant`: the fallback member of every tagged union; it keeps the raw object.
- `Int64String`: an `int` that travels as a JSON string (OpenAPI `format: int64` strings); one
  that arrived as a JSON number goes back out as a number.
- `Number`: a JSON number kept as it came: `0` stays the integer `0`, `0.5` the float `0.5`.
- `OpenEnum[X]`: a field of the enum `X` that accepts any string (values added later pass
  through): type checkers read `X | str`, pydantic reads `str`.
- `wire_aliases`: a validator that maps legacy enum spellings to the current ones on parse.
- `JsonUnion([(member, tag, kinds, tags), ...], tag_property, unknown, deferred=...)`: how every
  union is parsed, as a pydantic `Discriminator` holding its members with their tags (below);
  the members whose tags `deferred` lists are built the first time a value of their kind comes.
- `json_union`: the callable discriminator of every union: it picks the member by the value's
  JSON kind (object, array, string, ...) and, among objects, by their constant tag; an unknown
  tag goes to the union's `UnknownVariant`.
- `flatten_input`: keeps flattened fields (`step.urls`) and their nested wire object
  (`step.arguments.urls`) in agreement.
- `utf8_span` / `utf8_to_char_offsets`: byte-offset annotations applied to Python strings;
  offsets out of range, inverted or inside a multi-byte character raise `ValueError`.
- `decode_base64`: bytes from a base64 (standard or URL-safe, padded or not) field.

pydantic evaluates the annotations of a model's bases again for every subclass it builds. So the
module does not postpone its annotations (no `from __future__ import annotations`: as strings,
`ApiModel`'s two `ClassVar`s cost ~4 ms of a cold start over ~130 models), and those two are
not annotations at run time at all: a model sets them with class keywords
(`class Step(ApiModel, wire_constants=("type",))`).
"""

import base64
import binascii
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, TypeAlias, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    GetCoreSchemaHandler,
    PlainSerializer,
    StrictFloat,
    StrictInt,
    ValidationError,
    WrapValidator,
)
from pydantic_core import CoreSchema, core_schema
from pydantic_core.core_schema import ValidationInfo, ValidatorFunctionWrapHandler

from ._errors import RequestValidationError
from ._request_checks import explain, given_models, not_a_field, untagged_objects

__all__ = [
    "WIRE_CONTEXT",
    "ApiModel",
    "Branch",
    "Int64String",
    "JsonUnion",
    "Number",
    "OpenEnum",
    "UnknownVariant",
    "decode_base64",
    "deferred_member_schema",
    "flatten_input",
    "json_union",
    "utf8_span",
    "utf8_to_char_offsets",
    "wire_aliases",
]


class ApiModel(BaseModel):
    """Base of every generated model: open to unknown fields, exact on the way back out."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        defer_build=True,
        protected_namespaces=(),
        arbitrary_types_allowed=False,
    )

    if TYPE_CHECKING:
        # Set by the class keywords below, never annotated at run time: pydantic evaluates a
        # base's annotations again for every subclass (~90k instructions each, 129 models).
        _wire_constants: ClassVar[tuple[str, ...]]
        """Constant (tag) fields a constructed object sends although the caller left them to
        their default."""
        _open_variant: ClassVar[bool]
        """A union's unknown variant: any keyword is kept, none is refused."""

    def __init_subclass__(
        cls,
        *,
        wire_constants: tuple[str, ...] | None = None,
        open_variant: bool | None = None,
        **kwargs: Any,
    ) -> None:
        """`class Step(ApiModel, wire_constants=("type",))`: a keyword left out keeps what the
        base says, so a user's subclass of a generated model keeps its tags."""
        super().__init_subclass__(**kwargs)
        if wire_constants is not None:
            cls._wire_constants = wire_constants
        if open_variant is not None:
            cls._open_variant = open_variant

    def __init__(self, /, **data: Any) -> None:
        if not self._open_variant:
            _refuse_unknown_keywords(type(self), data)
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise explain(error, type(self).__name__, data) from None
        if not self._open_variant:
            _refuse_untagged(self, data)
        if self._wire_constants:
            self.__pydantic_fields_set__.update(self._wire_constants)

    # Marked as pydantic's own initializer, so validation (parsing) never calls it: it only runs
    # when a user constructs a model, the one case where a tag can be left to its default.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    def to_dict(self) -> dict[str, Any]:
        """The JSON object this model stands for, keyed by wire names, set fields only.

        A value kept raw because it did not fit its declared type (see `_tolerant`) is written
        back as it came, without a serialization warning.
        """
        # the serializer itself: `model_dump`'s Python wrapper costs as much again on a small
        # request body (the same call, with every other option at its default)
        return type(self).__pydantic_serializer__.to_python(  # type: ignore[no-any-return]
            self, mode="json", by_alias=True, exclude_unset=True, warnings=False
        )

    def to_json(self) -> str:
        """`to_dict` as compact JSON text."""
        return self.model_dump_json(by_alias=True, exclude_unset=True, warnings=False)

    def with_extra(self, **fields: Any) -> Any:
        """A copy that also sends `fields`, which this client's models do not know (yet).

        An unknown key that looks like a typo of a field (`temprature`) is refused when a model
        is built, and other unknown keys are sent as given; this is the way to send a key that
        looks like a typo on purpose.
        """
        copy = self.model_copy()
        extra = dict(copy.__pydantic_extra__ or {})
        extra.update(fields)
        object.__setattr__(copy, "__pydantic_extra__", extra)
        copy.__pydantic_fields_set__.update(fields)
        return copy

    @property
    def validation_problems(self) -> tuple[str, ...]:
        """What did not fit the schema when this object was parsed (empty when all did).

        The data itself is kept: fields the server omitted read `None`, values of the wrong
        type are kept as they came and re-serialized unchanged.
        """
        problems = (self.__pydantic_private__ or {}).get("_problems")
        return tuple(problems) if problems else ()


ApiModel._wire_constants = ()
ApiModel._open_variant = False


def _refuse_unknown_keywords(model: type[BaseModel], data: Mapping[str, Any]) -> None:
    """Refuse keywords that look like typos of a field (`temprature`); others are kept as
    fields this client does not know yet and sent (W107)."""
    fields = model.model_fields
    known = set(fields) | {field.alias for field in fields.values() if field.alias}
    found = [(key, not_a_field(model, key, key)) for key in data if key not in known]
    typos = [(key, problem) for key, problem in found if problem is not None]
    if not typos:
        return
    unknown = [key for key, _ in typos]
    problems = tuple(problem for _, problem in typos)
    raise RequestValidationError(
        "; ".join(problems) + f". To send such a key as written anyway, use "
        f"{model.__name__}(...).with_extra({unknown[0]}=...) or the call's extra_body.",
        path=unknown[0],
        problems=problems,
    )


def _refuse_untagged(model: ApiModel, data: Mapping[str, Any]) -> None:
    """Refuse untyped objects given where only typed kinds fit (W103, W104): a model built by
    hand from such dicts would otherwise send them as an unknown kind."""
    found = untagged_objects(model, given_models(data))
    if found:
        problems = tuple(problem for _, problem in found)
        raise RequestValidationError("; ".join(problems), path=found[0][0], problems=problems)


class UnknownVariant(ApiModel, open_variant=True):
    """A union member the client does not know yet: kept whole, re-serialized unchanged."""

    @property
    def raw(self) -> dict[str, Any]:
        """The object exactly as received (or as given)."""
        return self.to_dict()


class _JsonNumberInt(int):
    """An int64 value that arrived as a JSON number rather than a string; it goes back as one."""

    __slots__ = ()


WIRE_CONTEXT: dict[str, Any] = {"wire": True}
"""The validation context of data the server sent (`model_validate(data, context=...)`)."""


def _int64_from_wire(
    value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
) -> int:
    if type(value) is _JsonNumberInt:
        return value  # a parsed number given back (`model_dump()` replayed): it stays a number
    parsed: int = handler(value)
    from_wire = info.context is not None and info.context.get("wire") is True
    if from_wire and isinstance(value, int) and not isinstance(value, bool):
        return _JsonNumberInt(parsed)
    return parsed


def _int64_to_wire(value: int) -> str | int:
    return int(value) if type(value) is _JsonNumberInt else str(value)


Int64String = Annotated[
    int,
    WrapValidator(_int64_from_wire),
    PlainSerializer(_int64_to_wire, when_used="json"),
]
"""An integer sent as a JSON string (`"size_bytes": "27"`), parsed to `int` in Python.

Values a user gives travel as strings; a value the server sent as a JSON number goes back as a
number, so parsed data round-trips exactly.
"""

Number: TypeAlias = StrictInt | StrictFloat
"""A JSON number: an integer stays an `int` (`0` re-serializes as `0`, not `0.0`)."""


_Known = TypeVar("_Known")

if TYPE_CHECKING:
    OpenEnum: TypeAlias = _Known | str
    """An open enum: one of the known values `_Known` (a `Literal`) or any other string."""
else:

    class OpenEnum:
        """`OpenEnum[X]` is `X | str` to a type checker, where `X` is a `Literal` of the known
        values (an editor offers them), and plain `str` when the module runs: the value is kept
        as the string that came, so the `Literal` would change nothing pydantic validates, and
        building its union costs ~0.1 ms per field of a cold start. The enum's own name (`X`)
        stays the `Literal`, for code that lists the known values at run time."""

        __slots__ = ()

        def __class_getitem__(cls, known: Any) -> type[str]:
            return str


def wire_aliases(aliases: Mapping[str, str]) -> BeforeValidator:
    """A validator mapping legacy wire spellings (`PYTHON`) to current ones (`python`)."""
    table = dict(aliases)

    def normalize(value: Any) -> Any:
        if isinstance(value, str):
            return table.get(value, value)
        return value

    return BeforeValidator(normalize)


Branch = tuple[str, frozenset[str], frozenset[str]]
"""A union member: its pydantic tag, the JSON kinds it accepts, the constant tags it knows."""


_JSON_KINDS: dict[type, str] = {
    dict: "object",
    list: "array",
    tuple: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}
"""The JSON kind of the plain types, found without an ABC check (`Mapping`'s is a Python call)."""


def _json_kind(value: Any) -> str:
    kind = _JSON_KINDS.get(type(value))
    if kind is not None:
        return kind
    if isinstance(value, Mapping | BaseModel):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if value is None:
        return "null"
    return "other"


def _tag_of(value: Any, tag_property: str) -> Any:
    if isinstance(value, Mapping):
        return value.get(tag_property)
    return getattr(value, tag_property, None)


def json_union(  # noqa: C901 (one discriminator per union, tried in order: JSON kind, tag, shape; the order is the decision)
    branches: Iterable[Branch], tag_property: str | None, unknown: str | None
) -> Callable[[Any], str | None]:
    """Build the discriminator of one union (see the module docstring)."""
    by_kind: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for tag, kinds, tags in branches:
        for kind in sorted(kinds):
            by_kind.setdefault(kind, []).append((tag, tags))
    if "number" in by_kind and "integer" not in by_kind:
        by_kind["integer"] = by_kind["number"]
    # Per kind, where a value whose tag nobody knows goes: the union's unknown variant for
    # objects, else the first member that declares no tags (a free-form map), else the first.
    fallback = {
        kind: (unknown if kind == "object" and unknown is not None else None)
        or next((tag for tag, known in candidates if not known), candidates[0][0])
        for kind, candidates in by_kind.items()
    }

    # The common case, a dict with a known tag, is one dict lookup.
    object_tags: dict[Any, str] = {}
    for branch_tag, known in by_kind.get("object", []):
        for tag in known:
            object_tags.setdefault(tag, branch_tag)
    object_fallback = fallback.get("object")
    # Which list members know an item's tag: every item of a list is checked against its own
    # tag, so a list mixing kinds (steps and content blocks) is refused rather than sent with
    # the odd item as an unknown variant of the first item's kind (W107).
    item_owners: dict[Any, list[str]] = {}
    for branch_tag, known in by_kind.get("array", []):
        for tag in known:
            item_owners.setdefault(tag, []).append(branch_tag)

    def array_member(value: Any, prop: str) -> str | None:
        owners: list[str] | None = None
        for item in value:
            tag = _tag_of(item, prop) if item is not None else None
            knowing = item_owners.get(tag) if type(tag) is str else None
            if knowing is None:
                continue  # an unknown variant: it fits any list
            owners = knowing if owners is None else [b for b in owners if b in knowing]
            if not owners:
                return None  # the items are of kinds no one list holds
        return owners[0] if owners else fallback["array"]

    def discriminate(value: Any) -> str | None:
        if type(value) is dict and tag_property is not None:
            tag = value.get(tag_property)
            if type(tag) is str or tag is None:
                found = object_tags.get(tag)
                if found is not None:
                    return found
                return None if tag in item_owners else object_fallback
        kind = _json_kind(value)
        candidates = by_kind.get(kind)
        if not candidates:
            return None
        if tag_property is not None and kind == "array":
            return array_member(value, tag_property)
        if tag_property is not None and kind == "object":
            tag = _tag_of(value, tag_property)
            for branch_tag, known in candidates:
                if tag in known:
                    return branch_tag
            if type(tag) is str and tag in item_owners:
                return None  # a list's item given alone, where only a list holds its kind
        return fallback[kind]

    return discriminate


class JsonUnion(Discriminator):
    """How a union alias is parsed: `Annotated[Union[A, B], JsonUnion([(A, "a", kinds, tags),
    (B, "b", kinds, tags)], "type", "(unknown)")]`.

    Each member comes with its tag and what `json_union` needs to pick it; the members are read
    from here, not from the `Union` (which is for type checkers: it may merge members that are
    equal at run time, two open enums both being `str`). The schema is pydantic's tagged union
    of the members' schemas chosen by `json_union`, built the direct way: a `Union` of
    `Annotated[member, Tag(...)]` through pydantic's `Discriminator` gives the same schema with
    twice the work, and the 132 `Annotated[...]` cost ~1.5 ms more of every import of the models.
    """

    __slots__ = ("deferred", "members")

    members: tuple[tuple[str, Any], ...]
    """(tag, member annotation), in the order of the union."""
    deferred: frozenset[str]
    """The tags of the model members built on first use (see `deferred_member_schema`)."""

    def __init__(
        self,
        members: Iterable[tuple[Any, str, frozenset[str], frozenset[str]]],
        tag_property: str | None,
        unknown: str | None,
        *,
        deferred: Iterable[str] = (),
    ) -> None:
        listed = tuple(members)
        super().__init__(
            json_union(
                [(tag, kinds, tags) for _, tag, kinds, tags in listed], tag_property, unknown
            )
        )
        object.__setattr__(self, "members", tuple((tag, member) for member, tag, _, _ in listed))
        object.__setattr__(self, "deferred", frozenset(deferred))

    def __eq__(self, other: object) -> bool:
        # the members and what is deferred count too: `typing` caches `Annotated[X, m]` by
        # equality, and would otherwise give back an earlier alias for a different union
        return (
            isinstance(other, JsonUnion)
            and super().__eq__(other)
            and (self.members, self.deferred) == (other.members, other.deferred)
        )

    def __hash__(self) -> int:
        return hash((self.discriminator, self.deferred))

    def member(self, tag: object) -> Any:
        """The member annotation `tag` names, or None."""
        return next((member for known, member in self.members if known == tag), None)

    def __get_pydantic_core_schema__(
        self, source_type: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.tagged_union_schema(
            {
                tag: deferred_member_schema(member)
                if tag in self.deferred and _is_model(member)
                else handler.generate_schema(member)
                for tag, member in self.members
            },
            self.discriminator,
            custom_error_type=self.custom_error_type,
            custom_error_message=self.custom_error_message,
            custom_error_context=self.custom_error_context,
        )


def _is_model(member: Any) -> bool:
    return isinstance(member, type) and issubclass(member, BaseModel)


def deferred_member_schema(model: type[BaseModel]) -> CoreSchema:
    """The schema of a union member built the first time a value of its kind comes.

    A union's schema holds every member's, so building the union builds each member and all
    it holds; the members a plain conversation never meets (built-in tools' steps, agents,
    citations) are most of the ~125 models an `Interaction` reaches. Such a member is reached
    through this function instead: its first value builds the model's own validator (pydantic's
    deferred build), later values go straight to it, ~1 µs more each than an inlined member.
    The value is validated as it came (a dict from JSON, a model instance given in Python)
    with the same context; errors keep their full location, because pydantic carries a
    `ValidationError` raised here through with its own. Serializing such a value infers its
    model's serializer; a JSON schema asks the model for its own.
    """

    def validate(value: Any, info: ValidationInfo) -> Any:
        return model.__pydantic_validator__.validate_python(value, context=info.context)

    def json_schema(_: CoreSchema, handler: Any) -> Any:
        return handler(model.__pydantic_core_schema__)

    return core_schema.with_info_plain_validator_function(
        validate, metadata={"pydantic_js_functions": [json_schema]}
    )


def flatten_input(data: Any, field: str, pairs: tuple[tuple[str, str], ...]) -> Any:
    """Reconcile flattened fields with the nested wire object before validation.

    `pairs` maps each flat field (`urls`) to its key inside `field` (`arguments.urls`). Values
    given flat build the nested object when it is missing; a nested object, when present, is the
    source of truth (it is what goes on the wire) and fills the flat fields. Flat fields are
    excluded from serialization, so the wire keeps the nested form only.
    """
    if not isinstance(data, Mapping):
        return data
    nested = data.get(field)
    if nested is None:
        given = {inner: data[flat] for flat, inner in pairs if flat in data}
        if not given:
            return data
        return {**data, field: given}
    if isinstance(nested, BaseModel):
        nested = nested.model_dump(by_alias=True, exclude_unset=True)
    if not isinstance(nested, Mapping):
        return data
    return {**data, **{flat: nested[inner] for flat, inner in pairs if inner in nested}}


def _byte_range(encoded: bytes, start: int | None, end: int | None) -> tuple[int, int]:
    """Check UTF-8 byte offsets against `encoded`; a clear `ValueError` names what is wrong."""
    low = 0 if start is None else start
    high = len(encoded) if end is None else end
    if low < 0 or high < 0 or low > len(encoded) or high > len(encoded):
        raise ValueError(
            f"byte offsets start={start} end={end} are outside the text ({len(encoded)} UTF-8 "
            f"bytes)"
        )
    if low > high:
        raise ValueError(f"byte offsets start={start} end={end} are inverted")
    for name, offset in (("start", low), ("end", high)):
        if offset < len(encoded) and encoded[offset] & 0xC0 == 0x80:
            raise ValueError(
                f"byte offset {name}={offset} falls inside a multi-byte UTF-8 character; the "
                f"offsets do not belong to this text"
            )
    return low, high


def utf8_span(text: str, start: int | None, end: int | None) -> str:
    """The part of `text` between UTF-8 byte offsets `start` (inclusive) and `end` (exclusive)."""
    encoded = text.encode("utf-8")
    low, high = _byte_range(encoded, start, end)
    return encoded[low:high].decode("utf-8")


def utf8_to_char_offsets(text: str, start: int | None, end: int | None) -> tuple[int, int]:
    """Convert UTF-8 byte offsets into `text` to Python string (code point) offsets."""
    encoded = text.encode("utf-8")
    low, high = _byte_range(encoded, start, end)
    return len(encoded[:low].decode("utf-8")), len(encoded[:high].decode("utf-8"))


def decode_base64(value: str | None) -> bytes | None:
    """Decode a base64 field: standard or URL-safe alphabet, padded or not."""
    if value is None:
        return None
    padded = value + "=" * (-len(value) % 4)
    try:
        if "-" in value or "_" in value:
            return base64.urlsafe_b64decode(padded)
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError(f"not valid base64: {error}") from None
