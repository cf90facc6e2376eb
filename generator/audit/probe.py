"""Self-verifying overlays: run each action's `x-probe` against the real API.

An `x-probe` is a minimal request and the outcome the fact predicts:

    x-probe:
      request: {model: gemini-flash-lite-latest, input: hi, ...}
      expect: {rejected: "fragment of the error message"}   # or: {accepted: true}

A probe of an operation other than create first creates an interaction with `request`, then
sends `then` to a path under that interaction and checks `expect` against the second answer:

    x-probe:
      request: {model: ..., input: ..., background: true}
      then: {method: POST, path: cancel, body: {}}     # POST /v1beta/interactions/{id}/cancel
      expect: {accepted: true}

`run_probes` sends each probe with the caller's API key and compares the observed status and
message with the expectation. Without a key nothing is sent and every probe is reported as
skipped — a probe never reports a pass it did not observe.

A request rule (`x-requires`) carries its own `probe`; it is read from the IR's rules
(`RequestRules`), keyed by schema and rule id since one id can name rules on several schemas,
and attached to the overlay action that added the rule (`rules_added`, from the schemas the
action matched).

`make probe` with a key appends its run to `overlays/probe-log.yaml` (`probe_log_run`); the
report reads the latest result of each probe from there (`parse_probe_log`), and says "never
run" for a probe the log does not have.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from generator.errors import BadInputError
from generator.ir.model import RequestRules, Rule
from generator.overlay.engine import ActionResult

__all__ = [
    "DEFAULT_BASE_URL",
    "PROBE_LOG_FILE",
    "FollowUp",
    "Probe",
    "ProbeOutcome",
    "ProbeRecord",
    "collect_probes",
    "parse_probe_log",
    "probe_log_run",
    "rules_added",
    "run_probes",
]

PROBE_LOG_FILE = "overlays/probe-log.yaml"

DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com"

Sender = Callable[[str, str, dict[str, Any] | None], httpx.Response]
"""Sends (method, path under /v1beta/, JSON body or None) and returns the answer."""
_METHODS = ("GET", "POST", "DELETE")


@dataclass(frozen=True)
class FollowUp:
    """The request a probe sends to the interaction its `request` created."""

    method: str
    path: str
    body: dict[str, Any] | None


@dataclass(frozen=True)
class Probe:
    """One probe taken from an overlay action."""

    source: str
    index: int
    facts: tuple[str, ...]
    request: dict[str, Any]
    accepted: bool
    fragment: str
    then: FollowUp | None = None
    rule: str | None = None
    """The request rule (`x-requires`) whose probe this is; None for an action's `x-probe`."""

    @property
    def key(self) -> str:
        """`file#index`, plus `:rule` for a rule's probe: how the log and the report name it."""
        return f"{self.source}#{self.index}" + (f":{self.rule}" if self.rule else "")

    @property
    def model(self) -> str:
        """The model or agent the probe asks."""
        return str(self.request.get("model") or self.request.get("agent") or "?")


@dataclass(frozen=True)
class ProbeOutcome:
    """What one probe observed: verdict is pass, fail, error or skipped."""

    probe: Probe
    expected: str
    observed: str
    verdict: str


def _probe(
    raw: Any,
    where: str,
    source: str,
    index: int,
    facts: tuple[str, ...],
    rule: str | None = None,
) -> Probe:
    if not isinstance(raw, dict) or not isinstance(raw.get("request"), dict):
        raise BadInputError(f"{where} needs a `request` object.")
    expect = raw.get("expect")
    if expect == {"accepted": True}:
        accepted, fragment = True, ""
    elif isinstance(expect, dict) and isinstance(expect.get("rejected"), str):
        accepted, fragment = False, expect["rejected"]
    else:
        raise BadInputError(f"{where}: expect is {{accepted: true}} or {{rejected: TEXT}}.")
    then = _follow_up(raw.get("then"), where)
    return Probe(source, index, facts, raw["request"], accepted, fragment, then, rule)


