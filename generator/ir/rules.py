"""Request rules from the overlays' `x-requires`, `x-inherited` and `x-correlates-with`.

This module checks the rule vocabulary (see overlays/README.md) and turns it into Python source
literals for the generated `rules` module; a malformed rule is reported naming the schema and
the rule. The runtime that evaluates the rules is `templates/runtime/_rules.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.errors import BadInputError
from generator.load.documents import JsonValue
from generator.render.literals import py_string

__all__ = ["RequestRules", "build_rules"]

_EFFECTS = (
    "require",
    "require_present",
    "require_in_items",
    "forbid",
    "forbid_present",
    "forbid_items",
)
_RULE_KEYS = {"rule", "when", "error", "facts", "confidence", "probe", *_EFFECTS}
_CONDITION_KEYS = {"field", "matches", "present", "contains", "equals"}
_CONFIDENCES = ("live", "spec-only", "modeled", "conflict", "reported")
"""As in the facts catalogue. Only `live` rules refuse a request; the others warn and send."""


@dataclass(frozen=True)
class RequestRules:
    """Rules per request schema, fields to resend per schema, and call/result correlations."""

    rules: dict[str, tuple[str, ...]]
    resend: dict[str, tuple[str, ...]]
    correlations: tuple[tuple[str, str, str, str], ...]


def _condition(raw: Any, where: str) -> str:
    if not isinstance(raw, dict) or not isinstance(raw.get("field"), str):
        raise BadInputError(f"{where}: each `when` condition is a mapping with a `field`.")
    unknown = sorted(set(raw) - _CONDITION_KEYS)
    if unknown:
        raise BadInputError(f"{where}: unknown condition key(s) {', '.join(unknown)}.")
    arguments = [repr(raw["field"])]
    if "matches" in raw:
        try:
            re.compile(str(raw["matches"]))
        except re.error as error:
            raise BadInputError(f"{where}: `matches` is not a valid pattern: {error}.") from None
        arguments.append(f"matches={raw['matches']!r}")
    if "present" in raw:
        arguments.append(f"present={bool(raw['present'])!r}")
    if "equals" in raw:
        arguments.append(f"equals={raw['equals']!r}")
    if "contains" in raw:
        contains = raw["contains"]
        if not isinstance(contains, dict) or set(contains) != {"key", "value"}:
            raise BadInputError(f"{where}: `contains` is {{key: K, value: V}}.")
        arguments.append(f"contains=({contains['key']!r}, {contains['value']!r})")
    if len(arguments) != 2:
        raise BadInputError(
            f"{where}: a condition has exactly one of matches, present, equals, contains."
        )
    return f"Condition({', '.join(arguments)})"


def _probe(raw: Any, where: str) -> None:
    """A rule's probe: the request that shows the API's behaviour, and what the fact predicts."""
    if raw is None:
        raise BadInputError(
            f"{where}: `probe` ({{request, expect}}) lets `make probe` check the rule."
        )
    expect = raw.get("expect") if isinstance(raw, dict) else None
    if (
        not isinstance(raw, dict)
        or not isinstance(raw.get("request"), dict)
        or not (expect == {"accepted": True} or isinstance((expect or {}).get("rejected"), str))
    ):
        raise BadInputError(
            f"{where}: `probe` is {{request: {{...}}, expect: {{accepted: true}} or "
            f"{{rejected: TEXT}}}}."
        )


def _rule(raw: Any, where: str) -> str:
    if not isinstance(raw, dict):
        raise BadInputError(f"{where}: a rule is a mapping.")
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        raise BadInputError(f"{where}: unknown rule key(s) {', '.join(unknown)}.")
    for key in ("rule", "error"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise BadInputError(f"{where}: `{key}` is required.")
    facts = raw.get("facts")
    if not isinstance(facts, list) or not facts:
        raise BadInputError(f"{where}: `facts` lists the evidence for the rule.")
    effects = [key for key in _EFFECTS if key in raw]
    if not effects:
        raise BadInputError(f"{where}: a rule needs one of {', '.join(_EFFECTS)}.")
    confidence = raw.get("confidence")
    if confidence not in _CONFIDENCES:
        raise BadInputError(
            f"{where}: `confidence` is one of {', '.join(_CONFIDENCES)} (the weakest of its facts)."
        )
    _probe(raw.get("probe"), where)
    parts = [
        f"rule={raw['rule']!r}",
        f"error={py_string(raw['error'])}",
        f"facts={tuple(str(fact) for fact in facts)!r}",
        f"confidence={confidence!r}",
    ]
    when = raw.get("when") or []
    if not isinstance(when, list):
        raise BadInputError(f"{where}: `when` is a list of conditions.")
    if when:
        conditions = ", ".join(_condition(item, where) for item in when)
        parts.append(f"when=({conditions},)")
    for key in ("require", "forbid"):
        if key in raw:
            if not isinstance(raw[key], dict):
                raise BadInputError(f"{where}: `{key}` maps field names to values.")
            parts.append(f"{key}={dict(sorted(raw[key].items()))!r}")
    for key in ("require_present", "forbid_present"):
        if key in raw:
            names = raw[key]
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise BadInputError(f"{where}: `{key}` is a list of field names.")
            parts.append(f"{key}={tuple(names)!r}")
    if "require_in_items" in raw:
        items = raw["require_in_items"]
        if not isinstance(items, dict) or set(items) != {
            "field",
            "when_present",
            "require_present",
        }:
            raise BadInputError(
                f"{where}: `require_in_items` is {{field, when_present, require_present}}."
            )
        parts.append(
            f"require_in_items=({items['field']!r}, {items['when_present']!r}, "
            f"{items['require_present']!r})"
        )
    if "forbid_items" in raw:
        items = raw["forbid_items"]
        if not isinstance(items, dict) or set(items) != {"field", "key", "values"}:
            raise BadInputError(f"{where}: `forbid_items` is {{field, key, values}}.")
        parts.append(
            f"forbid_items=({items['field']!r}, {items['key']!r}, {tuple(items['values'])!r})"
        )
    return f"Rule({', '.join(parts)})"


def build_rules(spec: JsonValue) -> RequestRules:
    """Collect and check every rule annotation of a patched spec."""
    schemas = (
        ((spec or {}).get("components") or {}).get("schemas") or {}
        if isinstance(spec, dict)
        else {}
    )
    rules: dict[str, tuple[str, ...]] = {}
    resend: dict[str, tuple[str, ...]] = {}
    correlations = []
    for name in sorted(schemas):
        schema = schemas[name]
        if not isinstance(schema, dict):
            continue
        raw_rules = schema.get("x-requires")
        if raw_rules is not None:
            if not isinstance(raw_rules, list):
                raise BadInputError(f"spec schema {name}: x-requires is a list of rules.")
            rules[name] = tuple(
                _rule(raw, f"spec schema {name}: x-requires[{index}]")
                for index, raw in enumerate(raw_rules)
            )
        fields = []
        for field, prop in sorted((schema.get("properties") or {}).items()):
            if not isinstance(prop, dict):
                continue
            inherited = prop.get("x-inherited")
            if inherited not in (None, True, False, "resend"):
                raise BadInputError(
                    f"spec schema {name}.{field}: x-inherited is true, false or resend."
                )
            if inherited in (False, "resend"):
                fields.append(field)
            correlates = prop.get("x-correlates-with")
            if correlates is not None:
                if not isinstance(correlates, dict) or set(correlates) != {"step", "field"}:
                    raise BadInputError(
                        f"spec schema {name}.{field}: x-correlates-with is {{step, field}}."
                    )
                correlations.append(
                    (name, field, str(correlates["step"]), str(correlates["field"]))
                )
        if fields:
            resend[name] = tuple(fields)
    return RequestRules(rules=rules, resend=resend, correlations=tuple(correlations))
