"""`bindings-diff`: what Google's own bindings know about the Interactions API and we do not.

google-genai ships Speakeasy-generated bindings (`google.genai._gaos`): pydantic models, named
`Literal` enums and one SDK class per resource. `read_bindings()` reads them by introspection —
imported classes, `model_fields`, `typing.get_args` — never by reading their source text.
`spec_surface()` reads the same four things from a target's patched spec, through the model IR
the generator builds; `compare()` lists, in both directions:

- enum values (named enums, by name),
- object fields (models present on both sides, by wire name),
- union variants (the constant `type` / `event_type` tags of objects),
- operations (resource and method name).

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
from dataclasses import dataclass
from typing import Any, Literal, get_args, get_origin

from generator.errors import BadInputError
from generator.ir.model import Api
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
_TAG_FIELDS = ("type", "event_type")
_TYPED_DICT_SUFFIX = "TypedDict"
_KINDS = ("enum", "field", "object", "variant", "operation")


@dataclass(frozen=True)
class Surface:
    """The comparable parts of one description of the API."""

    enums: dict[str, frozenset[str]]
    fields: dict[str, frozenset[str]]
    variants: frozenset[str]
    operations: frozenset[str]


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


def read_bindings(module: str = BINDINGS_MODULE) -> tuple[str, Surface]:
    """The version and surface of installed bindings (ImportError when they are missing)."""
    root = importlib.import_module(module)
    try:
        version = importlib.metadata.version("google-genai") if module == BINDINGS_MODULE else ""
    except importlib.metadata.PackageNotFoundError:
        version = ""
    if not version:
        version_module = importlib.import_module(f"{module}._version")
        version = str(getattr(version_module, "__version__", "of unknown version"))
    package = importlib.import_module(f"{module}.types.interactions")
    enums: dict[str, frozenset[str]] = {}
    fields: dict[str, frozenset[str]] = {}
    variants: set[str] = set()
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda item: item.name):
        submodule = importlib.import_module(f"{package.__name__}.{info.name}")
        for name, value in sorted(vars(submodule).items()):
            if inspect.isclass(value) and hasattr(value, "model_fields"):
                if value.__module__ != submodule.__name__ or "is_unknown" in value.model_fields:
                    continue
                fields[name] = frozenset(f.alias or key for key, f in value.model_fields.items())
                for key, field in value.model_fields.items():
                    tags = _literal_values(field.annotation)
                    if (field.alias or key) in _TAG_FIELDS and len(tags) == 1:
                        variants |= tags
            elif not name.startswith("_") and _is_literal_enum(value):
                enums[name] = frozenset(_literal_values(value))
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
    return version, Surface(enums, fields, frozenset(variants), frozenset(operations))


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
        if field.constant is not None and field.wire_name in _TAG_FIELDS
    }
    operations = {
        f"{operation.resource[-1]}.{operation.method_name}" for operation in api.operations
    }
    return Surface(enums, fields, frozenset(variants), frozenset(operations))


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
    pairs = {name: our_names[name.lower()] for name in bindings.fields if name.lower() in our_names}
    pairs |= {
        name: ours_name
        for name, ours_name in (same_objects or {}).items()
        if name in bindings.fields and ours_name in ours.fields
    }
    for name, ours_name in sorted(pairs.items()):
        theirs |= {("field", f"{ours_name}.{field}") for field in bindings.fields[name]}
        mine |= {("field", f"{ours_name}.{field}") for field in ours.fields[ours_name]}
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