def _follow_up(raw: Any, where: str) -> FollowUp | None:
    if raw is None:
        return None
    if (
        not isinstance(raw, dict)
        or set(raw) - {"method", "path", "body"}
        or raw.get("method") not in _METHODS
        or not isinstance(raw.get("path"), str)
        or not isinstance(raw.get("body", {}), dict)
    ):
        raise BadInputError(
            f"{where}: then is {{method: {' | '.join(_METHODS)}, path: TEXT, body: OBJECT}}."
        )
    return FollowUp(str(raw["method"]), str(raw["path"]).strip("/"), raw.get("body"))


def rules_added(action: ActionResult) -> tuple[tuple[str, str], ...]:
    """The request rules `action` adds, as (schema, rule id) pairs in the order it wrote them:
    for each schema it matched, the ids in the schema's `x-requires` after the action that were
    not there before. A rule id repeats across schemas, so only the pair names one rule."""
    added: list[tuple[str, str]] = []
    for match in action.matches:
        schema, inside = _schema_of(match.pointer)
        if schema is None or inside not in ((), ("x-requires",)):
            continue
        before, after = (
            value if inside else value.get("x-requires") if isinstance(value, dict) else None
            for value in (match.before, match.after)
        )
        known = _rule_ids(before)
        added.extend((schema, rule) for rule in _rule_ids(after) if rule not in known)
    return tuple(added)


def _schema_of(pointer: str) -> tuple[str | None, tuple[str, ...]]:
    """The component schema a JSON Pointer lies in, and the tokens below it (None outside)."""
    tokens = tuple(token.replace("~1", "/").replace("~0", "~") for token in pointer.split("/")[1:])
    if len(tokens) < 3 or tokens[:2] != ("components", "schemas"):
        return None, ()
    return tokens[2], tokens[3:]


def _rule_ids(rules: Any) -> list[str]:
    if not isinstance(rules, list):
        return []
    return [str(rule["rule"]) for rule in rules if isinstance(rule, dict) and "rule" in rule]


def _rule_probes(action: ActionResult, rules: Mapping[tuple[str, str], Rule]) -> list[Rule]:
    """The IR's rule, with its probe, for each rule id `action` adds (once per id: an action
    adding one rule to two schemas has one probe)."""
    found: dict[str, Rule] = {}
    for key in rules_added(action):
        rule = rules.get(key)
        if rule is not None and rule.probe and key[1] not in found:
            found[key[1]] = rule
    return list(found.values())


def collect_probes(actions: Sequence[ActionResult], rules: RequestRules) -> list[Probe]:
    """Every `x-probe` of an applied action and the `probe` of every request rule it adds (read
    from the IR's rules, keyed by schema and rule id), checked for shape."""
    by_key = {
        (schema, rule.rule): rule for schema, schema_rules in rules.rules for rule in schema_rules
    }
    probes = []
    for action in actions:
        where = f"{action.source}: action {action.index}"
        facts = tuple(str(fact) for fact in _list(action.extensions.get("x-facts")))
        raw = action.extensions.get("x-probe")
        if raw is not None:
            probes.append(_probe(raw, f"{where}: x-probe", action.source, action.index, facts))
        for rule in _rule_probes(action, by_key):
            probes.append(
                _probe(
                    rule.probe,
                    f"{where}: rule {rule.rule}: probe",
                    action.source,
                    action.index,
                    rule.facts,
                    rule.rule,
                )
            )
    return probes


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _expected(probe: Probe) -> str:
    outcome = "accepted" if probe.accepted else f"rejected: {probe.fragment!r}"
    if probe.then is None:
        return outcome
    return f"{probe.then.method} .../{probe.then.path} {outcome}"


