"""Python names computed from spec names: snake_case members, PascalCase classes, safe identifiers.

Every name the generated code uses comes from here, so the rules live in one place: words are
split on case changes, digits and punctuation; Python keywords and builtins that would shadow
something get a trailing underscore; nothing is ever numbered.
"""

from __future__ import annotations

import keyword
import re

__all__ = [
    "class_name",
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


def class_name(schema_name: str) -> str:
    """The class for a component schema: its own name when that is an identifier."""
    if _IDENTIFIER.match(schema_name) and not keyword.iskeyword(schema_name):
        return schema_name[0].upper() + schema_name[1:]
    return pascal_case(schema_name) or "Schema"


def python_field_name(wire: str) -> str:
    """The Python attribute for a wire field name (never one a pydantic model already uses)."""
    name = wire if _IDENTIFIER.match(wire) and wire == wire.lower() else snake_case(wire)
    if not name or name[0].isdigit():
        name = f"field_{name}"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in _RESERVED_FIELDS:
        name = f"{name}_"
    if name.startswith("_"):
        name = f"field{name}"
    return name
