"""Building the types of the intermediate model: enums, models, unions and aliases.

Every component schema of the (normalized) spec becomes one definition, and every inline enum,
object or union gets a stable name from its parent and field (`UrlContextResultStatus`), never a
number. Rules, in short:

- object → `ModelDef` (see `objects.py`; unknown fields kept); map → `MapOf`; free-form →
  `dict[str, Any]`;
- enum → `EnumDef`, used as `EnumRef` (`Literal[...] | str`) so new values pass both ways;
  legacy spellings from `x-wire-aliases` are normalized on parse;
- a one-value enum (a former `const`) is a `LiteralOf` — a wire constant where it is a tag;
- `oneOf` → `UnionDef` (see `unions.py`) resolved by JSON kind and constant tag;
- `format: int64` strings → `Int64String`; integers and booleans are strict (`StrictInt`,
  `StrictBool`: `3.0` or `"true"` is not coerced, so the tolerant parser keeps such a value as it
  came); numbers keep int or float (`Number`).

This module owns names and the walk over schemas; it never produces text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.errors import BadInputError
from generator.ir import objects, unions
from generator.ir.extensions import extensions_of
from generator.ir.model import EnumDef, ModelDef, TypeAliasDef, TypeModel, UnionDef
from generator.ir.naming import RESERVED_CLASS_NAMES, class_name
from generator.ir.spec_view import SpecView, description_of
from generator.ir.types import (
    ANY,
    INT64_STRING,
    NUMBER,
    STR,
    STRICT_BOOL,
    STRICT_INT,
    EnumRef,
    ListOf,
    LiteralOf,
    MapOf,
    Named,
    TypeExpr,
)

__all__ = ["ALL_KINDS", "SchemaBuilder", "build_types"]

ALL_KINDS = ("array", "boolean", "integer", "null", "number", "object", "string")
_JSON_KINDS = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}


class SchemaBuilder:
    """The state of one build: names taken, definitions made, each definition's JSON kinds."""

    def __init__(
        self,
        view: SpecView,
        helpers: Mapping[str, frozenset[str]] | None = None,
        runtime_names: frozenset[str] = frozenset(),
    ) -> None:
        self.view = view
        self.helpers: Mapping[str, frozenset[str]] = helpers or {}
        """Methods each model class gets from its mixin, which its fields must not take."""
        reserved = RESERVED_CLASS_NAMES | runtime_names
        self.taken: set[str] = set(reserved)
        self.class_of: dict[str, str] = {}
        for name in sorted(view.schemas):
            python = class_name(name, reserved)
            if python in self.taken:
                raise BadInputError(f"spec: schemas map to the same class name {python!r}.")
            self.taken.add(python)
            self.class_of[name] = python
        self.enums: dict[str, EnumDef] = {}
        self.models: dict[str, ModelDef] = {}
        self.unions: dict[str, UnionDef] = {}
        self.aliases: dict[str, TypeAliasDef] = {}
        self.kinds: dict[str, tuple[str, ...]] = {}
        self.tags: dict[str, tuple[str, ...]] = {}
        self.tag_properties: dict[str, str] = {}
        """The property (`TAG_PROPERTIES`) that carries each tagged model's constant tag."""
        self.enum_types: dict[str, EnumRef] = {}
        self.building: set[str] = set()
        self.stack: list[tuple[str, bool]] = []
        """The definitions being built, outermost first, each marked when it is a model."""

    def reserve(self, wanted: str, suffix: str) -> str:
        """A free class name: `wanted`, else with `suffix`, else with `suffix` + `Type`."""
        for candidate in (wanted, f"{wanted}{suffix}", f"{wanted}{suffix}Type"):
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        raise BadInputError(f"spec: cannot find a free name for {wanted!r}.")

    # -- component schemas --------------------------------------------------------------------
    def build_component(self, name: str) -> str:
        """Define component schema `name` (once) and return its class name."""
        python = self.class_of[name]
        if python in self.building or self._defined(python):
            return python
        schema = self.view.schema(name)
        self.building.add(python)
        self.stack.append((python, _is_model(schema)))
        self._define(python, schema, self.view.schema_pointer(name))
        self.stack.pop()
        self.building.discard(python)
        return python

    def _loops_without_a_model(self, name: str) -> bool:
        """Whether a reference to component `name` closes a loop of aliases and unions only.

        A model may name itself (its annotation is quoted and pydantic resolves it), but an
        alias that contains itself with no class in between (`NestedList = list[NestedList]`,
        a JSON value as a union of `list[JsonValue]` and `dict[str, JsonValue]`) cannot be
        written as importable, `mypy --strict` clean annotations; that inner reference becomes
        `Any`, which keeps every value as received.
        """
        python = self.class_of.get(name)
        if python is None or python not in self.building:
            return False
        start = [entry for entry, _ in self.stack].index(python)
        return not any(is_model for _, is_model in self.stack[start:])

    def _defined(self, python: str) -> bool:
        return any(
            python in table for table in (self.enums, self.models, self.unions, self.aliases)
        )

    def _define(self, python: str, schema: Any, source: str) -> None:
        if not schema:
            self.aliases[python] = TypeAliasDef(python, ANY, "", source)
            self.kinds[python] = ALL_KINDS
            return
        if isinstance(schema.get("oneOf"), list) or isinstance(schema.get("anyOf"), list):
            unions.build_union(self, python, schema, source)
        elif isinstance(schema.get("enum"), list) and "properties" not in schema:
            self.enum(python, schema, source)
        elif schema.get("type") == "object" or "properties" in schema:
            extra = schema.get("additionalProperties")
            if "properties" not in schema and isinstance(extra, dict):
                value = self.type_of(extra, f"{python}Value", source)
                self.aliases[python] = TypeAliasDef(
                    python, MapOf(value), description_of(schema), source, extensions_of(schema)
                )
                self.kinds[python] = ("object",)
            else:
                objects.build_model(self, python, schema, source)
        else:
            type_ = self.type_of(schema, f"{python}Item", source)
            self.aliases[python] = TypeAliasDef(
                python, type_, description_of(schema), source, extensions_of(schema)
            )
            self.kinds[python] = self.kinds_of(schema)

    # -- types --------------------------------------------------------------------------------
    def _ref(self, node: dict[str, Any], source: str) -> str:
        name = self.view.schema_ref(node, source)
        assert name is not None
        return self.build_component(name)

    def type_of(self, schema: Any, context: str, source: str) -> TypeExpr:
        """The type of `schema`, naming inline definitions after `context`."""
        if not isinstance(schema, dict):
            return ANY
        if "$ref" in schema:
            if self._loops_without_a_model(self.view.schema_ref(schema, source) or ""):
                return ANY
            python = self._ref(schema, source)
            return self.enum_types.get(python, Named(python))
        if isinstance(schema.get("oneOf"), list) or isinstance(schema.get("anyOf"), list):
            name = self.reserve(context, "Union")
            unions.build_union(self, name, schema, source)
            return Named(name)
        if isinstance(schema.get("enum"), list):
            values = schema["enum"]
            if len(values) == 1 and not schema.get("x-wire-aliases"):
                return LiteralOf((str(values[0]),))
            name = self.reserve(context, "Enum")
            self.enum(name, schema, source)
            return self.enum_types[name]
        kind = schema.get("type")
        if kind == "string":
            return INT64_STRING if schema.get("format") == "int64" else STR
        if kind == "integer":
            return STRICT_INT
        if kind == "number":
            return NUMBER
        if kind == "boolean":
            return STRICT_BOOL
        if kind == "array":
            return ListOf(self.type_of(schema.get("items"), f"{context}Item", source))
        if kind == "object" or "properties" in schema:
            if schema.get("properties"):
                name = self.reserve(context, "Model")
                self.stack.append((name, True))
                objects.build_model(self, name, schema, source)
                self.stack.pop()
                return Named(name)
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra and set(extra) != {"description"}:
                return MapOf(self.type_of(extra, f"{context}Value", source))
            return MapOf(ANY)
        return ANY

    def kinds_of(self, schema: Any) -> tuple[str, ...]:
        """The JSON kinds a value of `schema` can have."""
        if not isinstance(schema, dict):
            return ALL_KINDS
        if "$ref" in schema:
            return self.kinds.get(self._ref(schema, "kinds"), ALL_KINDS)
        if isinstance(schema.get("enum"), list):
            return ("string",)
        kind = schema.get("type")
        if kind in _JSON_KINDS:
            return (_JSON_KINDS[kind],)
        if kind == "array":
            return ("array",)
        if kind == "object" or "properties" in schema:
            return ("object",)
        options = schema.get("oneOf") or schema.get("anyOf")
        if isinstance(options, list):
            return tuple(sorted({k for option in options for k in self.kinds_of(option)}))
        return ALL_KINDS

    def tags_of(self, schema: Any) -> tuple[str, ...]:
        """The constant tag values a value of `schema` (or its list items) carries."""
        if not isinstance(schema, dict):
            return ()
        if "$ref" in schema:
            return self.tags.get(self._ref(schema, "tags"), ())
        if schema.get("type") == "array":
            return self.tags_of(schema.get("items"))
        return ()

    def tag_property_of(self, schema: Any) -> str | None:
        """The property carrying the constant tag of `schema` (a `$ref` to a tagged model)."""
        if isinstance(schema, dict) and "$ref" in schema:
            return self.tag_properties.get(self._ref(schema, "tags"))
        return None

    # -- enums --------------------------------------------------------------------------------
    def enum(self, name: str, schema: dict[str, Any], source: str) -> None:
        """Define enum `name` and remember how fields use it."""
        values = tuple(str(value) for value in schema["enum"])
        aliases = schema.get("x-wire-aliases") or {}
        if not isinstance(aliases, dict):
            raise BadInputError(f"spec {source}: x-wire-aliases must map legacy → current values.")
        for legacy, current in aliases.items():
            if current not in values:
                raise BadInputError(
                    f"spec {source}: x-wire-aliases maps {legacy!r} to {current!r}, which is not "
                    f"one of the enum's values {list(values)}."
                )
        self.enums[name] = EnumDef(
            name=name,
            values=values,
            aliases=tuple(sorted((str(k), str(v)) for k, v in aliases.items())),
            description=description_of(schema),
            source=source,
            annotations=extensions_of(schema),
        )
        self.kinds[name] = ("string",)
        self.enum_types[name] = EnumRef(name, aliased=bool(aliases))


