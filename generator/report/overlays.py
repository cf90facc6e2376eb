"""The overlay report (`generated/OVERLAYS.md`): every wire correction, documented from the data.

The report is rendered from what actually happened in the run — each action's matched JSON
Pointers and before/after values, the normalization steps, the surface differences with and
without overlays — plus the facts catalogue, so it cannot drift from the overlays it describes.
A reviewer reads its diff in a pull request to see what changed on the wire.

The four views a reviewer approves from: per correction, its client effect (`report/effects`)
apart from its reason, each cited fact with its own confidence and date, and the probe's last
logged run (or "never run", or why there is no probe); the contradictions between facts that
overlays meet and how each is resolved; what changed since the last regeneration
(`report/review`); and the other targets' encodings.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from generator.audit.probe import Probe, ProbeRecord
from generator.ir.discriminators import WrittenDiscriminators
from generator.ir.extensions import Confidence
from generator.ir.model import Condition, RequestRules, Rule, UnionDef
from generator.ir.unions import UNKNOWN_TAG
from generator.load.documents import JsonValue, escape_token
from generator.load.facts import Fact, citations, contradictions_of, premise_conflicts
from generator.normalize.rewrites import NormalizationReport
from generator.overlay.engine import ActionResult
from generator.report.effects import action_effects
from generator.report.review import Review

__all__ = ["ReportInputs", "render_report", "structural_changes"]

_MISSING: Any = object()


@dataclass(frozen=True)
class ReportInputs:
    """Everything the report is made of."""

    target: str
    revision: str
    """The target's API revision as the facts name it (`launch` without one)."""
    snapshot: str
    overlays_dir: str
    overlay_titles: dict[str, str]
    actions: tuple[ActionResult, ...]
    normalization: NormalizationReport
    unions: tuple[UnionDef, ...]
    """The IR's unions (the patched target's), for the appendix on how each is told apart."""
    discriminators: WrittenDiscriminators
    client_changes: tuple[str, ...]
    facts: tuple[Fact, ...]
    all_citations: dict[str, list[str]]
    rules: RequestRules
    """Every request rule (`x-requires`) of the patched spec, with its schema."""
    probes: tuple[Probe, ...] = ()
    """Every probe of this target's overlays (an action's `x-probe`, a rule's `probe`)."""
    probe_log: dict[str, ProbeRecord] | None = None
    """The latest logged result of each probe (`overlays/probe-log.yaml`), by `Probe.key`."""
    review: Review | None = None
    other_actions: tuple[ActionResult, ...] = ()
    """The other targets' actions (without matches: they apply to other specs)."""


def _json(value: JsonValue) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def structural_changes(
    before: Any, after: Any, pointer: str = ""
) -> Iterator[tuple[str, Any, Any]]:
    """The smallest subtrees that differ: (pointer, old or _MISSING, new or _MISSING)."""
    if before == after:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            child = f"{pointer}/{escape_token(key)}"
            yield from structural_changes(
                before.get(key, _MISSING), after.get(key, _MISSING), child
            )
        return
    if isinstance(before, list) and isinstance(after, list):
        if len(after) > len(before) and after[: len(before)] == before:
            for index in range(len(before), len(after)):
                yield f"{pointer}/{index}", _MISSING, after[index]
            return
        if len(before) == len(after):
            for index, (old, new) in enumerate(zip(before, after, strict=True)):
                yield from structural_changes(old, new, f"{pointer}/{index}")
            return
    yield pointer or "/", before, after


def _change_lines(before: Any, after: Any, pointer: str, removed: bool) -> list[str]:
    if removed:
        return [f"- {pointer}: {_json(before)}"]
    lines = []
    for where, old, new in structural_changes(before, after, pointer):
        if old is _MISSING:
            lines.append(f"+ {where}: {_json(new)}")
        elif new is _MISSING:
            lines.append(f"- {where}: {_json(old)}")
        else:
            lines.append(f"- {where}: {_json(old)}")
            lines.append(f"+ {where}: {_json(new)}")
    return lines


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(cell(value) for value in row) + " |" for row in rows)
    return lines


def _summary(inputs: ReportInputs) -> list[str]:
    rows = []
    for source, title in inputs.overlay_titles.items():
        actions = [action for action in inputs.actions if action.source == source]
        touched = sum(len(action.matches) for action in actions)
        rows.append([f"`{source}`", title, str(len(actions)), str(touched)])
    return _table(["overlay", "title", "actions", "nodes touched"], rows)


