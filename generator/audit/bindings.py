"""`bindings-diff`: what Google's own bindings know about the Interactions API and we do not.

google-genai ships Speakeasy-generated bindings (`google.genai._gaos`): pydantic models, named
`Literal` enums and one SDK class per resource. `read_bindings()` reads them by introspection —
imported classes, `model_fields`, `typing.get_args` — never by reading their source text.
`spec_surface()` reads the same four things from a target's patched spec, through the model IR
the generator builds; `compare()` lists, in both directions:

- enum values (named enums, by name),
- object fields (models present on both sides, by wire name),
- union variants (the constant `type` / `event_type` tags of objects),
- the members of each field's unions (`FunctionResultStep.result: audio`), by the tags an
  object field can hold through its lists, aliases and nested unions: a tag known elsewhere
  (audio is a content block) is still missing from a union that lacks it,
- operations (resource and method name).

Every types package of the bindings is read (`interactions`, `environments`, `voices`...), so
request bodies of operations outside interactions are compared too.

Entries listed in `overlays/bindings-not-encoded.yaml` (with a reason) are reported apart and do
not count as missing; its `same_objects` pairs a bindings model with ours where the two
generators name one object differently, so that their fields are still compared. Everything
is sorted, so the output is deterministic.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import pkgutil
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, get_args, get_origin

from generator.errors import BadInputError
from generator.ir.model import Api
from generator.ir.objects import TAG_PROPERTIES
from generator.ir.types import ListOf, Named, Optional, UnionOf
from generator.load.documents import JsonValue

__all__ = [
    "BINDINGS_MODULE",
    "NOT_ENCODED_FILE",
    "Comparison",
    "Surface",
    "compare",
    "parse_not_encoded",
    "parse_same_objects",
    "read_bindings",
    "spec_surface",
]

BINDINGS_MODULE = "google.genai._gaos"
NOT_ENCODED_FILE = "overlays/bindings-not-encoded.yaml"

_TYPED_DICT_SUFFIX = "TypedDict"
_KINDS = ("enum", "field", "member", "object", "variant", "operation")


@dataclass(frozen=True)
class Surface:
    """The comparable parts of one description of the API."""

    enums: dict[str, frozenset[str]]
    fields: dict[str, frozenset[str]]
    variants: frozenset[str]
    operations: frozenset[str]
    members: dict[str, frozenset[str]] = field(default_factory=dict)
    """`Model.field` → the tags of the objects its unions hold (only fields that hold any)."""


@dataclass(frozen=True)
class Comparison:
    """The two directions of a diff, and what is listed as deliberately not encoded."""

    missing: tuple[tuple[str, str], ...]
    extra: tuple[tuple[str, str], ...]
    not_encoded: tuple[tuple[str, str, str], ...]

    def lines(self, title: str) -> list[str]:
        lines = [title, ""]
        sections = (
            ("in the bindings, not in our target", [(k, t, "") for k, t in self.missing]),
            ("in our target, not in the bindings", [(k, t, "") for k, t in self.extra]),
            ("in the bindings, deliberately not encoded", list(self.not_encoded)),
        )
        for heading, entries in sections:
            lines.append(f"{heading}: {len(entries)}")
            lines.extend(
                f"  {kind:<9} {text}" + (f"  ({reason})" if reason else "")
                for kind, text, reason in entries
            )
            lines.append("")
        return lines


def _literal_values(annotation: Any) -> set[str]:
    """The string values of every `Literal` inside an annotation."""
    origin = get_origin(annotation)
    if origin is Literal:
        return {value for value in get_args(annotation) if isinstance(value, str)}
    found: set[str] = set()
    for argument in get_args(annotation):
        found |= _literal_values(argument)
    return found


def _is_literal_enum(value: Any) -> bool:
    origin = get_origin(value)
    if origin is Literal:
        return True
    return origin in (typing.Union, types.UnionType) and any(
        get_origin(argument) is Literal for argument in get_args(value)
    )


def _model_tag(value: Any) -> str | None:
    """The constant tag of a bindings model class (None for untagged or unknown variants)."""
    fields = getattr(value, "model_fields", None)
    if not isinstance(fields, dict) or "is_unknown" in fields:
        return None
    for key, info in fields.items():
        if (info.alias or key) in TAG_PROPERTIES:
            tags = _literal_values(info.annotation)
            if len(tags) == 1:
                return next(iter(tags))
    return None


def _annotation_tags(annotation: Any, seen: frozenset[int] = frozenset()) -> set[str]:
    """The tags of the model classes an annotation holds through unions, lists, `Annotated`
    and type aliases (not through the fields of those models)."""
    if id(annotation) in seen:
        return set()
    seen = seen | {id(annotation)}
    if inspect.isclass(annotation):
        tag = _model_tag(annotation)
        return {tag} if tag is not None else set()
    value = getattr(annotation, "__value__", None)  # a `TypeAliasType`
    if value is not None:
        return _annotation_tags(value, seen)
    found: set[str] = set()
    for argument in get_args(annotation):
        found |= _annotation_tags(argument, seen)
    return found


def _types_packages(module: str) -> list[Any]:
    """Every types package of the bindings, `interactions` first (its names stay plain when
    another package defines the same name), then the others by name."""
    types_root = importlib.import_module(f"{module}.types")
    infos = [info for info in pkgutil.iter_modules(types_root.__path__) if info.ispkg]
    return [
        importlib.import_module(f"{types_root.__name__}.{info.name}")
        for info in sorted(infos, key=lambda info: (info.name != "interactions", info.name))
    ]


def read_bindings(module: str = BINDINGS_MODULE) -> tuple[str, Surface]:  # noqa: C901 (one pass over every bindings module tells enums, models, unions and operations apart; audit code beside the pipeline)
    """The version and surface of installed bindings (ImportError when they are missing)."""
    root = importlib.import_module(module)
    try:
        version = importlib.metadata.version("google-genai") if module == BINDINGS_MODULE else ""
    except importlib.metadata.PackageNotFoundError:
        version = ""
    if not version:
        version_module = importlib.import_module(f"{module}._version")
        version = str(getattr(version_module, "__version__", "of unknown version"))
    enums: dict[str, frozenset[str]] = {}
    fields: dict[str, frozenset[str]] = {}
    members: dict[str, frozenset[str]] = {}
    variants: set[str] = set()
    owners: dict[str, str] = {}
    for package in _types_packages(module):
        group = package.__name__.rsplit(".", 1)[-1]
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda item: item.name):
            submodule = importlib.import_module(f"{package.__name__}.{info.name}")
            for name, value in sorted(vars(submodule).items()):
                if inspect.isclass(value) and hasattr(value, "model_fields"):
                    if value.__module__ != submodule.__name__ or "is_unknown" in value.model_fields:
                        continue
                    # a name another package defined differently (`Environment` is an
                    # interaction's environment config and the environments' resource) is
                    # qualified by its package (`environments.Environment`)
                    names = frozenset(f.alias or key for key, f in value.model_fields.items())
                    if owners.setdefault(name, group) != group and fields.get(name) != names:
                        name = f"{group}.{name}"
                    fields[name] = fields.get(name, frozenset()) | names
                    for key, model_field in value.model_fields.items():
                        wire = model_field.alias or key
                        tags = _literal_values(model_field.annotation)
                        if wire in TAG_PROPERTIES:
                            if len(tags) == 1:
                                variants |= tags
                            continue
                        held = _annotation_tags(model_field.annotation)
                        if held:
                            where = f"{name}.{wire}"
                            members[where] = members.get(where, frozenset()) | held
                elif not name.startswith("_") and _is_literal_enum(value):
                    enums[name] = enums.get(name, frozenset()) | _literal_values(value)
    # the bindings also spell some enums a second time for their TypedDict request twins
    for name in [name for name in enums if name.endswith(_TYPED_DICT_SUFFIX)]:
        if enums.get(name.removesuffix(_TYPED_DICT_SUFFIX)) == enums[name]:
            del enums[name]
    operations = set()
    for info in sorted(pkgutil.iter_modules(root.__path__), key=lambda item: item.name):
        if info.name.startswith("_") or info.ispkg:
            continue
        submodule = importlib.import_module(f"{module}.{info.name}")
        for _name, value in sorted(vars(submodule).items()):
            base = getattr(submodule, "BaseSDK", None)
            if inspect.isclass(value) and base is not None and issubclass(value, base):
                if value is base or value.__module__ != submodule.__name__:
                    continue
                for method, function in sorted(vars(value).items()):
                    public = not method.startswith(("_", "with_", "dynamic_"))
                    if inspect.isfunction(function) and public and not method.endswith("_async"):
                        operations.add(f"{info.name}.{method}")
    return version, Surface(enums, fields, frozenset(variants), frozenset(operations), members)


def spec_surface(api: Api) -> Surface:
    """The same surface from the generator's IR of a patched spec."""
    type_model = api.types
    enums = {enum.name: frozenset(str(value) for value in enum.values) for enum in type_model.enums}
    fields = {
        model.name: frozenset(field.wire_name for field in model.fields if not field.excluded)
        for model in type_model.models
        if not model.unknown_variant
    }
    variants = {
        field.constant
        for model in type_model.models
        for field in model.fields
        if field.constant is not None and field.wire_name in TAG_PROPERTIES
    }
    operations = {
        f"{operation.resource[-1]}.{operation.method_name}" for operation in api.operations
    }
    members = {
        f"{model.name}.{item.wire_name}": frozenset(held)
        for model in type_model.models
        if not model.unknown_variant
        for item in model.fields
        if not item.excluded
        and item.wire_name not in TAG_PROPERTIES
        and (held := _type_tags(api, item.type, frozenset()))
    }
    return Surface(enums, fields, frozenset(variants), frozenset(operations), members)


