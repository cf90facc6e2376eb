"""Request rules the API enforces but the spec does not state, checked before anything is sent.

The generated `rules` module lists them (from the overlays' `x-requires`, `x-inherited` and
`x-correlates-with`); this module evaluates them on a request body — the JSON that would go on
the wire — so a violation is reported locally with the rule, the error the API would give and the
facts behind it, instead of a 400 (or, worse, an interaction that silently does nothing).

- `Condition` / `Rule`: one rule: when its conditions hold, what the body must or must not have.
  A field is a dotted path into the body (`generation_config.speech_config`).
- Severity follows confidence: a rule whose facts are live and unconflicted refuses the request
  (`RequestRuleError`); a rule resting on a report or on conflicting facts warns
  (`RequestRuleWarning`, through `warnings`) and the request is sent. Both texts name the rule,
  its facts and their confidence.
- `fields_to_resend`: what a follow-up turn must send again (not inherited through
  `previous_interaction_id`).
- `pair_by_id`: results matched to the calls they answer by id, in any order.
"""

from __future__ import annotations

import os
import re
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ._errors import GeminiError
from ._values import Value

__all__ = [
    "Condition",
    "RequestRuleError",
    "RequestRuleWarning",
    "Rule",
    "check_rules",
    "fields_to_resend",
    "pair_by_id",
    "violations",
]


_UNSET = object()


_TEXT_AND_NUMBERS = frozenset({str, int, float, bool, type(None)})
"""Types no mapping can be (tested before `Mapping`, whose ABC check costs a Python call)."""