def _variants(union: UnionDef) -> int:
    """How many members the union tells apart by their constant tag (0: by JSON kind alone)."""
    return sum(member.tag not in (None, UNKNOWN_TAG) for member in union.members)


def _union_how(union: UnionDef, written: WrittenDiscriminators) -> str:
    """How the IR tells the union's objects apart, and what the patched spec says about it."""
    if union.tag_declared:
        return "declared in the spec"
    if union.source in written.unions:
        return "inferred from constants; discriminator written"
    return (
        "inferred from constants among its objects, after the JSON kind; no discriminator "
        "(a branch is not an object `$ref` with a tag of its own)"
    )


def _normalization(
    report: NormalizationReport, unions: tuple[UnionDef, ...], written: WrittenDiscriminators
) -> list[str]:
    ordered = sorted(unions, key=lambda union: union.source)
    tagged = [union for union in ordered if _variants(union)]
    untagged = [union for union in ordered if not _variants(union)]
    lines = [
        "Generic rewrites that run after the overlays and make the patched spec valid OpenAPI 3.0 "
        "(see `generator/normalize/rewrites.py`):",
        "",
        f"- `const` rewritten as a one-value `enum`: {len(report.consts_rewritten)} schemas.",
        f"- `examples` inside a Schema Object rewritten as `example`: "
        f"{', '.join(f'`{p}`' for p in report.examples_rewritten) or 'none'}.",
        f'- Example `"0"` added to int64-as-string schemas without one: '
        f"{len(report.int64_examples_added)} schemas.",
        f"- Tag properties made required where a discriminator was written (they are constants, "
        f"always on the wire): {len(written.required_tags_added)} schemas.",
        f"- Unions, as the generator's model decides them (`generator/ir/unions.py`): "
        f"{len(tagged)} told apart by a constant tag among their objects "
        f"({len(written.unions)} with a `discriminator` written into the patched spec), "
        f"{len(untagged)} by JSON kind alone. A union with tagged objects is open: an object "
        f"with an unknown tag is kept as its `Unknown…` variant.",
        "",
    ]
    rows = [
        [
            f"`{union.source}`",
            f"`{union.tag_property}`",
            str(_variants(union)),
            _union_how(union, written),
        ]
        for union in tagged
    ]
    lines += [*_table(["tagged union", "tag", "tagged variants", "how"], rows), ""]
    rows = [[f"`{union.source}`", "resolved by JSON kind"] for union in untagged]
    lines += _table(["untagged union", "resolution"], rows)
    return lines


def _evidence(action: ActionResult) -> str:
    """How sure the action is: from bindings (`x-confidence`), probed live, or observed."""
    confidence = action.extensions.get("x-confidence")
    if confidence:
        return f"confidence {confidence} (from bindings, not self-checking)"
    if action.extensions.get("x-probe") is not None:
        return "checked by `make probe`"
    return "observed on the wire"


def _anchor(action: ActionResult) -> str:
    """A stable link target for one action: its file and index."""
    stem = "".join(c if c.isalnum() else "-" for c in action.source.lower()).strip("-")
    return f"{stem}-{action.index}"


def _confidence(action: ActionResult, facts: dict[str, Fact]) -> str:
    """The action's `x-confidence`, else the weakest confidence of the facts it cites."""
    declared = action.extensions.get("x-confidence")
    if isinstance(declared, str):
        return declared
    weakest = Confidence.weakest(fact.confidence for fact in _cited(action, facts))
    return weakest.value if weakest else "—"


def _first_sentence(text: str | None) -> str:
    words = " ".join((text or "").split())
    end = words.find(". ")
    return words if end == -1 else words[: end + 1]


def fact_date(fact: Fact) -> str:
    """A fact's date, saying what happened then; a spec or bindings date is never "observed"."""
    if fact.confidence is Confidence.LIVE:
        return f"observed {fact.observed}"
    if fact.confidence is Confidence.SPEC_ONLY:
        return f"published {fact.observed}"
    return f"{fact.confidence} {fact.observed}"