def run_probes(
    probes: Sequence[Probe],
    api_key: str | None,
    api_revision: str | None,
    base_url: str = DEFAULT_BASE_URL,
    send: Sender | None = None,
) -> list[ProbeOutcome]:
    """Run `probes`; with no key, report each as skipped without sending anything."""
    if not api_key:
        return [
            ProbeOutcome(probe, _expected(probe), "not sent: GEMINI_API_KEY is not set", "skipped")
            for probe in probes
        ]
    headers = {"x-goog-api-key": api_key, "content-type": "application/json"}
    if api_revision:
        headers["Api-Revision"] = api_revision

    def default_send(method: str, path: str, body: dict[str, Any] | None) -> httpx.Response:
        return httpx.request(
            method, f"{base_url}/v1beta/{path}", json=body, headers=headers, timeout=60
        )

    sender = send or default_send
    outcomes = []
    for probe in probes:
        try:
            response = sender("POST", "interactions", probe.request)
            if probe.then is not None:
                created = response.json() if response.is_success else None
                identifier = created.get("id") if isinstance(created, dict) else None
                if not identifier:
                    observed = f"the setup create answered HTTP {response.status_code}, no id"
                    outcomes.append(ProbeOutcome(probe, _expected(probe), observed, "error"))
                    continue
                path = f"interactions/{identifier}/{probe.then.path}".rstrip("/")
                response = sender(probe.then.method, path, probe.then.body)
        except (httpx.HTTPError, ValueError) as error:
            outcomes.append(
                ProbeOutcome(probe, _expected(probe), f"transport error: {error}", "error")
            )
            continue
        text = response.text[:300].replace("\n", " ")
        observed = f"HTTP {response.status_code}: {text}"
        if probe.accepted:
            verdict = "pass" if response.is_success else "fail"
        else:
            verdict = (
                "pass" if (not response.is_success and probe.fragment in response.text) else "fail"
            )
        outcomes.append(ProbeOutcome(probe, _expected(probe), observed, verdict))
    return outcomes


@dataclass(frozen=True)
class ProbeRecord:
    """The latest logged result of one probe."""

    ran: str
    model: str
    verdict: str
    observed: str


def probe_log_run(outcomes: Sequence[ProbeOutcome], ran: str, target: str) -> dict[str, Any]:
    """One run of `make probe`, as `overlays/probe-log.yaml` keeps it."""
    return {
        "ran": ran,
        "target": target,
        "results": [
            {
                "probe": outcome.probe.key,
                "facts": list(outcome.probe.facts),
                "model": outcome.probe.model,
                "verdict": outcome.verdict,
                "observed": outcome.observed,
            }
            for outcome in outcomes
        ],
    }


def parse_probe_log(data: Any, source: str = PROBE_LOG_FILE) -> dict[str, ProbeRecord]:
    """The latest non-skipped result of each probe (by `Probe.key`) in the log."""
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("runs"), list):
        raise BadInputError(f"{source}: expected a mapping with a `runs` list.")
    latest: dict[str, ProbeRecord] = {}
    for number, run in enumerate(data["runs"]):
        where = f"{source}: runs[{number}]"
        if not isinstance(run, dict) or not isinstance(run.get("ran"), str):
            raise BadInputError(f"{where}: a run has `ran` (a timestamp) and `results`.")
        results = run.get("results")
        if not isinstance(results, list):
            raise BadInputError(f"{where}: `results` is a list.")
        for result in results:
            if not isinstance(result, dict) or not all(
                isinstance(result.get(key), str) for key in ("probe", "model", "verdict")
            ):
                raise BadInputError(f"{where}: each result has `probe`, `model` and `verdict`.")
            if result["verdict"] == "skipped":
                continue
            record = ProbeRecord(
                run["ran"], result["model"], result["verdict"], str(result.get("observed", ""))
            )
            if result["probe"] not in latest or latest[result["probe"]].ran <= record.ran:
                latest[result["probe"]] = record
    return latest
