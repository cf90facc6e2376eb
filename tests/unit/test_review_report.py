"""The reviewer's views of the report: client effects, the probe log and "since the last
regeneration", each from small documents built here."""

from __future__ import annotations

import json
from typing import Any

import pytest

from generator.audit.probe import Probe, ProbeOutcome, parse_probe_log, probe_log_run
from generator.errors import BadInputError
from generator.load.documents import JsonValue
from generator.load.facts import Fact, parse_facts
from generator.overlay.engine import ActionResult, Match, apply_overlays, parse_overlay
from generator.report.effects import action_effects
from generator.report.review import review_of


def _overlay(schemas: dict[str, JsonValue], *actions: dict[str, Any]) -> Any:
    return parse_overlay(
        {"overlay": "1.1.0", "info": {"title": "t", "version": "1"}, "actions": list(actions)},
        "overlays/t.yaml",
        schemas,
    )


SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/items/{id}": {
            "get": {
                "operationId": "getItem",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "stream", "in": "query", "schema": {"type": "boolean"}},
                ],
            }
        }
    },
    "components": {
        "schemas": {
            "Item": {
                "type": "object",
                "properties": {"mode": {"type": "string", "description": "MODE, UPPER."}},
                "required": ["mode"],
            }
        }
    },
}


def test_effects_name_signatures_types_rules_and_docstrings(
    overlay_schemas: dict[str, JsonValue],
) -> None:
    overlay = _overlay(
        overlay_schemas,
        {
            "target": "$.paths['/items/{id}'].get.parameters[?@.name == 'stream']",
            "description": "d",
            "remove": True,
        },
        {
            "target": "$.components.schemas.Item.properties.mode",
            "description": "d",
            "update": {"description": "lowercase.", "enum": ["a", "b"]},
        },
        {"target": "$.components.schemas.Item", "description": "d", "update": {"example": {}}},
        {
            "target": "$.components.schemas.Item",
            "description": "d",
            "update": {"x-requires": [{"rule": "r"}], "properties": {"extra": {"type": "string"}}},
        },
    )
    _, results = apply_overlays(SPEC, [overlay])
    effects = [action_effects(result) for result in results]
    assert effects[0] == [("signature", "`GET /items/{id}` parameter `stream` removed")]
    assert effects[1] == [
        ("type", "`Item.mode` `enum`"),
        ("docstring", "`Item.mode` `description`"),
    ]
    assert effects[2] == [], "an example changes nothing a client sees"
    assert effects[3] == [("type", "field `Item.extra` added"), ("rule", "`Item` `x-requires`")]


def _fact(fact_id: str, status: str, confidence: str = "live") -> Fact:
    (fact,) = parse_facts(
        {
            "facts": [
                {
                    "id": fact_id,
                    "statement": "s",
                    "observed": "2026-07",
                    "revision": "2026-05-20",
                    "confidence": confidence,
                    "status": status,
                    **({"reason": "r"} if status == "not-encoded" else {}),
                }
            ]
        }
    )
    return fact


def test_a_fact_names_a_revision_of_some_target() -> None:
    raw = {"id": "W01", "statement": "s", "observed": "2026-11", "confidence": "live"}
    fact = {**raw, "revision": "2026-11-01", "status": "not-encoded", "reason": "r"}
    (parsed,) = parse_facts({"facts": [fact]}, "f.yaml", ("2026-11-01", "launch"))
    assert parsed.revision == "2026-11-01"
    with pytest.raises(BadInputError) as raised:
        parse_facts({"facts": [fact]}, "f.yaml", ("2026-05-20", "launch"))
    assert raised.value.message.startswith(
        "f.yaml: fact W01: revision must be one of 2026-05-20, launch (the targets' `api_revision`"
    )