def _type_tags(api: Api, type_: Any, seen: frozenset[str]) -> set[str]:
    """The tags of the models a field type holds through unions, lists and aliases."""
    if isinstance(type_, Optional):
        return _type_tags(api, type_.inner, seen)
    if isinstance(type_, ListOf):
        return _type_tags(api, type_.item, seen)
    if isinstance(type_, UnionOf):
        found: set[str] = set()
        for option in type_.options:
            found |= _type_tags(api, option, seen)
        return found
    if not isinstance(type_, Named) or type_.name in seen:
        return set()
    seen = seen | {type_.name}
    model = api.types.model(type_.name)
    if model is not None:
        return {
            item.constant
            for item in model.fields
            if item.constant is not None and item.wire_name in TAG_PROPERTIES
        }
    union = next((u for u in api.types.unions if u.name == type_.name), None)
    if union is not None:
        found = set()
        for member in union.members:
            found |= _type_tags(api, member.type, seen)
        return found
    alias = next((a for a in api.types.aliases if a.name == type_.name), None)
    return _type_tags(api, alias.type, seen) if alias is not None else set()


def parse_not_encoded(
    data: JsonValue, source: str = NOT_ENCODED_FILE
) -> dict[tuple[str, str], str]:
    """The deliberately not-encoded entries: (kind, text) → reason."""
    entries = data.get("not_encoded") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise BadInputError(f"{source}: expected a mapping with a `not_encoded` list.")
    found: dict[tuple[str, str], str] = {}
    for index, entry in enumerate(entries):
        where = f"{source}: not_encoded[{index}]"
        if not isinstance(entry, dict) or set(entry) - {"kind", "entry", "reason", "facts"}:
            raise BadInputError(f"{where}: expected {{kind, entry, reason, facts}}.")
        if entry.get("kind") not in _KINDS:
            raise BadInputError(f"{where}: kind is one of {', '.join(_KINDS)}.")
        if not isinstance(entry.get("reason"), str) or not entry["reason"].strip():
            raise BadInputError(f"{where}: a not-encoded entry says why in `reason`.")
        found[(str(entry["kind"]), str(entry.get("entry")))] = str(entry["reason"])
    return found


