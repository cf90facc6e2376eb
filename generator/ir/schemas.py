"""Building the model part of the intermediate model: enums, models, unions and aliases.

Every component schema of the (normalized) spec becomes one definition, and every inline enum,
object or union gets a stable name from its parent and field (`UrlContextResultStatus`), never a
number. Python type expressions, field names, defaults and docstring notes are all computed here;
templates only lay them out. Rules, in short:

- object → `ModelDef` (unknown fields kept); map → `dict[str, T]`; free-form → `dict[str, Any]`;
- enum → `Literal[...]`, used as `Literal[...] | str` so new values pass both ways; legacy
  spellings from `x-wire-aliases` are normalized on parse;
- a one-value enum (a former `const`) is a wire constant: `Literal["text"] = "text"`;
- `oneOf` → `UnionDef` resolved by JSON kind and constant tag, with an `Unknown…` fallback when
  the union is tagged;
- `format: int64` strings → `Int64String`; `format: byte` → base64 `str` plus a decode helper;
  integers and booleans are strict (`StrictInt`, `StrictBool`: `3.0` or `"true"` is not coerced,
  so the tolerant parser keeps such a value as it came), numbers keep int or float (`Number`);
- `x-flatten` exposes a nested object's fields on the parent; `x-byte-offsets` adds span helpers.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from generator.errors import BadInputError
from generator.ir.model import (
    EnumDef,
    FieldDef,
    FlattenDef,
    ModelDef,
    TypeAliasDef,
    UnionDef,
    UnionMember,
)
from generator.ir.naming import pascal_case, snake_case
from generator.load.documents import JsonValue

__all__ = ["UNKNOWN_TAG", "TypeModel", "build_types"]

UNKNOWN_TAG = "(unknown)"
"""The pydantic tag of every union's unknown-variant member."""

ALL_KINDS = ("array", "boolean", "integer", "null", "number", "object", "string")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RESERVED_FIELDS = frozenset(name for name in dir(BaseModel) if not name.startswith("__"))
_TAG_PROPERTIES = ("type", "event_type")


@dataclass(frozen=True)
class TypeModel:
    """The model part of the intermediate model, every collection sorted."""

    enums: tuple[EnumDef, ...]
    models: tuple[ModelDef, ...]
    unions: tuple[UnionDef, ...]
    aliases: tuple[TypeAliasDef, ...]


def _class_name(schema_name: str) -> str:
    if _IDENTIFIER.match(schema_name) and not keyword.iskeyword(schema_name):
        return schema_name[0].upper() + schema_name[1:]
    return pascal_case(schema_name) or "Schema"


def python_field_name(wire: str) -> str:
    """The Python attribute for a wire field name."""
    name = wire if _IDENTIFIER.match(wire) and wire == wire.lower() else snake_case(wire)
    if not name or name[0].isdigit():
        name = f"field_{name}"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in _RESERVED_FIELDS:
        name = f"{name}_"
    if name.startswith("_"):
        name = f"field{name}"
    return name


