"""Request rules from the overlays' `x-requires`, `x-inherited` and `x-correlates-with`.

This module checks the rule vocabulary (see overlays/README.md) and turns it into rule data
(`model.Rule`, `model.Condition`) that the `rules.py` template lays out; a malformed rule is
reported naming the schema and the rule. The runtime that evaluates the rules is
`runtime/_core/_rules.py`.
"""

from __future__ import annotations

import re
from typing import Any

from generator.errors import BadInputError
from generator.ir.extensions import Confidence
from generator.ir.model import Condition, RequestRules, Rule
from generator.ir.spec_view import SpecView

__all__ = ["build_rules"]

_EFFECTS = (
    "require",
    "require_present",
    "require_in_items",
    "forbid",
    "forbid_present",
    "forbid_items",
    "forbid_in_blocks",
)
_BLOCK_KEYS = {"field", "types", "key", "matches"}
_RULE_KEYS = {"rule", "when", "error", "facts", "confidence", "probe", *_EFFECTS}
_CONDITION_KEYS = {"field", "matches", "present", "contains", "equals"}


def _condition(raw: Any, where: str) -> Condition:
    if not isinstance(raw, dict) or not isinstance(raw.get("field"), str):
        raise BadInputError(f"{where}: each `when` condition is a mapping with a `field`.")
    unknown = sorted(set(raw) - _CONDITION_KEYS)
    if unknown:
        raise BadInputError(f"{where}: unknown condition key(s) {', '.join(unknown)}.")
    tests = sorted(set(raw) - {"field"})
    if len(tests) != 1:
        raise BadInputError(
            f"{where}: a condition has exactly one of matches, present, equals, contains."
        )
    kind = tests[0]
    value = raw[kind]
    if kind == "matches":
        try:
            re.compile(str(value))
        except re.error as error:
            raise BadInputError(f"{where}: `matches` is not a valid pattern: {error}.") from None
        value = str(value)
    elif kind == "present":
        value = bool(value)
    elif kind == "contains":
        if not isinstance(value, dict) or set(value) != {"key", "value"}:
            raise BadInputError(f"{where}: `contains` is {{key: K, value: V}}.")
        value = (value["key"], value["value"])
    return Condition(field=raw["field"], kind=kind, value=value)


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


def _effects(raw: dict[str, Any], where: str) -> tuple[tuple[str, Any], ...]:
    effects: list[tuple[str, Any]] = []
    for key in ("require", "forbid"):
        if key in raw:
            if not isinstance(raw[key], dict):
                raise BadInputError(f"{where}: `{key}` maps field names to values.")
            effects.append((key, dict(sorted(raw[key].items()))))
    for key in ("require_present", "forbid_present"):
        if key in raw:
            names = raw[key]
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise BadInputError(f"{where}: `{key}` is a list of field names.")
            effects.append((key, tuple(names)))
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
        effects.append(
            ("require_in_items", (items["field"], items["when_present"], items["require_present"]))
        )
    if "forbid_items" in raw:
        items = raw["forbid_items"]
        if not isinstance(items, dict) or set(items) != {"field", "key", "values"}:
            raise BadInputError(f"{where}: `forbid_items` is {{field, key, values}}.")
        effects.append(("forbid_items", (items["field"], items["key"], tuple(items["values"]))))
    if "forbid_in_blocks" in raw:
        blocks = raw["forbid_in_blocks"]
        if (
            not isinstance(blocks, dict)
            or set(blocks) != _BLOCK_KEYS
            or not isinstance(blocks["types"], list)
            or not all(isinstance(kind, str) for kind in blocks["types"])
            or not all(isinstance(blocks[key], str) for key in ("field", "key", "matches"))
        ):
            raise BadInputError(
                f"{where}: `forbid_in_blocks` is {{field, types: [...], key, matches}}."
            )
        try:
            re.compile(blocks["matches"])
        except re.error as error:
            raise BadInputError(f"{where}: `matches` is not a valid pattern: {error}.") from None
        effects.append(
            (
                "forbid_in_blocks",
                (blocks["field"], tuple(blocks["types"]), blocks["key"], blocks["matches"]),
            )
        )
    return tuple(effects)


def _rule(raw: Any, where: str) -> Rule:
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
    if not any(key in raw for key in _EFFECTS):
        raise BadInputError(f"{where}: a rule needs one of {', '.join(_EFFECTS)}.")
    # as in the facts catalogue (the weakest of its facts); only `live` rules refuse a request
    confidence = Confidence.parse(raw.get("confidence"), where)
    _probe(raw.get("probe"), where)
    when = raw.get("when") or []
    if not isinstance(when, list):
        raise BadInputError(f"{where}: `when` is a list of conditions.")
    return Rule(
        rule=raw["rule"],
        error=raw["error"],
        facts=tuple(str(fact) for fact in facts),
        confidence=confidence,
        when=tuple(_condition(item, where) for item in when),
        effects=_effects(raw, where),
        probe=dict(raw["probe"]),
    )


def _unique(schema: str, rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """A schema's rules, each id once: (schema, rule id) names one rule, so its probe and its
    report row can be found again."""
    seen: set[str] = set()
    for rule in rules:
        if rule.rule in seen:
            raise BadInputError(
                f"spec schema {schema}: x-requires has two rules named {rule.rule!r}; give one "
                "another name."
            )
        seen.add(rule.rule)
    return rules


def build_rules(view: SpecView) -> RequestRules:  # noqa: C901 (every rule annotation is collected in one walk so their cross-checks see each other)
    """Collect and check every rule annotation of a patched spec."""
    schemas = view.schemas
    rules: dict[str, tuple[Rule, ...]] = {}
    resend: dict[str, tuple[str, ...]] = {}
    inherited_fields: dict[str, tuple[str, ...]] = {}
    omitted: dict[str, tuple[str, ...]] = {}
    correlations = []
    for name in sorted(schemas):
        schema = schemas[name]
        if not isinstance(schema, dict):
            continue
        raw_rules = schema.get("x-requires")
        if raw_rules is not None:
            if not isinstance(raw_rules, list):
                raise BadInputError(f"spec schema {name}: x-requires is a list of rules.")
            rules[name] = _unique(
                name,
                tuple(
                    _rule(raw, f"spec schema {name}: x-requires[{index}]")
                    for index, raw in enumerate(raw_rules)
                ),
            )
        fields, carried, omit = [], [], []
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
            elif inherited is True:
                carried.append(field)
            on_results = prop.get("x-function-result-turns")
            if on_results not in (None, "omit"):
                raise BadInputError(
                    f"spec schema {name}.{field}: x-function-result-turns is `omit` (or absent)."
                )
            if on_results == "omit":
                omit.append(field)
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
        if carried:
            inherited_fields[name] = tuple(carried)
        if omit:
            omitted[name] = tuple(omit)
    return RequestRules(
        rules=tuple(sorted(rules.items())),
        resend=tuple(sorted(resend.items())),
        correlations=tuple(correlations),
        inherited=tuple(sorted(inherited_fields.items())),
        omit_on_result_turns=tuple(sorted(omitted.items())),
    )