def _is_model(schema: Any) -> bool:
    """Whether a component schema becomes a model class (as `_define` decides)."""
    if not isinstance(schema, dict) or not schema:
        return False
    if isinstance(schema.get("oneOf"), list) or isinstance(schema.get("anyOf"), list):
        return False
    if isinstance(schema.get("enum"), list) and "properties" not in schema:
        return False
    if "properties" in schema:
        return True
    return schema.get("type") == "object" and not isinstance(
        schema.get("additionalProperties"), dict
    )


def build_types(
    view: SpecView,
    helpers: Mapping[str, frozenset[str]] | None = None,
    runtime_names: frozenset[str] = frozenset(),
) -> TypeModel:
    """Build every enum, model, union and alias of a normalized spec; no class takes a name in
    `runtime_names` (what the runtime modules bind)."""
    builder = SchemaBuilder(view, helpers, runtime_names)
    for name in sorted(view.schemas):
        builder.build_component(name)
    return TypeModel(
        enums=tuple(builder.enums[name] for name in sorted(builder.enums)),
        models=tuple(builder.models[name] for name in sorted(builder.models)),
        unions=tuple(builder.unions[name] for name in sorted(builder.unions)),
        aliases=tuple(builder.aliases[name] for name in sorted(builder.aliases)),
        components=tuple(sorted(builder.class_of.values())),
        classes=tuple(sorted((k, v) for k, v in builder.class_of.items() if k != v)),
    )
