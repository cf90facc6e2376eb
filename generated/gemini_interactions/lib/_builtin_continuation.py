# Copied from runtime/lib/_builtin_continuation.py by interactions-codegen; edit it there.
"""A warning before continuing an interaction whose steps hold built-in tool calls (fact W105).

Users report that `previous_interaction_id` naming an interaction with `google_search` or
`code_execution` call steps is answered 501 `not_implemented`, or 400 "Tool type of tool_call
part does not match with tool call context", while continuing after function calls works. The
fact is `reported`, so this is a `RequestRuleWarning` and the request is sent anyway.

The client knows what an interaction held only if it parsed it: `note()` records the ids of
parsed interactions with such steps (the most recent 1024, per process), and `check()` warns
when a request continues one of them. An id the client never parsed does not warn.
"""

from __future__ import annotations

import threading
import warnings
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

from .._core._rules import RequestRuleWarning, Rule, _stacklevel

__all__ = ["BUILTIN_CALLS", "RULE", "check", "note"]

BUILTIN_CALLS = frozenset({"google_search_call", "code_execution_call"})
"""The step types after which continuing was reported to fail (W105)."""

_LIMIT = 1024
_seen: OrderedDict[str, tuple[str, ...]] = OrderedDict()
_lock = threading.Lock()

RULE = Rule(
    rule="continue-after-built-in-tools",
    error=(
        "Continuing an interaction whose steps hold google_search or code_execution calls was "
        "answered 501 not_implemented or 400 'Tool type of tool_call part does not match with "
        "tool call context'; continuing after function calls works. If it fails, start a new "
        "interaction and send the answer you need as input."
    ),
    facts=("W105",),
    confidence="reported",
)


def note(interaction_id: Any, steps: Iterable[Any] | None) -> None:
    """Remember `interaction_id` if `steps` hold a built-in tool call."""
    if not isinstance(interaction_id, str) or not interaction_id or not steps:
        return
    for step in steps:  # every parsed interaction passes here: no set unless one matches
        if getattr(step, "type", None) in BUILTIN_CALLS:
            break
    else:
        return
    kinds = tuple(
        sorted({kind for step in steps if (kind := getattr(step, "type", None)) in BUILTIN_CALLS})
    )
    with _lock:
        _seen[interaction_id] = kinds
        _seen.move_to_end(interaction_id)
        while len(_seen) > _LIMIT:
            _seen.popitem(last=False)


def check(schema: str, body: Mapping[str, Any]) -> None:
    """Warn (`RequestRuleWarning`) when `body` continues an interaction noted above."""
    previous = body.get("previous_interaction_id")
    if not isinstance(previous, str):
        return
    with _lock:
        kinds = _seen.get(previous)
    if kinds:
        problem = (
            f"`previous_interaction_id` {previous!r} names an interaction with "
            f"{' and '.join(f'`{kind}`' for kind in kinds)} steps"
        )
        warnings.warn(RequestRuleWarning(schema, RULE, problem), stacklevel=_stacklevel())
