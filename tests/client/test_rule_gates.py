"""A rule's gate (the top-level keys it cannot fire without) never changes its verdict.

`Rule.problem` skips a rule when a key its conditions or effects need is unset, and `violations`
skips it without calling `problem` when one key decides; this compares both verdicts with the
rule evaluated in full, for every generated rule, over bodies that set,
unset, null and nest the fields the rules test.
"""

from __future__ import annotations

import copy
from typing import Any

from gemini_interactions import rules
from gemini_interactions._core._rules import Condition, Rule, violations
from hypothesis import given, settings
from hypothesis import strategies as st

ALL_RULES = [rule for group in rules.REQUEST_RULES.values() for rule in group]


def _ungated(rule: Rule) -> Rule:
    full = copy.copy(rule)
    object.__setattr__(full, "_needs_all", ())
    object.__setattr__(full, "_needs_any", None)
    object.__setattr__(full, "_gate", None)
    return full


def _fields(rule: Rule) -> list[str]:
    names = [condition.field for condition in rule.when]
    names += [*rule.require, *rule.require_present, *rule.forbid, *rule.forbid_present]
    for effect in (rule.require_in_items, rule.forbid_items, rule.forbid_in_blocks):
        if effect is not None:
            names.append(effect[0])
    return names


LEAVES: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(["deep-research-pro", "gs://bucket/a.png", "file_search", "x", ""]),
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "type": st.sampled_from(["file_search", "google_search", "function", "image"]),
                "uri": st.sampled_from(["gs://b/a.png", "https://a/b.png"]),
                "voice": st.sampled_from(["Kore", None]),
                "language": st.sampled_from(["en", None]),
                "parameters": st.just({"required": []}),
            },
        ),
        max_size=3,
    ),
)


@st.composite
def bodies(draw: st.DrawFn, rule: Rule) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for name in _fields(rule):
        if not draw(st.booleans()):
            continue
        *parents, last = name.split(".")
        target = body
        for parent in parents:
            target = target.setdefault(parent, {}) if isinstance(target, dict) else {}
        if isinstance(target, dict):
            target[last] = draw(LEAVES)
    return body


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_rule_gives_the_same_verdict_with_and_without_its_gate(data: st.DataObject) -> None:
    assert ALL_RULES
    for rule in ALL_RULES:
        body = data.draw(bodies(rule))
        verdict = _ungated(rule).problem(body)
        assert rule.problem(body) == verdict, (rule.rule, body)
        # `violations` tests the one deciding key itself before calling `problem`
        assert [problem for _, problem in violations([rule], body)] == (
            [] if verdict is None else [verdict]
        ), (rule.rule, body)


def test_the_gate_is_what_the_conditions_and_effects_need() -> None:
    gated = Rule(
        rule="r",
        error="e",
        facts=("W00",),
        when=(Condition("a.b", equals=1), Condition("c", present=False)),
        require={"d": True},
    )
    assert gated._needs_all == ("a",)  # `c` must be absent: not a key the rule needs
    assert gated._gate == "a"
    assert gated.problem({"a": {"b": 1}}) is not None
    assert gated.problem({"c": 1, "d": True}) is None
    effects_only = Rule(rule="r", error="e", facts=("W00",), forbid_present=("x", "y.z"))
    assert effects_only._needs_any == ("x", "y")
    assert effects_only._gate is None  # either key may fire it: `problem` decides
    assert [p for _, p in violations([effects_only], {"y": {"z": 1}})] == ["`y.z` must not be set"]
    one_key = Rule(rule="r", error="e", facts=("W00",), forbid_present=("x.y",))
    assert one_key._gate == "x"
    assert violations([one_key], {"q": 1}) == []
    assert effects_only.problem({"y": {"z": 1}}) is not None
    assert effects_only.problem({"q": 1}) is None
    requires = Rule(rule="r", error="e", facts=("W00",), require_present=("x",))
    assert requires._needs_any is None and requires.problem({}) is not None
    assert requires._gate is None and len(violations([requires], {})) == 1