def fact_evidence(fact: Fact) -> str:
    """One fact with its own confidence and date."""
    if fact.confidence in (Confidence.LIVE, Confidence.SPEC_ONLY):
        return f"{fact.id} ({fact.confidence}, {fact_date(fact)})"
    return f"{fact.id} ({fact_date(fact)})"


def _cited(action: ActionResult, facts: dict[str, Fact]) -> list[Fact]:
    return [facts[str(f)] for f in action.extensions.get("x-facts") or [] if str(f) in facts]


def client_effect(action: ActionResult, facts: dict[str, Fact]) -> str:
    """What the action changes in client terms, grouped by kind, or "none" with the reason."""
    effects = action_effects(action)
    if not effects:
        reasons = [
            f"{f.id}: {f.no_client_effect}" for f in _cited(action, facts) if f.no_client_effect
        ]
        return "none" + (f" ({'; '.join(reasons)})" if reasons else " by itself")
    grouped: dict[str, list[str]] = {}
    for kind, where in effects:
        grouped.setdefault(kind, []).append(where)
    return "; ".join(f"{kind}: {', '.join(places)}" for kind, places in grouped.items())


def _probe_status(action: ActionResult, inputs: ReportInputs, facts: dict[str, Fact]) -> str:
    """The last logged run of each of the action's probes, or why it has none."""
    probes = [p for p in inputs.probes if (p.source, p.index) == (action.source, action.index)]
    if not probes:
        declared = action.extensions.get("x-no-probe")
        if isinstance(declared, str):
            return f"no probe: {declared}"
        if action.extensions.get("x-confidence") == Confidence.SPEC_ONLY:
            return "no probe: spec-only (from Google's spec or bindings, not the wire)"
        cited = _cited(action, facts)
        if cited and all(f.confidence is Confidence.MODELED for f in cited):
            return "no probe: the fact is modeled and was not reproduced natively"
        return "no probe written"
    log = inputs.probe_log or {}
    parts = []
    for probe in probes:
        name = f"`{probe.rule}`: " if probe.rule else ""
        record = log.get(probe.key)
        if record is None:
            parts.append(f"{name}never run (model {probe.model})")
        else:
            parts.append(f"{name}{record.verdict} on {record.ran}, model {record.model}")
    return "; ".join(parts)


def _corrections(inputs: ReportInputs) -> list[str]:
    facts = {fact.id: fact for fact in inputs.facts}
    rows = []
    for action in inputs.actions:
        rows.append(
            [
                f"[{action.source.rsplit('/', 1)[-1]} #{action.index}](#{_anchor(action)})",
                f"`{action.target}`",
                client_effect(action, facts),
                _first_sentence(action.description),
                ", ".join(fact_evidence(fact) for fact in _cited(action, facts)),
                _confidence(action, facts),
                _probe_status(action, inputs, facts),
            ]
        )
    return [
        "One row per overlay action: what it changes for a client (a signature, a type, a rule, "
        'a behaviour or a docstring; "none" says why), why (the first sentence of its '
        "description), the facts behind it each with its own confidence and date (a live fact "
        "was observed on that date; a spec-only one was published then), how sure the action is "
        "(its `x-confidence`, else the weakest of its facts), and the last logged `make probe` "
        "run of each of its probes (`overlays/probe-log.yaml`), or why it has none. The full "
        "diffs are under Actions.",
        "",
        *_table(
            ["correction", "target", "client effect", "why", "facts", "confidence", "probe"],
            rows,
        ),
    ]


def _contradictions(inputs: ReportInputs) -> list[str]:
    facts = {fact.id: fact for fact in inputs.facts}
    rows = []
    for contradiction in contradictions_of(inputs.facts):
        meeting = [
            (action, other)
            for action in inputs.actions
            for found, other in premise_conflicts(inputs.facts, action)
            if found == contradiction
        ]
        resolutions = [
            f"`{action.source.rsplit('/', 1)[-1]} #{action.index}` resolves {other}: "
            + " ".join(str((action.extensions.get("x-resolves") or {}).get(other, "—")).split())
            for action, other in meeting
        ]
        rows.append(
            [
                fact_evidence(facts[contradiction.fact]),
                fact_evidence(facts[contradiction.other]),
                contradiction.about,
                ", ".join(f"`{name}`" for name in contradiction.schemas),
                "; ".join(resolutions) or "no action of this target meets it",
            ]
        )
    conflicted = [
        [
            fact_evidence(fact),
            fact.statement,
            ", ".join(inputs.all_citations.get(fact.id) or []) or fact.status,
        ]
        for fact in inputs.facts
        if fact.confidence is Confidence.CONFLICT
    ]
    return [
        "Facts that disagree with each other (`contradicts` in `overlays/facts.yaml`, scoped to "
        "the schemas where they meet). An action that cites one of them and changes one of "
        "those schemas must say in `x-resolves` how it settles the other; the run stops "
        "otherwise.",
        "",
        *(
            _table(["fact", "contradicted by", "about", "schemas", "resolution"], rows)
            if rows
            else ["None declared."]
        ),
        "",
        "Facts whose own sources conflict (confidence `conflict`; the statement says which one "
        "we follow). Rules resting on them only warn.",
        "",
        *(_table(["fact", "statement", "cited by"], conflicted) if conflicted else ["None."]),
    ]


