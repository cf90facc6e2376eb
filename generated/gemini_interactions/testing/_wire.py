# Copied from runtime/testing/_wire.py by interactions-codegen; edit it there.
"""What the fake refuses, and how: request checks with the API's own error texts and facts.

The checks follow the wire, not the spec: a key no field has is `400 Unknown parameter 'x'`
(with `at 'parent'` when nested, and the snake_case name when a camelCase key was sent; facts
W09, W10), an object where the API wants a list says so (W50), `response_mime_type` gets the
API's own complaint (W46), and a request rule the overlays mark as live (`rules.REQUEST_RULES`)
refuses with its message. Every refusal carries the fact IDs it rests on, in the error body, so a
test failure says why. The other live refusals are in `_refusals`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._schema import OBJECTS, REQUIRED, UNIONS

__all__ = ["RefusalError", "check_body", "error_body"]

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
}
_JSON_KINDS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "int64": (str, int),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
}


@dataclass(frozen=True)
class RefusalError(Exception):
    """A request the API would refuse: its status, message and the facts that say so."""

    status: int
    message: str
    facts: tuple[str, ...] = field(default=())


def error_body(status: int, message: str, facts: tuple[str, ...] = ()) -> dict[str, Any]:
    """A Google-style error body, with the facts behind it as a detail."""
    body: dict[str, Any] = {
        "code": status,
        "message": message,
        "status": _STATUS_NAMES.get(status, "UNKNOWN"),
    }
    if facts:
        body["details"] = [{"@type": "gemini_interactions.testing/facts", "facts": list(facts)}]
    return {"error": body}


_REMOVED_FIELDS = {"cached_content": ("W47",), "cachedContent": ("W47",)}
"""Fields the overlays removed from the request schemas, and the facts that say the API refuses
them (the refusal text is the generic one, so these facts are added to it)."""


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _where(path: str) -> str:
    return f" at '{path}'" if path else ""


def _problems(value: Any, definition: str, path: str) -> Iterator[RefusalError]:  # noqa: C901 (one branch per JSON kind of the wire check)
    """Every way `value` (wire JSON of `definition`) breaks the wire, outermost first."""
    if definition in UNIONS:
        tag, variants = UNIONS[definition]
        if isinstance(value, dict) and isinstance(value.get(tag), str):
            chosen = variants.get(value[tag])
            if chosen is not None:
                yield from _problems(value, chosen, path)
        return
    fields = OBJECTS.get(definition)
    if fields is None or not isinstance(value, dict):
        return
    for key, item in value.items():
        where = f"{path}.{key}" if path else key
        if key not in fields:
            hint = _snake(key)
            message = f"Unknown parameter '{key}'{_where(path)}."
            if hint != key and hint in fields:
                message = f"{message[:-1]}. Did you mean '{hint}'?"
            yield RefusalError(400, message, ("W09", "W10", *_REMOVED_FIELDS.get(key, ())))
            continue
        kind, child = fields[key]
        if item is None or kind in ("any", "union"):
            if kind == "union" and child:
                yield from _problems(item, child, where)
            continue
        if kind == "array" and isinstance(item, dict):
            facts = ("W50", "S6") if key == "speech_config" else ("W50",)
            yield RefusalError(
                400, f"Invalid value at '{where}': expected an array, got object.", facts
            )
            continue
        expected = _JSON_KINDS.get(kind)
        if expected and (
            not isinstance(item, expected) or (kind != "boolean" and isinstance(item, bool))
        ):
            yield RefusalError(400, f"Invalid value at '{where}' ({kind} expected).", ("W10",))
            continue
        if child and kind == "object":
            yield from _problems(item, child, where)
        elif child and kind == "array":
            for index, element in enumerate(item):
                yield from _problems(element, child, f"{where}[{index}]")
    for name in REQUIRED.get(definition, ()):
        if name not in value:
            yield RefusalError(400, f"'{name}' is required{_where(path)}.", ("W10",))


def _dead_fields(body: Mapping[str, Any]) -> Iterator[RefusalError]:
    config = body.get("generation_config")
    if "response_mime_type" in body or (
        isinstance(config, dict) and "response_mime_type" in config
    ):
        yield RefusalError(400, "responseFormat must be set when responseMimeType is set", ("W46",))


def check_body(body: Any, schemas: tuple[str, ...]) -> tuple[str, Any]:
    """The request schema `body` is, or the first `RefusalError` it earns (raised)."""
    if not isinstance(body, dict):
        raise RefusalError(400, "Invalid JSON payload received: the body is not a JSON object.")
    for problem in _dead_fields(body):
        raise problem
    chosen = schemas[0] if schemas else ""
    if len(schemas) > 1:  # a union body: the member that knows most of the keys sent
        # (`{"model": ...}` without `input` is a model interaction missing its input, not an
        # agent interaction with an unknown `model`)
        chosen = max(
            schemas,
            key=lambda name: (
                len(set(body) & set(OBJECTS.get(name, {}))),
                set(REQUIRED.get(name, ())) - {"type"} <= set(body),
            ),
        )
    for problem in _problems(body, chosen, ""):
        raise problem
    return chosen, body