def parse_same_objects(data: JsonValue, source: str = NOT_ENCODED_FILE) -> dict[str, str]:
    """The `same_objects` pairs: a bindings model name → our name for the same object."""
    entries = data.get("same_objects", []) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise BadInputError(f"{source}: `same_objects` is a list of {{bindings, ours, reason}}.")
    pairs: dict[str, str] = {}
    for index, entry in enumerate(entries):
        where = f"{source}: same_objects[{index}]"
        if not isinstance(entry, dict) or set(entry) != {"bindings", "ours", "reason"}:
            raise BadInputError(f"{where}: expected {{bindings, ours, reason}}.")
        if not all(isinstance(entry[key], str) and entry[key].strip() for key in entry):
            raise BadInputError(f"{where}: bindings, ours and reason are non-empty strings.")
        pairs[str(entry["bindings"])] = str(entry["ours"])
    return pairs


def _match_enums(bindings: Surface, ours: Surface) -> dict[str, str]:
    """Our enum for each bindings enum: the same name, else the one sharing most values (at
    least half of the bindings' values); names differ where the two generators name inline
    enums differently (`Task` there, `VideoConfigTask` here)."""
    matched = {}
    for name, values in sorted(bindings.enums.items()):
        if name in ours.enums:
            matched[name] = name
            continue
        overlap, best = max(  # the first of equal overlaps in name order
            ((len(values & ours.enums[other]), other) for other in sorted(ours.enums)),
            key=lambda item: item[0],
            default=(0, ""),
        )
        if best and overlap * 2 >= len(values):
            matched[name] = best
    return matched