def _description(schema: Any) -> str:
    if isinstance(schema, dict) and isinstance(schema.get("description"), str):
        return str(schema["description"]).strip()
    return ""


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class _Builder:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.schemas: dict[str, Any] = (spec.get("components") or {}).get("schemas") or {}
        self.taken: set[str] = set()
        self.class_of: dict[str, str] = {}
        for name in sorted(self.schemas):
            python = _class_name(name)
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
        self.enum_usage: dict[str, str] = {}
        self.building: set[str] = set()

    # -- names ------------------------------------------------------------------------------
    def reserve(self, wanted: str, suffix: str) -> str:
        for candidate in (wanted, f"{wanted}{suffix}", f"{wanted}{suffix}Type"):
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        raise BadInputError(f"spec: cannot find a free name for {wanted!r}.")

    # -- component schemas ------------------------------------------------------------------
    def build_component(self, name: str) -> str:
        python = self.class_of[name]
        if python in self.building or self._defined(python):
            return python
        self.building.add(python)
        schema = self.schemas[name]
        self._define(python, schema, f"/components/schemas/{_escape(name)}")
        self.building.discard(python)
        return python

    def _defined(self, python: str) -> bool:
        return any(
            python in table for table in (self.enums, self.models, self.unions, self.aliases)
        )

    def _define(self, python: str, schema: Any, source: str) -> None:
        if not isinstance(schema, dict):
            self.aliases[python] = TypeAliasDef(python, "Any", "", source)
            self.kinds[python] = ALL_KINDS
            return
        if isinstance(schema.get("oneOf"), list) or isinstance(schema.get("anyOf"), list):
            self._union(python, schema, source)
        elif isinstance(schema.get("enum"), list) and "properties" not in schema:
            self._enum(python, schema, source)
        elif schema.get("type") == "object" or "properties" in schema:
            if "properties" not in schema and isinstance(schema.get("additionalProperties"), dict):
                value = self.type_of(schema["additionalProperties"], f"{python}Value", source)
                hint = f"dict[str, {value}]"
                self.aliases[python] = TypeAliasDef(python, hint, _description(schema), source)
                self.kinds[python] = ("object",)
            else:
                self._model(python, schema, source)
        else:
            hint = self.type_of(schema, f"{python}Item", source, top_level=True)
            self.aliases[python] = TypeAliasDef(python, hint, _description(schema), source)
            self.kinds[python] = self._kinds_of_schema(schema)

    # -- types --------------------------------------------------------------------------------
    def _ref(self, ref: Any, source: str) -> str:
        if not isinstance(ref, str) or not ref.startswith("#/components/schemas/"):
            raise BadInputError(f"spec {source}: unsupported $ref {ref!r}.")
        name = ref.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
        if name not in self.schemas:
            raise BadInputError(f"spec {source}: $ref {ref!r} points at nothing.")
        return self.build_component(name)

    def type_of(self, schema: Any, context: str, source: str, top_level: bool = False) -> str:
        """The Python type expression for `schema`, naming inline definitions after `context`."""
        if not isinstance(schema, dict):
            return "Any"
        if "$ref" in schema:
            python = self._ref(schema["$ref"], source)
            return self.enum_usage.get(python, python)
        if isinstance(schema.get("oneOf"), list) or isinstance(schema.get("anyOf"), list):
            name = self.reserve(context, "Union")
            self._union(name, schema, source)
            return name
        if isinstance(schema.get("enum"), list):
            values = schema["enum"]
            if len(values) == 1 and not schema.get("x-wire-aliases"):
                return f"Literal[{values[0]!r}]"
            name = self.reserve(context, "Enum")
            self._enum(name, schema, source)
            return self.enum_usage[name]
        kind = schema.get("type")
        if kind == "string":
            return "Int64String" if schema.get("format") == "int64" else "str"
        if kind == "integer":
            return "StrictInt"
        if kind == "number":
            return "Number"
        if kind == "boolean":
            return "StrictBool"
        if kind == "array":
            return f"list[{self.type_of(schema.get('items'), f'{context}Item', source)}]"
        if kind == "object" or "properties" in schema:
            if schema.get("properties"):
                name = self.reserve(context, "Model")
                self._model(name, schema, source)
                return name
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra and set(extra) != {"description"}:
                return f"dict[str, {self.type_of(extra, f'{context}Value', source)}]"
            return "dict[str, Any]"
        return "Any"

    def _kinds_of_schema(self, schema: Any) -> tuple[str, ...]:
        if not isinstance(schema, dict):
            return ALL_KINDS
        if "$ref" in schema:
            return self.kinds.get(self._ref(schema["$ref"], "kinds"), ALL_KINDS)
        if isinstance(schema.get("enum"), list):
            return ("string",)
        kind = schema.get("type")
        mapping = {
            "string": "string",
            "integer": "integer",
            "number": "number",
            "boolean": "boolean",
        }
        if kind in mapping:
            return (mapping[kind],)
        if kind == "array":
            return ("array",)
        if kind == "object" or "properties" in schema:
            return ("object",)
        options = schema.get("oneOf") or schema.get("anyOf")
        if isinstance(options, list):
            return tuple(sorted({k for option in options for k in self._kinds_of_schema(option)}))
        return ALL_KINDS

    def _tags_of_schema(self, schema: Any) -> tuple[str, ...]:
        if not isinstance(schema, dict):
            return ()
        if "$ref" in schema:
            return self.tags.get(self._ref(schema["$ref"], "tags"), ())
        if schema.get("type") == "array":
            return self._tags_of_schema(schema.get("items"))
        return ()

    # -- definitions --------------------------------------------------------------------------
    def _enum(self, name: str, schema: dict[str, Any], source: str) -> None:
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
            description=_description(schema),
            source=source,
        )
        self.kinds[name] = ("string",)
        usage = f"{name} | str"
        self.enum_usage[name] = f"Annotated[{usage}, {name}Aliases]" if aliases else usage

    def _model(self, name: str, schema: dict[str, Any], source: str) -> None:
        self.kinds[name] = ("object",)
        properties = schema.get("properties") or {}
        required = set(schema.get("required") or [])
        for tag in _TAG_PROPERTIES:
            enum = (
                (properties.get(tag) or {}).get("enum")
                if isinstance(properties.get(tag), dict)
                else None
            )
            if isinstance(enum, list) and len(enum) == 1:
                self.tags[name] = (str(enum[0]),)
                break
        fields: list[FieldDef] = []
        used: set[str] = set()
        flatten: list[FlattenDef] = []
        for wire in sorted(properties):
            prop = properties[wire]
            python = python_field_name(wire)
            while python in used:
                python = f"{python}_"
            used.add(python)
            context = f"{name}{pascal_case(wire) or 'Field'}"
            hint = self.type_of(prop, context, f"{source}/properties/{_escape(wire)}")
            fields.append(self._field(python, wire, hint, wire in required, prop))
        for field_def, wire in zip(list(fields), sorted(properties), strict=True):
            prop = properties[wire]
            if isinstance(prop, dict) and prop.get("x-flatten"):
                flatten.append(self._flatten(name, field_def, prop, fields, used, source))
        offsets = schema.get("x-byte-offsets")
        byte_offsets = None
        if isinstance(offsets, dict):
            start, end = (
                python_field_name(str(offsets.get("start"))),
                python_field_name(str(offsets.get("end"))),
            )
            if start not in used or end not in used:
                raise BadInputError(f"spec {source}: x-byte-offsets names fields the schema lacks.")
            byte_offsets = (start, end)
        self.models[name] = ModelDef(
            name=name,
            description=_description(schema),
            fields=tuple(fields),
            flatten=tuple(flatten),
            byte_offsets=byte_offsets,
            source=source,
        )

    def _flatten(
        self,
        name: str,
        field_def: FieldDef,
        prop: dict[str, Any],
        fields: list[FieldDef],
        used: set[str],
        source: str,
    ) -> FlattenDef:
        nested_name = field_def.type_hint.removesuffix(" | None")
        nested = self.models.get(nested_name)
        if nested is None:
            raise BadInputError(
                f"spec {source}: x-flatten on {name}.{field_def.wire_name} needs an object schema."
            )
        pairs = []
        for inner in nested.fields:
            if inner.python_name in used:
                continue
            used.add(inner.python_name)
            pairs.append((inner.python_name, inner.wire_name))
            hint = (
                inner.type_hint
                if inner.type_hint.endswith("| None")
                else f"{inner.type_hint} | None"
            )
            fields.append(
                FieldDef(
                    python_name=inner.python_name,
                    wire_name=inner.python_name,
                    type_hint=hint,
                    required=False,
                    default="None",
                    description=(
                        f"{inner.description}\n\nFlattened from `{field_def.wire_name}."
                        f"{inner.wire_name}`, where it travels on the wire."
                    ).strip(),
                    excluded=True,
                )
            )
        position = fields.index(field_def)
        if field_def.required:  # optional in Python so users can construct flat
            fields[position] = FieldDef(
                field_def.python_name,
                field_def.wire_name,
                f"{field_def.type_hint} | None",
                False,
                "None",
                field_def.description,
            )
        return FlattenDef(
            field=field_def.python_name,
            wire_field=field_def.wire_name,
            model=nested_name,
            pairs=tuple(pairs),
        )

    def _field(self, python: str, wire: str, hint: str, required: bool, prop: Any) -> FieldDef:
        notes = []
        if isinstance(prop, dict):
            if prop.get("deprecated"):
                notes.append("Deprecated.")
            if prop.get("x-vertex-only"):
                notes.append("Vertex AI only: the Gemini API rejects this field.")
            inherited = prop.get("x-inherited")
            if inherited is False:
                notes.append("Not inherited through `previous_interaction_id`: send it every turn.")
            elif inherited == "resend":
                notes.append(
                    "Inheritance through `previous_interaction_id` is contested: "
                    "resend it every turn."
                )
            elif inherited is True:
                notes.append("Inherited through `previous_interaction_id`.")
            if prop.get("format") == "int64":
                notes.append("An integer that travels as a JSON string.")
            if prop.get("format") == "byte":
                notes.append("Base64 on the wire; `decode_base64` gives the bytes.")
        description = "\n\n".join(part for part in (_description(prop), " ".join(notes)) if part)
        if (
            hint.startswith("Literal[")
            and "|" not in hint
            and (required or wire in _TAG_PROPERTIES)
        ):
            return FieldDef(
                python,
                wire,
                hint,
                required,
                hint[len("Literal[") : -1],
                description,
                wire_constant=True,
            )
        if hint.startswith("Literal[") and "|" not in hint:
            hint = f"{hint} | str"  # a one-value enum that is not a tag stays open
        base64_field = isinstance(prop, dict) and prop.get("format") == "byte"
        if required:
            return FieldDef(python, wire, hint, True, None, description, base64=base64_field)
        return FieldDef(
            python, wire, f"{hint} | None", False, "None", description, base64=base64_field
        )

    def _shared_fields(self, members: list[UnionMember], tag: str) -> tuple[FieldDef, ...]:
        """Fields every known member has with the same type, offered on the unknown variant too."""
        models = [self.models.get(member.type_hint) for member in members]
        if not models or any(model is None for model in models):
            return ()
        common: dict[str, FieldDef] | None = None
        for model in models:
            assert model is not None
            fields = {
                field.wire_name: field
                for field in model.fields
                if field.wire_name != tag and not field.excluded and not field.wire_constant
            }
            if common is None:
                common = fields
                continue
            common = {
                wire: field
                for wire, field in common.items()
                if wire in fields
                and fields[wire].type_hint.removesuffix(" | None")
                == field.type_hint.removesuffix(" | None")
            }
        return tuple(
            FieldDef(
                field.python_name,
                field.wire_name,
                f"{field.type_hint.removesuffix(' | None')} | None",
                False,
                "None",
                field.description,
            )
            for _, field in sorted((common or {}).items())
        )

    def _shared_byte_offsets(
        self, members: list[UnionMember], shared: tuple[FieldDef, ...]
    ) -> tuple[str, str] | None:
        """The byte-offset fields of an unknown variant whose known object members all have them."""
        models = [self.models.get(member.type_hint) for member in members if member.tag_values]
        offsets = {model.byte_offsets if model else None for model in models}
        if len(offsets) != 1:
            return None
        (common,) = offsets
        names = {field.python_name for field in shared}
        return common if common and set(common) <= names else None

    def _union(self, name: str, schema: dict[str, Any], source: str) -> None:
        options = schema.get("oneOf") or schema.get("anyOf") or []
        discriminator = (
            schema.get("discriminator") if isinstance(schema.get("discriminator"), dict) else None
        )
        members: list[UnionMember] = []
        seen: set[str] = set()
        for index, option in enumerate(options):
            title = option.get("title") if isinstance(option, dict) else None
            context = f"{name}{pascal_case(str(title))}" if title else f"{name}Option"
            hint = self.type_of(option, context, f"{source}/oneOf/{index}")
            if hint.startswith("list["):
                # Covariant inside unions: mypy cannot pick a list type from a union context,
                # so `input=[UserInputStep(...)]` would not type-check against `list[Step]`.
                hint = f"Sequence[{hint[len('list[') : -1]}]"
            if hint in seen:
                continue
            seen.add(hint)
            kinds = self._kinds_of_schema(option)
            tags = self._tags_of_schema(option)
            members.append(UnionMember(tag="", type_hint=hint, kinds=kinds, tag_values=tags))
        tag_property = None
        if discriminator and isinstance(discriminator.get("propertyName"), str):
            tag_property = discriminator["propertyName"]
        elif any(member.tag_values for member in members):
            tag_property = "type"
        unknown = None
        # Every union with a tagged object member is open: an object whose tag nobody knows goes
        # to its Unknown variant (also where strings or lists share the union).
        open_union = tag_property is not None and any(
            member.tag_values and "object" in member.kinds for member in members
        )
        if open_union:
            shared = self._shared_fields(members, str(tag_property))
            unknown = self.reserve(f"Unknown{name}", "Variant")
            self.models[unknown] = ModelDef(
                name=unknown,
                description=(
                    f"A `{name}` variant this client does not know yet. Its fields are kept "
                    f"and re-serialized unchanged; `.raw` gives the whole object."
                ),
                fields=(
                    FieldDef(
                        python_field_name(str(tag_property)),
                        str(tag_property),
                        "str | None",
                        False,
                        "None",
                        "The variant's tag, as received.",
                    ),
                    *shared,
                ),
                flatten=(),
                byte_offsets=self._shared_byte_offsets(members, shared),
                source=source,
                unknown_variant=True,
            )
            self.kinds[unknown] = ("object",)
        tagged = []
        for member in members:
            if open_union and len(member.tag_values) == 1 and member.kinds == ("object",):
                tag = member.tag_values[0]
            else:
                tag = member.type_hint
            tagged.append(UnionMember(tag, member.type_hint, member.kinds, member.tag_values))
        if unknown:
            tagged.append(UnionMember(UNKNOWN_TAG, unknown, ("object",), ()))
        self.unions[name] = UnionDef(
            name=name,
            description=_description(schema),
            members=tuple(tagged),
            tag_property=tag_property,
            unknown=unknown,
            source=source,
        )
        self.kinds[name] = tuple(sorted({kind for member in tagged for kind in member.kinds}))
        self.tags[name] = tuple(sorted({tag for member in tagged for tag in member.tag_values}))


def build_types(spec: JsonValue) -> TypeModel:
    """Build every enum, model, union and alias of a normalized spec."""
    if not isinstance(spec, dict):
        raise BadInputError("spec: not an OpenAPI document.")
    builder = _Builder(spec)
    for name in sorted(builder.schemas):
        builder.build_component(name)
    return TypeModel(
        enums=tuple(builder.enums[name] for name in sorted(builder.enums)),
        models=tuple(builder.models[name] for name in sorted(builder.models)),
        unions=tuple(builder.unions[name] for name in sorted(builder.unions)),
        aliases=tuple(builder.aliases[name] for name in sorted(builder.aliases)),
    )