def test_since_lists_changed_actions_and_statuses_and_is_stable_when_nothing_changed(
    overlay_schemas: dict[str, JsonValue],
) -> None:
    first = _overlay(
        overlay_schemas,
        {"target": "$.components.schemas.Item", "description": "a", "x-facts": ["W01"]},
        {"target": "$.paths", "description": "b", "x-facts": ["W02"]},
    )
    facts = [_fact("W01", "overlay"), _fact("W02", "not-encoded")]
    base = review_of([first], facts, None)
    assert base.since == () and "no previous generation" in base.baseline
    manifest = json.dumps({"spec": {"snapshot": "s1"}, "review": base.as_json()}).encode()
    second = _overlay(
        overlay_schemas,
        {"target": "$.components.schemas.Item", "description": "a, changed", "x-facts": ["W01"]},
        {"target": "$.paths", "description": "b", "x-facts": ["W02"]},
        {"target": "$.info", "description": "c", "x-facts": ["W03"]},
    )
    facts = [_fact("W01", "overlay"), _fact("W02", "overlay")]
    changed = review_of([second], facts, manifest)
    assert changed.since == (
        "action `overlays/t.yaml#0` changed (target `$.components.schemas.Item`, facts W01)",
        "action `overlays/t.yaml#2` added (target `$.info`, facts W03)",
        "fact W02: not-encoded, live → overlay, live",
    )
    again = review_of(
        [second], facts, json.dumps({"spec": {}, "review": changed.as_json()}).encode()
    )
    assert again == changed, "regenerating without a change keeps the list: same bytes"


def test_a_manifest_without_review_state_is_compared_by_file_digest() -> None:
    previous = json.dumps(
        {
            "spec": {"snapshot": "s1"},
            "overlays": [{"file": "overlays/a.yaml", "sha256": "1"}],
            "facts_sha256": "f",
        }
    ).encode()
    review = review_of([], [], previous, {"overlays/a.yaml": "2", "overlays/b.yaml": "3"}, "f")
    assert review.since == (
        "overlay file `overlays/a.yaml` changed",
        "overlay file `overlays/b.yaml` added",
    )
    assert "file digests only" in review.baseline


def test_the_probe_log_keeps_each_probes_latest_real_run() -> None:
    log = {
        "runs": [
            {
                "ran": "2026-12-01T10:00:00Z",
                "results": [
                    {"probe": "f#1", "model": "m1", "verdict": "pass"},
                    {"probe": "f#2:r", "model": "m1", "verdict": "fail", "observed": "HTTP 200"},
                ],
            },
            {
                "ran": "2026-12-02T10:00:00Z",
                "results": [
                    {"probe": "f#1", "model": "m2", "verdict": "fail"},
                    {"probe": "f#2:r", "model": "m2", "verdict": "skipped"},
                ],
            },
        ]
    }
    latest = parse_probe_log(log)
    assert (latest["f#1"].ran, latest["f#1"].model, latest["f#1"].verdict) == (
        "2026-12-02T10:00:00Z",
        "m2",
        "fail",
    )
    assert latest["f#2:r"].verdict == "fail", "a skipped run does not replace a real one"
    assert parse_probe_log({"runs": []}) == {} == parse_probe_log(None)
    with pytest.raises(BadInputError, match=r"probe-log.yaml: runs\[0\]"):
        parse_probe_log({"runs": [{"results": []}]})


def test_removed_nodes_of_unknown_keys_have_no_effect() -> None:
    removed = ActionResult(
        "overlays/t.yaml",
        0,
        "remove",
        "$.x",
        None,
        {},
        (Match("/components/schemas/Item/example", {}, None, removed=True),),
    )
    assert action_effects(removed) == []


def test_a_logged_run_reads_back_as_each_probes_latest_result() -> None:
    probe = Probe("overlays/x.yaml", 3, ("W01",), {"model": "m"}, False, "bad", rule="r")
    run = probe_log_run(
        [ProbeOutcome(probe, "rejected: 'bad'", "HTTP 400: bad", "pass")],
        "2026-12-04T18:00:00Z",
        "t",
    )
    assert run["results"][0]["probe"] == "overlays/x.yaml#3:r"
    (record,) = parse_probe_log({"runs": [run]}).values()
    assert (record.ran, record.model, record.verdict) == ("2026-12-04T18:00:00Z", "m", "pass")