def _since(inputs: ReportInputs) -> list[str]:
    review = inputs.review
    if review is None:
        return ["Not computed for this report."]
    lines = [f"Compared with {review.baseline}.", ""]
    if review.since:
        lines += [f"- {line}" for line in review.since]
    else:
        lines.append("No overlay action and no fact status or confidence changed.")
    return lines


def _other_targets(inputs: ReportInputs) -> list[str]:
    facts = {fact.id: fact for fact in inputs.facts}
    rows = [
        [
            f"`{action.source}` #{action.index}",
            f"`{action.target}`",
            client_effect(action, facts)
            if action.matches
            else "not computed: that target's spec is not in the cache or a mirror",
            _first_sentence(action.description),
            ", ".join(fact_evidence(fact) for fact in _cited(action, facts)),
        ]
        for action in inputs.other_actions
    ]
    return [
        "The actions of the other targets' overlays, applied to their own pinned specs: what "
        "each changes for that target's client, why, and the facts behind it. Their diffs are "
        "in those targets' own reports (`interactions-codegen report --target NAME`).",
        "",
        *(
            _table(["action", "target", "client effect", "why", "facts"], rows)
            if rows
            else ["None."]
        ),
    ]


def _actions(inputs: ReportInputs) -> list[str]:
    lines: list[str] = []
    for source, title in inputs.overlay_titles.items():
        lines += [f"### `{source}` — {title}", ""]
        for action in (a for a in inputs.actions if a.source == source):
            facts = ", ".join(str(fact) for fact in action.extensions.get("x-facts") or [])
            lines += [
                f'<a id="{_anchor(action)}"></a>',
                "",
                f"#### Action {action.index}: {action.kind} `{action.target}`",
                "",
                (action.description or "").strip(),
                "",
                f"Facts: {facts or '—'} · "
                f"{'published' if action.extensions.get('x-confidence') else 'observed'} "
                f"{action.extensions.get('x-observed', '—')} · "
                f"revision {action.extensions.get('x-revision', '—')} · "
                f"{len(action.matches)} node(s) · {_evidence(action)}",
                "",
                "```diff",
            ]
            for match in action.matches:
                lines += _change_lines(match.before, match.after, match.pointer, match.removed)
            lines += ["```", ""]
    return lines


def _facts(inputs: ReportInputs, statuses: tuple[str, ...], this_target: bool) -> list[str]:
    """The facts with one of `statuses`, of this target's revision or of the others."""
    here = citations(inputs.actions)
    revision = inputs.revision
    rows = []
    for fact in inputs.facts:
        if fact.status not in statuses or (fact.revision == revision) != this_target:
            continue
        if fact.status == "overlay":
            actions = here.get(fact.id) or []
            elsewhere = [] if actions else inputs.all_citations.get(fact.id) or []
            where = ", ".join(f"`{a}`" for a in actions or elsewhere) or "—"
        elif fact.status == "runtime":
            where = f"`{fact.module}`, proved by `{fact.test}`"
        else:
            where = fact.reason or ""
        rows.append(
            [
                fact.id,
                fact.statement,
                fact_date(fact),
                fact.revision,
                fact.confidence.value,
                fact.status,
                where,
            ]
        )
    return _table(["fact", "statement", "date", "revision", "confidence", "status", "where"], rows)