def compare(
    bindings: Surface,
    ours: Surface,
    not_encoded: dict[tuple[str, str], str],
    same_objects: dict[str, str] | None = None,
) -> Comparison:
    """Both directions of the diff (see the module docstring)."""
    matched = _match_enums(bindings, ours)
    theirs: set[tuple[str, str]] = set()
    mine: set[tuple[str, str]] = set()
    for name, values in bindings.enums.items():
        ours_name = matched.get(name)
        label = ours_name or name
        theirs |= {("enum", f"{label}: {value}") for value in values}
        if ours_name:
            mine |= {("enum", f"{label}: {value}") for value in ours.enums[ours_name]}
    # models by name, ignoring case (`URLCitation` there is `UrlCitation` here)
    our_names = {name.lower(): name for name in ours.fields}

    def plain(name: str) -> str:  # `environments.Environment` is matched as `environment`
        return name.rsplit(".", 1)[-1].lower()

    pairs = {name: our_names[plain(name)] for name in bindings.fields if plain(name) in our_names}
    pairs |= {
        name: ours_name
        for name, ours_name in (same_objects or {}).items()
        if name in bindings.fields and ours_name in ours.fields
    }
    for name, ours_name in sorted(pairs.items()):
        theirs |= {("field", f"{ours_name}.{field}") for field in bindings.fields[name]}
        mine |= {("field", f"{ours_name}.{field}") for field in ours.fields[ours_name]}
        for wire in bindings.fields[name] & ours.fields[ours_name]:
            for surface, found, model in ((bindings, theirs, name), (ours, mine, ours_name)):
                tags = surface.members.get(f"{model}.{wire}", frozenset())
                found |= {("member", f"{ours_name}.{wire}: {tag}") for tag in tags}
    for surface, found in ((bindings, theirs), (ours, mine)):
        found |= {("variant", tag) for tag in surface.variants}
        found |= {("operation", operation) for operation in surface.operations}
    theirs |= {("object", name) for name in set(bindings.fields) - set(pairs)}
    missing = sorted(theirs - mine)
    extra = sorted(mine - theirs)
    deliberate = [
        (kind, text, not_encoded[(kind, text)])
        for kind, text in missing
        if (kind, text) in not_encoded
    ]
    missing = [(kind, text) for kind, text in missing if (kind, text) not in not_encoded]
    return Comparison(tuple(missing), tuple(extra), tuple(deliberate))
