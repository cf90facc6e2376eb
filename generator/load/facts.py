"""The wire-facts catalogue (`overlays/facts.yaml`): parsing, checking and cross-referencing.

Every fact has a status: `overlay` (some overlay action cites it in `x-facts`), `runtime` (a
named module of the generated client enforces it, and the named `test` proves it) or
`not-encoded` (with a reason). The checks here keep the catalogue and the overlays honest with
each other: an overlay may only cite facts that exist, a fact that claims `overlay` must be cited
by at least one action, and an action whose premise another fact contradicts (a `contradicts`
entry of the catalogue, scoped to the schemas where the two disagree) must say in `x-resolves`
how it settles the disagreement.

A live fact that says the API refuses a request carries `refuses: true` (and one whose words
sound like a refusal but that is none, `refuses: false`): the fake API (`testing`) must enforce
every such fact or list it as not modelled, with a reason; `refuses: true` on a fact that is not
live is an error, since only live facts make the fake refuse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from generator.errors import BadInputError
from generator.ir.extensions import Confidence
from generator.load.documents import JsonValue
from generator.overlay.engine import ActionResult

__all__ = [
    "FACTS_FILE",
    "Contradiction",
    "Fact",
    "check_citations",
    "check_contradictions",
    "citations",
    "contradictions_of",
    "parse_facts",
    "premise_conflicts",
]

FACTS_FILE = "overlays/facts.yaml"
_ID = re.compile(r"^(S[1-9]|W[0-9]{2,3})$")
_STATUSES = ("overlay", "runtime", "not-encoded")
_TEST = re.compile(r"^tests/[\w/]+\.py::test_\w+$")


@dataclass(frozen=True)
class Contradiction:
    """Two facts that disagree about one thing, within the schemas where they meet."""

    fact: str
    other: str
    schemas: tuple[str, ...]
    about: str


@dataclass(frozen=True)
class Fact:
    """One wire fact as the project records it."""

    id: str
    statement: str
    observed: str
    revision: str
    confidence: Confidence
    status: str
    module: str | None
    reason: str | None
    refuses: bool | None = None
    """True when the API refuses requests that break this fact (None: not said)."""
    test: str | None = None
    """For a runtime fact: `tests/<file>.py::test_<name>`, the test that proves the behaviour."""
    contradicts: tuple[Contradiction, ...] = ()
    no_client_effect: str | None = None
    """Why the actions citing this fact change nothing a client sees, when that is so."""


def parse_facts(  # noqa: C901 (one check per catalogue key, each error naming the fact)
    data: JsonValue, source: str = FACTS_FILE, revisions: Sequence[str] | None = None
) -> tuple[Fact, ...]:
    """Parse and check the catalogue; every problem names the fact."""
    if not isinstance(data, dict) or not isinstance(data.get("facts"), list):
        raise BadInputError(f"{source}: expected a mapping with a `facts` list.")
    facts: dict[str, Fact] = {}
    for index, raw in enumerate(data["facts"]):
        where = f"{source}: facts[{index}]"
        if not isinstance(raw, dict):
            raise BadInputError(f"{where}: expected a mapping.")
        allowed = {
            "id",
            "statement",
            "observed",
            "revision",
            "confidence",
            "status",
            "module",
            "reason",
            "refuses",
            "test",
            "contradicts",
            "no_client_effect",
        }
        unknown = sorted(set(raw) - allowed)
        if unknown:
            raise BadInputError(f"{where}: unknown key(s) {', '.join(unknown)}.")
        fact_id = raw.get("id")
        if not isinstance(fact_id, str) or not _ID.match(fact_id):
            raise BadInputError(f"{where}: id must look like S1, W01 or W101, got {fact_id!r}.")
        where = f"{source}: fact {fact_id}"
        for key in ("statement", "observed", "revision", "confidence", "status"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise BadInputError(f"{where}: `{key}` is required.")
        if raw["status"] not in _STATUSES:
            raise BadInputError(f"{where}: status must be one of {', '.join(_STATUSES)}.")
        confidence = Confidence.parse(raw["confidence"], where)
        if revisions is not None and raw["revision"] not in revisions:
            raise BadInputError(
                f"{where}: revision must be one of {', '.join(revisions)} (the targets' "
                f"`api_revision` in codegen.yaml, `launch` for a target without one)."
            )
        if raw["status"] == "runtime" and not raw.get("module"):
            raise BadInputError(f"{where}: a runtime fact names the `module` that enforces it.")
        if raw["status"] == "not-encoded" and not raw.get("reason"):
            raise BadInputError(f"{where}: a not-encoded fact says why in `reason`.")
        refuses = raw.get("refuses")
        if refuses is not None and not isinstance(refuses, bool):
            raise BadInputError(f"{where}: `refuses` is true or false, got {refuses!r}.")
        if refuses and raw["confidence"] != "live":
            raise BadInputError(
                f"{where}: `refuses: true` needs a live fact (confidence is "
                f"{raw['confidence']}); only live facts make the fake refuse."
            )
        if raw["status"] == "runtime" and not (
            isinstance(raw.get("test"), str) and _TEST.match(raw["test"])
        ):
            raise BadInputError(
                f"{where}: a runtime fact names the `test` that proves it, as "
                "tests/<file>.py::test_<name>."
            )
        if fact_id in facts:
            raise BadInputError(f"{where}: listed twice.")
        facts[fact_id] = Fact(
            id=fact_id,
            statement=raw["statement"].strip(),
            observed=raw["observed"],
            revision=raw["revision"],
            confidence=confidence,
            status=raw["status"],
            module=raw.get("module"),
            reason=raw.get("reason"),
            refuses=refuses,
            test=raw.get("test"),
            contradicts=_contradictions(raw.get("contradicts"), fact_id, where),
            no_client_effect=raw.get("no_client_effect"),
        )
    for fact in facts.values():
        for contradiction in fact.contradicts:
            if contradiction.other not in facts:
                raise BadInputError(
                    f"{source}: fact {fact.id}: contradicts {contradiction.other}, which is not "
                    "in the catalogue."
                )
    return tuple(sorted(facts.values(), key=lambda fact: (fact.id[0], int(fact.id[1:]))))


def _contradictions(raw: JsonValue, fact_id: str, where: str) -> tuple[Contradiction, ...]:
    if raw is None:
        return ()
    shape = "a list of {fact, schemas: [...], about}"
    if not isinstance(raw, list) or not raw:
        raise BadInputError(f"{where}: `contradicts` is {shape}.")
    found = []
    for item in raw:
        if (
            not isinstance(item, dict)
            or set(item) != {"fact", "schemas", "about"}
            or not isinstance(item["fact"], str)
            or item["fact"] == fact_id
            or not isinstance(item["schemas"], list)
            or not item["schemas"]
            or not all(isinstance(name, str) for name in item["schemas"])
            or not isinstance(item["about"], str)
            or not item["about"].strip()
        ):
            raise BadInputError(f"{where}: `contradicts` is {shape}, naming another fact.")
        found.append(
            Contradiction(fact_id, item["fact"], tuple(item["schemas"]), item["about"].strip())
        )
    return tuple(found)


def contradictions_of(facts: Iterable[Fact]) -> tuple[Contradiction, ...]:
    """Every declared contradiction of the catalogue, in fact order."""
    return tuple(contradiction for fact in facts for contradiction in fact.contradicts)


def _touches(action: ActionResult, schemas: tuple[str, ...]) -> bool:
    """Whether the action changed a node of one of `schemas` (or a schema itself)."""
    prefixes = tuple(f"/components/schemas/{name}/" for name in schemas)
    return any(f"{match.pointer}/".startswith(prefixes) for match in action.matches)


def premise_conflicts(
    facts: Iterable[Fact], action: ActionResult
) -> list[tuple[Contradiction, str]]:
    """The contradictions that meet `action`: (contradiction, the fact it must resolve).

    An action meets a contradiction when it cites one of the two facts and changes a node under
    one of the contradiction's schemas; it must then resolve the other fact.
    """
    cited = {str(fact) for fact in action.extensions.get("x-facts") or []}
    found = []
    for contradiction in contradictions_of(facts):
        pair = {contradiction.fact, contradiction.other}
        premise = cited & pair
        if premise and not pair <= cited and _touches(action, contradiction.schemas):
            (other,) = pair - premise
            found.append((contradiction, other))
    return found


def check_contradictions(facts: Iterable[Fact], actions: Iterable[ActionResult]) -> None:
    """An action whose premise another fact contradicts says how it resolves it (`x-resolves`)."""
    facts = tuple(facts)
    known = {fact.id for fact in facts}
    for action in actions:
        where = f"{action.source}: action {action.index} (target {action.target})"
        resolves = action.extensions.get("x-resolves") or {}
        if not isinstance(resolves, dict) or not all(
            isinstance(text, str) and text.strip() for text in resolves.values()
        ):
            raise BadInputError(f"{where}: `x-resolves` maps a fact id to how it is resolved.")
        needed = {other for _, other in premise_conflicts(facts, action)}
        unresolved = sorted(needed - set(resolves))
        if unresolved:
            raise BadInputError(
                f"{where}: its premise is contradicted by {', '.join(unresolved)} "
                f"({FACTS_FILE} `contradicts`); say how the action settles it in `x-resolves`."
            )
        stray = sorted(set(resolves) - needed)
        if stray:
            reason = "unknown" if set(stray) - known else "no declared contradiction meets it"
            raise BadInputError(f"{where}: `x-resolves` names {', '.join(stray)}, but {reason}.")


def citations(actions: Iterable[ActionResult]) -> dict[str, list[str]]:
    """Map each cited fact id to the actions (`file#index`) that cite it, in action order."""
    cited: dict[str, list[str]] = {}
    for action in actions:
        for fact_id in action.extensions.get("x-facts") or []:
            cited.setdefault(str(fact_id), []).append(f"{action.source}#{action.index}")
    return cited


def check_citations(facts: Iterable[Fact], actions: Iterable[ActionResult]) -> None:
    """Every action cites at least one known fact with a date and revision."""
    known = {fact.id for fact in facts}
    for action in actions:
        where = f"{action.source}: action {action.index} (target {action.target})"
        cited = action.extensions.get("x-facts")
        if not isinstance(cited, list) or not cited:
            raise BadInputError(f"{where}: every action cites the facts it encodes in `x-facts`.")
        unknown = [fact for fact in cited if fact not in known]
        if unknown:
            raise BadInputError(
                f"{where}: cites {', '.join(map(str, unknown))}, not in {FACTS_FILE}."
            )
        for key in ("x-observed", "x-revision"):
            if not isinstance(action.extensions.get(key), str):
                raise BadInputError(f"{where}: `{key}` is required (a date / an API revision).")
