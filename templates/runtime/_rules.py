"""Request rules the API enforces but the spec does not state, checked before anything is sent.

The generated `rules` module lists them (from the overlays' `x-requires`, `x-inherited` and
`x-correlates-with`); this module evaluates them on a request body — the JSON that would go on
the wire — so a violation is reported locally with the rule, the error the API would give and the
facts behind it, instead of a 400 (or, worse, an interaction that silently does nothing).

- `Condition` / `Rule`: one rule: when its conditions hold, what the body must or must not have.
- `RequestRuleError`: raised by `check_rules`; says which rule failed and why.
- `fields_to_resend`: what a follow-up turn must send again (not inherited through
  `previous_interaction_id`).
- `pair_by_id`: results matched to the calls they answer by id, in any order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._errors import GeminiError

__all__ = [
    "Condition",
    "RequestRuleError",
    "Rule",
    "check_rules",
    "fields_to_resend",
    "pair_by_id",
    "violations",
]


@dataclass(frozen=True, slots=True)
class Condition:
    """A test on one field of the body: matches a pattern, is present, or contains an item."""

    field: str
    matches: str | None = None
    present: bool | None = None
    contains: tuple[str, Any] | None = None

    def holds(self, body: Mapping[str, Any]) -> bool:
        value = body.get(self.field)
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


@dataclass(frozen=True, slots=True)
class Rule:
    """A request rule: when every condition holds, the effects must hold too."""

    rule: str
    error: str
    facts: tuple[str, ...]
    when: tuple[Condition, ...] = ()
    require: Mapping[str, Any] = field(default_factory=dict)
    require_present: tuple[str, ...] = ()
    forbid: Mapping[str, Any] = field(default_factory=dict)
    forbid_items: tuple[str, str, tuple[Any, ...]] | None = None

    def problem(self, body: Mapping[str, Any]) -> str | None:
        """Why `body` breaks this rule, or None when it does not."""
        if not all(condition.holds(body) for condition in self.when):
            return None
        for name, expected in self.require.items():
            if body.get(name) != expected:
                return f"`{name}` must be {_json(expected)} (it is {_json(body.get(name))})"
        for name in self.require_present:
            if body.get(name) is None:
                return f"`{name}` is required"
        for name, refused in self.forbid.items():
            if name in body and body.get(name) == refused:
                return f"`{name}` must not be {_json(refused)}"
        if self.forbid_items is not None:
            name, key, refused_values = self.forbid_items
            items = body.get(name)
            if isinstance(items, list):
                for index, item in enumerate(items):
                    if isinstance(item, Mapping) and item.get(key) in refused_values:
                        return f"`{name}[{index}].{key}` must not be {_json(item.get(key))}"
        return None


def _json(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


class RequestRuleError(GeminiError, ValueError):
    """A request breaks a rule the API enforces; raised before anything is sent."""

    def __init__(self, schema: str, rule: Rule, problem: str) -> None:
        self.schema = schema
        self.rule = rule
        self.problem = problem
        facts = ", ".join(rule.facts)
        super().__init__(f"{schema}: rule {rule.rule!r} ({facts}): {problem}. {rule.error}")


def violations(rules: Iterable[Rule], body: Mapping[str, Any]) -> list[tuple[Rule, str]]:
    """Every rule `body` breaks, with the reason."""
    found = []
    for rule in rules:
        problem = rule.problem(body)
        if problem is not None:
            found.append((rule, problem))
    return found


def check_rules(schema: str, rules: Iterable[Rule], body: Mapping[str, Any]) -> None:
    """Raise `RequestRuleError` for the first rule `body` breaks."""
    for rule, problem in violations(rules, body):
        raise RequestRuleError(schema, rule, problem)


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
