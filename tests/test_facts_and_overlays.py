"""The facts catalogue, the real overlays and the real specs, checked against each other.

- every fact of ../shared/WIRE_FACTS.md has exactly one entry and a status;
- a fact is `overlay` exactly when some action (of any target) cites it;
- every action cites known facts with a date and a revision;
- each target's overlays apply strictly (no zero-match, no no-op) to the spec it is pinned to;
- the patched, normalized current spec is valid OpenAPI 3.0 (the upstream one is not);
- statuses hold against behaviour: a runtime fact names a test that exists and mentions it, an
  overlay fact's actions change the generated client (or the catalogue says why not), and an
  action whose premise another fact contradicts says how it resolves it.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from functools import cache

import pytest
from openapi_spec_validator import OpenAPIV30SpecValidator

from generator.errors import BadInputError
from generator.load.config import load_project_config
from generator.load.facts import (
    Fact,
    check_contradictions,
    citations,
    parse_facts,
    premise_conflicts,
)
from generator.load.fetch import Fetcher
from generator.pipeline import PatchResult, patch_spec, read_facts, read_inputs
from generator.report.effects import action_effects
from tests.conftest import PROJECT_ROOT, SHARED


@cache
def _patch(target: str) -> PatchResult:
    config = load_project_config(PROJECT_ROOT)
    inputs = read_inputs(config, config.target(target), Fetcher(PROJECT_ROOT, download=None))
    return patch_spec(inputs)


def _facts() -> tuple[object, ...]:
    config = load_project_config(PROJECT_ROOT)
    inputs = read_inputs(config, config.target("current"), Fetcher(PROJECT_ROOT, download=None))
    return read_facts(inputs)


def test_every_shared_fact_has_exactly_one_entry_with_a_status() -> None:
    text = (SHARED / "WIRE_FACTS.md").read_text(encoding="utf-8")
    shared_ids = set(re.findall(r"^\| (S[1-9]|W\d{2,3}) \|", text, flags=re.MULTILINE))
    assert len(shared_ids) >= 118, "S1-S9 and W01-W109 at least"
    assert {"W100", "W109"} <= shared_ids, "three-digit ids are read too"
    facts = parse_facts(
        __import__("yaml").safe_load((PROJECT_ROOT / "overlays/facts.yaml").read_text())
    )
    assert {fact.id for fact in facts} == shared_ids
    assert all(fact.status in ("overlay", "runtime", "not-encoded") for fact in facts)


def test_overlay_status_matches_citations_across_targets() -> None:
    cited = citations([*_patch("current").actions, *_patch("launch").actions])
    facts = {
        fact.id: fact
        for fact in parse_facts(
            __import__("yaml").safe_load((PROJECT_ROOT / "overlays/facts.yaml").read_text())
        )
    }
    unknown = sorted(set(cited) - set(facts))
    assert not unknown, f"actions cite facts missing from facts.yaml: {unknown}"
    claims_overlay = {fact_id for fact_id, fact in facts.items() if fact.status == "overlay"}
    assert claims_overlay == set(cited), (
        f"status overlay but never cited: {sorted(claims_overlay - set(cited))}; "
        f"cited but not marked overlay: {sorted(set(cited) - claims_overlay)}"
    )


def test_runtime_facts_name_a_module_that_exists_and_cites_them() -> None:
    # A status can no longer claim behaviour the code lacks: the module named for a runtime
    # fact must exist and say, where it implements the behaviour, which fact it follows.
    for fact in parse_facts(
        __import__("yaml").safe_load((PROJECT_ROOT / "overlays/facts.yaml").read_text())
    ):
        if fact.status == "runtime":
            module = PROJECT_ROOT / "generated" / (fact.module or "")
            assert fact.module and module.is_file(), fact.id
            cited = re.findall(r"\b(?:S[1-9]|W\d{2,3})\b", module.read_text(encoding="utf-8"))
            assert fact.id in cited, f"{fact.module} does not mention {fact.id}"


@pytest.mark.parametrize("target", ["current", "launch"])
def test_every_action_cites_facts_with_date_and_revision(target: str) -> None:
    patch = _patch(target)
    assert patch.actions, "the target has overlays"
    for action in patch.actions:
        assert action.extensions.get("x-facts"), action
        assert isinstance(action.extensions.get("x-observed"), str), action
        expected_revision = "launch" if target == "launch" else "2026-05-20"
        assert action.extensions.get("x-revision") == expected_revision, action
        assert action.matches and action.changed, "strict mode already guarantees this"


def test_the_launch_overlays_apply_to_the_launch_spec() -> None:
    patch = _patch("launch")
    schemas = patch.patched["components"]["schemas"]
    assert schemas["ThinkingSummaries"]["enum"] == [
        "THINKING_SUMMARIES_AUTO",
        "THINKING_SUMMARIES_NONE",
    ]
    assert schemas["CodeExecutionCallArguments"]["properties"]["language"]["enum"] == ["PYTHON"]
    assert schemas["GenerationConfig"]["properties"]["speech_config"]["$ref"].endswith(
        "/SpeechConfig"
    )


def test_the_patched_current_spec_is_valid_openapi_and_upstream_is_not() -> None:
    patch = _patch("current")
    upstream_errors = list(OpenAPIV30SpecValidator(patch.spec).iter_errors())
    assert len(upstream_errors) == 94, "the upstream document's const-in-3.0 errors"
    errors = [error.message[:200] for error in OpenAPIV30SpecValidator(patch.patched).iter_errors()]
    assert errors == []


def _rules_of(target: str) -> list[dict[str, object]]:
    schemas = _patch(target).patched["components"]["schemas"]
    return [rule for schema in schemas.values() for rule in schema.get("x-requires") or []]


@pytest.mark.parametrize("target", ["current", "launch"])
def test_a_rule_refuses_only_when_all_its_facts_are_live(target: str) -> None:
    facts = {
        fact.id: fact
        for fact in parse_facts(
            __import__("yaml").safe_load((PROJECT_ROOT / "overlays/facts.yaml").read_text())
        )
    }
    rules = _rules_of(target)
    assert rules
    for rule in rules:
        cited = [facts[str(fact_id)] for fact_id in rule["facts"]]  # type: ignore[attr-defined]
        all_live = all(fact.confidence == "live" for fact in cited)
        assert (rule["confidence"] == "live") == all_live, rule["rule"]
        assert isinstance(rule.get("probe"), dict), f"{rule['rule']} has no probe"


def test_the_rule_vocabulary_is_checked() -> None:
    from generator.errors import BadInputError
    from generator.ir.model import Condition
    from generator.ir.rules import build_rules
    from generator.ir.spec_view import SpecView

    def spec(rule: dict[str, object]) -> SpecView:
        return SpecView({"paths": {}, "components": {"schemas": {"Body": {"x-requires": [rule]}}}})

    good: dict[str, object] = {
        "rule": "r",
        "error": "e",
        "facts": ["W07"],
        "forbid": {"background": True},
        "confidence": "reported",
        "probe": {"request": {"model": "m"}, "expect": {"accepted": True}},
    }
    ((schema, (rule,)),) = build_rules(spec(good)).rules
    assert (schema, rule.confidence, rule.effects) == (
        "Body",
        "reported",
        (("forbid", good["forbid"]),),
    )
    when = [
        {"field": "store", "equals": False},
        {"field": "tools", "contains": {"key": "type", "value": "x"}},
    ]
    ((_, (conditional,)),) = build_rules(spec({**good, "when": when})).rules
    assert conditional.when == (
        Condition("store", "equals", False),
        Condition("tools", "contains", ("type", "x")),
    )
    cases: tuple[tuple[dict[str, object], str], ...] = (
        ({**good, "confidence": "sure"}, "confidence"),
        ({key: value for key, value in good.items() if key != "probe"}, "probe"),
        ({**good, "probe": {"request": {}}}, "probe"),
        ({**good, "require_in_items": {"field": "x"}}, "require_in_items"),
        ({**good, "forbid_in_blocks": {"field": "input", "types": "image"}}, "forbid_in_blocks"),
        (
            {
                **good,
                "forbid_in_blocks": {"field": "i", "types": ["t"], "key": "k", "matches": "("},
            },
            "not a valid pattern",
        ),
        ({**good, "when": [{"field": "store", "equals": False, "present": True}]}, "exactly one"),
    )
    for broken, message in cases:
        with pytest.raises(BadInputError, match=message):
            build_rules(spec(broken))
    twice = SpecView(
        {"paths": {}, "components": {"schemas": {"Body": {"x-requires": [good, good]}}}}
    )
    with pytest.raises(
        BadInputError, match=r"spec schema Body: x-requires has two rules named 'r'"
    ):
        build_rules(twice)


def test_the_report_reads_as_a_reviewers_document() -> None:
    text = (PROJECT_ROOT / "generated/OVERLAYS.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert headings[:6] == [
        "Summary",
        "Corrections",
        "Contradictions",
        "Since the last regeneration",
        "What changes for a client",
        "Request rules",
    ]
    corrections = text.split("## Corrections")[1].split("## Contradictions")[0]
    assert "| client effect |" in corrections and "parameter `stream` removed" in corrections
    assert "W92 (spec-only, published 2026-11-12)" in corrections, "spec dates are not observed"
    assert "observed 2026-11" not in corrections
    assert "never run (model gemini-flash-lite-latest)" in corrections, "no probe has run here"
    contradictions = text.split("## Contradictions")[1].split("## Since the last")[0]
    assert "| W53 (live, observed 2026-08-15) | W92 (spec-only" in contradictions
    assert "`50-bindings.yaml #5` resolves W53" in contradictions
    launch = text.split("## Other targets' encodings")[1].split("## Appendix A")[0]
    expected = (
        "| `overlays/launch/10-enums.yaml` #0 | `$.components.schemas.ThinkingSummaries.enum` | "
        "type: `ThinkingSummaries` `enum` removed |"
    )
    assert expected in launch, "the launch target's actions with their client effects"
    assert headings[-3:] == [
        "Appendix A: normalization",
        "Appendix B: facts of this revision that are not encoded",
        "Appendix C: facts of other targets' revisions",
    ]
    links = set(re.findall(r"\]\(#([a-z0-9-]+)\)", text))
    anchors = set(re.findall(r'<a id="([a-z0-9-]+)"></a>', text))
    assert links and links == anchors, "every correction links to its action's diff"
    assert len(anchors) == len(_patch("current").actions)
    changes = text.split("## What changes for a client")[1].split("## Request rules")[0]
    assert "..." not in changes, "values are never cut"
    assert "deep-research-store" in text.split("## Request rules")[1].split("## Actions")[0]
    launch_only = text.split("## Appendix C")[1]
    assert "| S1 |" in launch_only and "| S1 |" not in text.split("## Appendix C")[0]


def _catalogue() -> tuple[Fact, ...]:
    return parse_facts(
        __import__("yaml").safe_load((PROJECT_ROOT / "overlays/facts.yaml").read_text())
    )


def test_runtime_facts_name_a_test_that_exists_and_mentions_them() -> None:
    # a runtime status is a claim about behaviour: the named test must exist and say which
    # fact it proves, so deleting or renaming the proof fails here
    runtime = [fact for fact in _catalogue() if fact.status == "runtime"]
    assert runtime
    for fact in runtime:
        assert fact.test, fact.id
        path, name = fact.test.split("::")
        source = (PROJECT_ROOT / path).read_text(encoding="utf-8")
        functions = {
            node.name: ast.get_source_segment(source, node) or ""
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        assert name in functions, f"{fact.id}: {fact.test} does not exist"
        assert re.search(rf"\b{fact.id}\b", functions[name]), (
            f"{fact.test} never mentions {fact.id}"
        )


def test_overlay_facts_change_the_client_or_say_why_not() -> None:
    actions = [*_patch("current").actions, *_patch("launch").actions]
    with_effect = {
        str(fact_id)
        for action in actions
        if action_effects(action)
        for fact_id in action.extensions.get("x-facts") or []
    }
    for fact in _catalogue():
        if fact.status == "overlay":
            assert fact.id in with_effect or fact.no_client_effect, (
                f"{fact.id}: no action citing it changes the generated client; encode it or "
                "say why in `no_client_effect`"
            )
        else:
            assert not fact.no_client_effect, f"{fact.id}: only overlay facts need the reason"


def test_an_unresolved_contradiction_stops_the_run_naming_action_and_fact() -> None:
    facts = _catalogue()
    actions = _patch("current").actions
    check_contradictions(facts, actions)  # the real overlays resolve what they meet
    (met,) = [action for action in actions if premise_conflicts(facts, action)]
    assert met.source.endswith("50-bindings.yaml") and "W53" in met.extensions["x-resolves"]
    unresolved = dataclasses.replace(
        met, extensions={k: v for k, v in met.extensions.items() if k != "x-resolves"}
    )
    with pytest.raises(BadInputError, match=r"50-bindings.yaml: action 5 .*contradicted by W53"):
        check_contradictions(facts, [unresolved])
    other = next(action for action in actions if action.source.endswith("00-transport.yaml"))
    stray = dataclasses.replace(other, extensions={**other.extensions, "x-resolves": {"W53": "x"}})
    with pytest.raises(BadInputError, match="no declared contradiction meets it"):
        check_contradictions(facts, [stray])
