# Copied from runtime/lib/_stored.py by interactions-codegen; edit it there.
"""Loading interactions and steps saved as JSON, as the client parses them from the wire.

`load_interaction(data)` and `load_steps(data)` take JSON text (`str` or `bytes`, e.g. what
`interaction.to_json()` wrote to a file) or the already decoded value (what `to_dict()` gave,
read back with `json.load`). They parse with the client's own wire rules, not a strict
`model_validate`:

- nothing is lost: unknown fields, unknown step kinds and values of the wrong type are kept
  and listed in `validation_problems` (see `_tolerant`), so `to_dict()` gives back the input;
- number kinds are remembered: an int64 field that arrived as a JSON number (`"size_bytes":
  27`) goes back out as a number, one that arrived as a string as a string;
- a value that is not JSON, or JSON of the wrong shape (a list where an interaction is
  expected), raises `StoredDataError` (a `GeminiError` and a `ValueError`) naming what it got.

Loaded steps replay unchanged: `create(input=[*load_steps(saved), next_turn], store=False)`
sends them as they were received (W107).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from .._core._errors import GeminiError

if TYPE_CHECKING:
    from pydantic import TypeAdapter

    from ..types import Interaction, Step

__all__ = ["StoredDataError", "load_interaction", "load_steps"]


class StoredDataError(GeminiError, ValueError):
    """Saved data that is not JSON, or not the shape that was asked for."""


@cache
def _adapters() -> tuple[TypeAdapter[Any], Any, TypeAdapter[Any], Any]:
    from pydantic import TypeAdapter

    from ..types import Interaction, Step

    steps = list[Step]
    return TypeAdapter(Interaction), Interaction, TypeAdapter(steps), steps


def _decoded(data: Any, what: str) -> Any:
    if isinstance(data, bytes | bytearray | memoryview):
        data = bytes(data).decode("utf-8", errors="replace")
    if isinstance(data, str):
        try:
            return json.loads(data)
        except ValueError as error:
            raise StoredDataError(f"the saved {what} is not JSON: {error}") from None
    return data


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)}"
    return f"{type(value).__name__} {str(value)[:40]!r}"


def load_interaction(data: str | bytes | Mapping[str, Any]) -> Interaction:
    """An `Interaction` from saved JSON text or its decoded object (see the module docstring)."""
    from .._core._tolerant import parse_wire

    value = _decoded(data, "interaction")
    if not isinstance(value, Mapping):
        raise StoredDataError(f"a saved interaction is a JSON object, got {_kind(value)}")
    adapter, annotation, _, _ = _adapters()
    loaded: Interaction = parse_wire(adapter, annotation, dict(value), "the saved interaction")
    return loaded


def load_steps(data: str | bytes | Sequence[Any]) -> list[Step]:
    """Steps from saved JSON text or a decoded list (`[step.to_dict() for step in ...]`), or
    the `steps` of a saved interaction object."""
    from .._core._tolerant import parse_wire

    value = _decoded(data, "steps")
    if isinstance(value, Mapping) and isinstance(value.get("steps"), list):
        value = value["steps"]
    if not isinstance(value, list | tuple):
        raise StoredDataError(
            f"saved steps are a JSON list (or an interaction with `steps`), got {_kind(value)}"
        )
    _, _, adapter, annotation = _adapters()
    steps: list[Step] = parse_wire(adapter, annotation, list(value), "the saved steps")
    return steps