def _condition_text(condition: Condition) -> str:
    field = f"`{condition.field}`"
    if condition.kind == "matches":
        return f"{field} matches `{condition.value}`"
    if condition.kind == "present":
        return f"{field} is {'set' if condition.value else 'unset'}"
    if condition.kind == "equals":
        return f"{field} = {_json(condition.value)}"
    key, value = condition.value
    return f"{field} has an item with {key} = {_json(value)}"


def _requirement_text(rule: Rule) -> str:
    effects = dict(rule.effects)
    parts = [f"`{name}` = {_json(value)}" for name, value in (effects.get("require") or {}).items()]
    parts += [f"`{name}` set" for name in effects.get("require_present") or ()]
    parts += [
        f"not `{name}` = {_json(value)}" for name, value in (effects.get("forbid") or {}).items()
    ]
    parts += [f"`{name}` unset" for name in effects.get("forbid_present") or ()]
    if "forbid_items" in effects:
        field, key, values = effects["forbid_items"]
        parts.append(f"no `{field}` item with {key} in {', '.join(str(v) for v in values)}")
    if "forbid_in_blocks" in effects:
        field, types, key, pattern = effects["forbid_in_blocks"]
        parts.append(
            f"no {'/'.join(types)} block under `{field}` with `{key}` matching `{pattern}`"
        )
    if "require_in_items" in effects:
        field, when_present, require_present = effects["require_in_items"]
        parts.append(f"each `{field}` item with `{when_present}` has `{require_present}`")
    return "; ".join(parts)


def _rules(inputs: ReportInputs) -> list[str]:
    rows = [
        [
            f"`{rule.rule}`",
            f"`{schema}`",
            " and ".join(_condition_text(c) for c in rule.when) or "always",
            _requirement_text(rule),
            rule.confidence.severity,
            ", ".join(rule.facts),
            rule.confidence.value,
            "written" if rule.probe else "none",
        ]
        for schema, rules in inputs.rules.rules
        for rule in rules
    ]
    return [
        "Checked before a request is sent: `error` refuses it (`RequestRuleError`), `warning` "
        "warns (`RequestRuleWarning`) and sends it. Only rules whose facts are all live refuse. "
        "A written probe's last run is in the Corrections row of the action that adds the rule.",
        "",
        *_table(
            ["rule", "schema", "when", "requires", "severity", "facts", "confidence", "probe"],
            rows,
        ),
    ]


def render_report(inputs: ReportInputs) -> str:
    """The whole report as Markdown text."""
    counts: dict[str, int] = {}
    for fact in inputs.facts:
        counts[fact.status] = counts.get(fact.status, 0) + 1
    lines = [
        f"# Wire corrections — target `{inputs.target}`",
        "",
        f"Generated by interactions-codegen from spec `{inputs.snapshot}` + "
        f"`{inputs.overlays_dir}/`. Do not edit: change the overlays and run `make generate`.",
        "",
        f"{len(inputs.actions)} overlay actions in {len(inputs.overlay_titles)} files; "
        f"{len(inputs.facts)} wire facts ("
        + ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
        + ").",
        "",
        "## Summary",
        "",
        *_summary(inputs),
        "",
        "## Corrections",
        "",
        *_corrections(inputs),
        "",
        "## Contradictions",
        "",
        *_contradictions(inputs),
        "",
        "## Since the last regeneration",
        "",
        *_since(inputs),
        "",
        "## What changes for a client",
        "",
        "Differences between the API surface built from the upstream spec and the one built with "
        "the overlays (both normalized):",
        "",
        *(f"- {line}" for line in inputs.client_changes),
        "",
        *(["## Request rules", "", *_rules(inputs), ""] if inputs.rules.rules else []),
        "## Actions",
        "",
        *_actions(inputs),
        "## Facts this target encodes",
        "",
        *_facts(inputs, ("overlay", "runtime"), this_target=True),
        "",
        "## Other targets' encodings",
        "",
        *_other_targets(inputs),
        "",
        "## Appendix A: normalization",
        "",
        *_normalization(inputs.normalization, inputs.unions, inputs.discriminators),
        "",
        "## Appendix B: facts of this revision that are not encoded",
        "",
        *_facts(inputs, ("not-encoded",), this_target=True),
        "",
        "## Appendix C: facts of other targets' revisions",
        "",
        *_facts(inputs, ("overlay", "runtime", "not-encoded"), this_target=False),
    ]
    return "\n".join(lines).rstrip() + "\n"