def _blocks(value: Any, path: str) -> Iterable[tuple[str, Mapping[str, Any]]]:
    """Every mapping at or under `value` (through lists and mappings), with its path."""
    if type(value) is dict or (type(value) not in _TEXT_AND_NUMBERS and isinstance(value, Mapping)):
        yield path, value
        for key, child in value.items():
            yield from _blocks(child, f"{path}.{key}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _blocks(child, f"{path}[{index}]")


def _top(path: str) -> str:
    return path.split(".", 1)[0]


_PATHS: dict[str, tuple[str, ...]] = {}
"""Dotted paths split once (the rules' paths are a fixed, small set)."""


def _lookup(body: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted `path` of `body`, or None."""
    parts = _PATHS.get(path)
    if parts is None:
        parts = _PATHS[path] = tuple(path.split("."))
    value: Any = body
    for part in parts:
        if type(value) is not dict and not isinstance(value, Mapping):  # dict: no ABC check
            return None
        value = value.get(part)
    return value


class Condition(Value):
    """A test on one field of the body: matches a pattern, is present, equals a value, or
    contains an item."""

    __slots__ = ("contains", "equals", "field", "matches", "present")

    def __init__(
        self,
        field: str,
        matches: str | None = None,
        present: bool | None = None,
        contains: tuple[str, Any] | None = None,
        equals: Any = _UNSET,
    ) -> None:
        self.field = field
        self.matches = matches
        self.present = present
        self.contains = contains
        self.equals = equals

    @property
    def needs_value(self) -> bool:
        """Whether this condition can only hold when its field is set."""
        return self.equals is not _UNSET or (
            self.matches is not None or self.contains is not None or self.present is True
        )

    def holds(self, body: Mapping[str, Any]) -> bool:
        value = _lookup(body, self.field)
        if self.equals is not _UNSET:
            return value is not None and value == self.equals
        if self.matches is not None:
            return isinstance(value, str) and re.search(self.matches, value) is not None
        if self.present is not None:
            return (value is not None) == self.present
        if self.contains is not None:
            key, expected = self.contains
            return isinstance(value, list) and any(
                isinstance(item, Mapping) and item.get(key) == expected for item in value
            )
        return True


class Rule(Value):
    """A request rule: when every condition holds, the effects must hold too.

    `forbid_in_blocks` is (field, block types, key, pattern): no block of those types anywhere
    under the field may have a string `key` matching the pattern (`gs://` media URIs, fact W53).
    """

    __slots__ = (
        "_gate",
        "_needs_all",
        "_needs_any",
        "confidence",
        "error",
        "facts",
        "forbid",
        "forbid_in_blocks",
        "forbid_items",
        "forbid_present",
        "require",
        "require_in_items",
        "require_present",
        "rule",
        "when",
    )

    def __init__(
        self,
        rule: str,
        error: str,
        facts: tuple[str, ...],
        confidence: str = "live",
        when: tuple[Condition, ...] = (),
        require: Mapping[str, Any] | None = None,
        require_present: tuple[str, ...] = (),
        require_in_items: tuple[str, str, str] | None = None,
        forbid: Mapping[str, Any] | None = None,
        forbid_present: tuple[str, ...] = (),
        forbid_items: tuple[str, str, tuple[Any, ...]] | None = None,
        forbid_in_blocks: tuple[str, tuple[str, ...], str, str] | None = None,
    ) -> None:
        self.rule = rule
        self.error = error
        self.facts = facts
        self.confidence = confidence
        self.when = when
        self.require: Mapping[str, Any] = {} if require is None else require
        self.require_present = require_present
        self.require_in_items = require_in_items
        self.forbid: Mapping[str, Any] = {} if forbid is None else forbid
        self.forbid_present = forbid_present
        self.forbid_items = forbid_items
        self.forbid_in_blocks = forbid_in_blocks
        # The top-level keys without which the rule cannot fire, so that `problem` passes most
        # rules with a dict lookup or two (a request sets few of the fields the rules test):
        # every `when` condition that needs a value needs its key; without conditions, effects
        # that all test a set field need at least one of theirs.
        self._needs_all = tuple(
            _top(condition.field) for condition in when if condition.needs_value
        )
        needs_any: tuple[str, ...] | None = None
        if not when and not self.require and not require_present:
            fields = [*self.forbid, *forbid_present]
            for effect in (forbid_items, forbid_in_blocks, require_in_items):
                if effect is not None:
                    fields.append(effect[0])
            needs_any = tuple(_top(name) for name in fields)
        self._needs_any = needs_any
        # one key whose absence alone passes the rule: `violations` tests it without a call
        self._gate: str | None = (
            self._needs_all[0]
            if self._needs_all
            else needs_any[0]
            if needs_any is not None and len(needs_any) == 1
            else None
        )

    @property
    def severity(self) -> str:
        """`error` (refuse before sending) for live facts; `warning` (warn and send) otherwise."""
        return "error" if self.confidence == "live" else "warning"

    def problem(self, body: Mapping[str, Any]) -> str | None:  # noqa: C901 (one branch per condition and effect of the rule vocabulary)
        """Why `body` breaks this rule, or None when it does not."""
        for key in self._needs_all:
            if body.get(key) is None:
                return None
        if self._needs_any is not None:
            for key in self._needs_any:  # a loop: `all()` of a generator costs a frame per key
                if body.get(key) is not None:
                    break
            else:
                return None
        for condition in self.when:  # a loop, not all(...): most rules stop at their first test
            if not condition.holds(body):
                return None
        for name, expected in self.require.items():
            if _lookup(body, name) != expected:
                return f"`{name}` must be {_json(expected)} (it is {_json(_lookup(body, name))})"
        for name in self.require_present:
            if _lookup(body, name) is None:
                return f"`{name}` is required"
        for name, refused in self.forbid.items():
            value = _lookup(body, name)
            if value is not None and value == refused:
                return f"`{name}` must not be {_json(refused)}"
        for name in self.forbid_present:
            if _lookup(body, name) is not None:
                return f"`{name}` must not be set"
        if self.require_in_items is not None:
            name, when_present, required = self.require_in_items
            items = _lookup(body, name)
            for index, item in enumerate(items if isinstance(items, list) else []):
                if (
                    isinstance(item, Mapping)
                    and item.get(when_present) is not None
                    and item.get(required) is None
                ):
                    return f"`{name}[{index}].{required}` is required with `{when_present}`"
        if self.forbid_items is not None:
            name, key, refused_values = self.forbid_items
            items = _lookup(body, name)
            if isinstance(items, list):
                for index, item in enumerate(items):
                    value = _lookup(item, key) if isinstance(item, Mapping) else None
                    # rule values are written as tuples; a JSON list compares as one
                    if (tuple(value) if isinstance(value, list) else value) in refused_values:
                        return f"`{name}[{index}].{key}` must not be {_json(value)}"
        if self.forbid_in_blocks is not None:
            name, types, key, pattern = self.forbid_in_blocks
            root = _lookup(body, name)
            for where, block in () if type(root) in _TEXT_AND_NUMBERS else _blocks(root, name):
                value = block.get(key)
                kind = block.get("type")
                if kind in types and isinstance(value, str) and re.search(pattern, value):
                    return f"`{where}.{key}` must not be {_json(value)}"
        return None


def _json(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _describe(schema: str, rule: Rule, problem: str) -> str:
    facts = ", ".join(rule.facts)
    return (
        f"{schema}: rule {rule.rule!r} (facts {facts}, {rule.confidence}): {problem}. {rule.error}"
    )


class RequestRuleError(GeminiError, ValueError):
    """A request breaks a rule the API enforces (live facts); raised before anything is sent."""

    def __init__(self, schema: str, rule: Rule, problem: str) -> None:
        self.schema = schema
        self.rule = rule
        self.problem = problem
        super().__init__(_describe(schema, rule, problem))


class RequestRuleWarning(UserWarning):
    """A request breaks a rule whose evidence is a report or conflicting; it is sent anyway.

    Turn it into an error with `warnings.simplefilter("error", RequestRuleWarning)`, or silence
    it with `warnings.simplefilter("ignore", RequestRuleWarning)`.
    """

    def __init__(self, schema: str, rule: Rule, problem: str) -> None:
        self.schema = schema
        self.rule = rule
        self.problem = problem
        super().__init__(
            _describe(schema, rule, problem) + " Sent anyway: the evidence is not live."
        )


_PACKAGE_DIRECTORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
"""The package root (this module sits in its `_core` folder)."""


def _inside_package(filename: str) -> bool:
    """Whether `filename` is a module of this package (sub-packages such as `resources` too)."""
    return os.path.abspath(filename).startswith(_PACKAGE_DIRECTORY + os.sep)


def _stacklevel() -> int:
    """The `warnings` stack level of the first frame outside this package (the caller's code)."""
    level = 1
    frame = sys._getframe(1)
    while frame is not None and _inside_package(frame.f_code.co_filename):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def violations(rules: Iterable[Rule], body: Mapping[str, Any]) -> list[tuple[Rule, str]]:
    """Every rule `body` breaks, with the reason."""
    found = []
    for rule in rules:
        gate = rule._gate
        if gate is not None and body.get(gate) is None:
            continue  # (`problem` would say the same, at the price of a call)
        problem = rule.problem(body)
        if problem is not None:
            found.append((rule, problem))
    return found


def check_rules(schema: str, rules: Iterable[Rule], body: Mapping[str, Any]) -> None:
    """Raise `RequestRuleError` for the first error rule `body` breaks; warn for the others."""
    found = violations(rules, body)
    for rule, problem in found:
        if rule.severity == "error":
            raise RequestRuleError(schema, rule, problem)
    for rule, problem in found:
        warnings.warn(RequestRuleWarning(schema, rule, problem), stacklevel=_stacklevel())


def fields_to_resend(resend: Sequence[str], body: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a previous request that a follow-up turn must send again."""
    return {name: body[name] for name in resend if body.get(name) is not None}


def pair_by_id(
    calls: Iterable[Any],
    results: Iterable[Any],
    call_field: str = "id",
    result_field: str = "call_id",
) -> list[tuple[Any, Any | None]]:
    """Each call with the result that answers it (matched by id, order independent) or None."""
    by_id = {_get(result, result_field): result for result in results}
    return [(call, by_id.get(_get(call, call_field))) for call in calls]


def _get(item: Any, name: str) -> Any:
    if isinstance(item, Mapping):
        return item.get(name)
    return getattr(item, name, None)
