# Copied from runtime/lib/_structured.py by interactions-codegen; edit it there.
"""Structured output: a type given as `response_format`, sent as its JSON schema, parsed back.

`create(..., response_format=Weather)` (a pydantic model, or any type pydantic can adapt such as
`list[Weather]`) sends `{"type": "text", "mime_type": "application/json", "schema": {...}}`,
the shape the API accepts (fact W51; never the dead `response_mime_type`, W46). The result
remembers the type — the answer is a `ParsedInteraction[T]` (`_parsed`), whose `.parsed` a type
checker knows as `T` — and `interaction.parsed` validates the answer's text into it; an answer
that does not parse raises `StructuredOutputError`, which names the fields that failed, keeps the
raw text and chains pydantic's `ValidationError`.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any

from .._core._errors import GeminiError

__all__ = [
    "StructuredOutputError",
    "attach",
    "is_output_type",
    "parse_text",
    "target_of",
    "to_wire",
]

_TARGET = "_structured_target"


class StructuredOutputError(GeminiError, ValueError):
    """The answer's text is not a valid value of the requested type; `.text` keeps it whole,
    `.fields` names where it failed (`"celsius"`, `"days.2.high"`; `""` for the whole value),
    and pydantic's `ValidationError` is its `__cause__`."""

    def __init__(self, target: Any, text: str, reason: str, fields: tuple[str, ...] = ()) -> None:
        name = getattr(target, "__name__", repr(target))
        super().__init__(f"the answer does not parse as {name}: {reason}")
        self.target = target
        self.text = text
        self.fields = fields


def is_output_type(value: Any) -> bool:
    """Whether `value` is a type to parse into (a class or a generic alias), not wire data."""
    if value is None or type(value) is dict:  # the usual cases: nothing, or wire data
        return False
    return isinstance(value, type) or typing.get_origin(value) is not None


def to_wire(target: Any) -> dict[str, Any]:
    """The `response_format` that asks for JSON of `target`'s schema."""
    from pydantic import TypeAdapter

    return {
        "type": "text",
        "mime_type": "application/json",
        "schema": TypeAdapter(target).json_schema(),
    }


def target_of(fields: tuple[str, ...], body: Mapping[str, Any] | None) -> Any:
    """The type given in one of the structured `fields` of `body`, if any."""
    for name in fields:
        value = (body or {}).get(name)
        if value is not None and is_output_type(value):
            return value
    return None


def attach(result: Any, target: Any) -> Any:
    """Remember on `result` the type its text is to be parsed into; an `Interaction` becomes
    the `ParsedInteraction` the typed `create` overloads promise (same fields, same JSON)."""
    if target is not None and hasattr(result, "__pydantic_private__"):
        private = dict(result.__pydantic_private__ or {})
        private[_TARGET] = target
        object.__setattr__(result, "__pydantic_private__", private)
        if type(result).__name__ == "Interaction":
            from ._parsed import ParsedInteraction

            result.__class__ = ParsedInteraction
    return result


def _failures(error: Any) -> tuple[tuple[str, ...], str]:
    """The fields a `ValidationError` names, and one line per failure for the message."""
    fields: list[str] = []
    lines: list[str] = []
    for problem in error.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in problem.get("loc", ()))
        if where not in fields:
            fields.append(where)
        lines.append(f"{where or '(the value)'}: {problem.get('msg', 'invalid')}")
    return tuple(fields), "; ".join(lines)


def parse_text(result: Any, text: str) -> Any:
    """`text` validated as the type remembered on `result` (None when there is none)."""
    private = getattr(result, "__pydantic_private__", None) or {}
    target = private.get(_TARGET)
    if target is None:
        return None
    from pydantic import TypeAdapter, ValidationError

    try:
        return TypeAdapter(target).validate_json(text)
    except ValidationError as error:
        fields, reason = _failures(error)
        raise StructuredOutputError(target, text, reason, fields) from error
