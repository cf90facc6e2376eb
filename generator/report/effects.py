"""What one overlay action changes for a client, in client terms (for the report's Corrections).

The run records each action's matched nodes with their values before and after; this module
reads those changes and names their effect on the generated client — a docstring, a type, a
signature, a request rule, a behaviour — by the key that changed and where. Only keys the
generator reads count: a change to anything else (an example, a key no stage reads) has no
client effect, and the report says "client effect: none" next to the catalogue's reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.ir.extensions import EXTENSIONS
from generator.load.documents import unescape_token
from generator.overlay.engine import ActionResult

__all__ = ["EFFECT_KINDS", "action_effects"]

EFFECT_KINDS = ("signature", "type", "rule", "behaviour", "docstring")
"""The kinds of client effect, in the order the report lists them."""

# the key that changed → the kind of effect it has on the generated client
_KEY_EFFECTS: dict[str, str] = {
    "description": "docstring",
    "summary": "docstring",
    "x-google-enum-descriptions": "docstring",
    "x-speakeasy-enum-descriptions": "docstring",
    "deprecated": "docstring",
    "enum": "type",
    "required": "type",
    "type": "type",
    "format": "type",
    "items": "type",
    "oneOf": "type",
    "anyOf": "type",
    "allOf": "type",
    "$ref": "type",
    "properties": "type",
    "additionalProperties": "type",
    "nullable": "type",
    "readOnly": "signature",
    "x-speakeasy-group": "signature",
    "x-speakeasy-name-override": "signature",
    "parameters": "signature",
    "requestBody": "signature",
    "security": "behaviour",
    "securitySchemes": "behaviour",
    # the project's own `x-` keys: the effect their vocabulary entry names
    **{entry.key: entry.effect for entry in EXTENSIONS if entry.effect != "none"},
}


def _place(tokens: list[str]) -> str:
    """Where a change lands, in the client's words: a schema, a field or an operation."""
    if tokens[:2] == ["components", "schemas"] and len(tokens) >= 3:
        schema = tokens[2]
        if len(tokens) >= 5 and tokens[3] == "properties":
            return f"`{schema}.{tokens[4]}`"
        return f"`{schema}`"
    if tokens[:1] == ["paths"] and len(tokens) >= 3:
        return f"`{tokens[2].upper()} {tokens[1]}`"
    if tokens[:2] == ["components", "securitySchemes"]:
        return "authentication"
    return "the API"


def _changed_keys(before: Any, after: Any, tokens: list[str]) -> Iterator[tuple[list[str], str]]:
    """(location, key) of every key whose value differs between `before` and `after`."""
    if before == after:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            old, new = before.get(key), after.get(key)
            if old == new:
                continue
            whole = (old is None or new is None) and (
                tokens[-1:] in (["properties"], ["schemas"])
                or tokens[:1] == ["paths"] == tokens
                or (tokens[:1] == ["paths"] and len(tokens) == 2)
            )
            both_maps = isinstance(old, dict) and isinstance(new, dict)
            leaf = key in _KEY_EFFECTS and not (key == "properties" and both_maps)
            if whole or leaf or not (isinstance(old, dict) or isinstance(new, dict)):
                yield tokens, key
            else:
                yield from _changed_keys(old or {}, new or {}, [*tokens, key])
        return
    if tokens:
        yield tokens[:-1], tokens[-1]


def _effect(tokens: list[str], key: str, removed: bool, value: Any) -> tuple[str, str] | None:
    """The effect of `key` changing (or being removed) at `tokens`, or None."""
    change = "removed" if removed else "added"
    if tokens[-1:] == ["parameters"] and key.isdigit():
        name = value.get("name") if isinstance(value, dict) else key
        return "signature", f"{_place(tokens)} parameter `{name}` {change}"
    if tokens == ["components", "schemas"]:
        return "type", f"schema `{key}` {change}"
    if tokens == ["paths"]:
        return "signature", f"operations of `{key}` {change}"
    if tokens[:1] == ["paths"] and len(tokens) == 2:
        return "signature", f"operation `{key.upper()} {tokens[1]}` {change}"
    if tokens[-1:] == ["properties"] and len(tokens) >= 3:
        return "type", f"field `{tokens[-2]}.{key}` {change}"
    kind = _KEY_EFFECTS.get(key)
    if kind is None:
        return None
    return kind, f"{_place(tokens)} `{key}`" + (" removed" if removed else "")


def action_effects(action: ActionResult) -> list[tuple[str, str]]:
    """The action's client effects as (kind, where) pairs, unique, in `EFFECT_KINDS` order."""
    found: set[tuple[str, str]] = set()
    for match in action.matches:
        tokens = [unescape_token(token) for token in match.pointer.split("/")[1:]]
        if match.removed:
            effect = _effect(tokens[:-1], tokens[-1], True, match.before) if tokens else None
            if effect:
                found.add(effect)
            continue
        for where, key in _changed_keys(match.before, match.after, tokens):
            effect = _effect(where, key, False, None)
            if effect:
                found.add(effect)
    return sorted(found, key=lambda effect: (EFFECT_KINDS.index(effect[0]), effect[1]))
