"""Drift classification, spec diffs, probes and the surface comparison behind the report."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from generator.audit.drift import classify_drift, spec_diff
from generator.audit.probe import collect_probes, run_probes
from generator.errors import BadInputError
from generator.ir.model import RequestRules
from generator.ir.rules import build_rules
from generator.ir.spec_view import SpecView
from generator.load.documents import JsonValue
from generator.overlay.engine import ActionResult, apply_overlays, parse_overlay
from generator.report.overlays import structural_changes
from generator.report.surface import api_surface, describe_changes


def _overlay(schemas: dict[str, JsonValue], *actions: dict[str, Any]) -> Any:
    document = {
        "overlay": "1.1.0",
        "info": {"title": "t", "version": "1"},
        "actions": list(actions),
    }
    return parse_overlay(document, "overlays/current/50-x.yaml", schemas)


def _spec(**schemas: Any) -> dict[str, Any]:
    return {"openapi": "3.0.3", "paths": {}, "components": {"schemas": schemas}}


def test_drift_classifies_applied_redundant_and_broken(
    overlay_schemas: dict[str, JsonValue],
) -> None:
    overlay = _overlay(
        overlay_schemas,
        {"target": "$.components.schemas.A", "description": "add x", "update": {"x-flag": True}},
        {
            "target": "$.components.schemas.B",
            "description": "already so",
            "update": {"type": "object"},
        },
        {"target": "$.components.schemas.Gone", "description": "stale", "update": {"x": 1}},
        {
            "target": "$.components.schemas.B.type",
            "description": "bad",
            "update": {"not": "primitive"},
        },
    )
    entries = classify_drift(_spec(A={"type": "object"}, B={"type": "object"}), [overlay])
    assert [entry.status for entry in entries] == ["applied", "redundant", "broken", "broken"]
    assert "selects nothing" in entries[2].detail
    assert "must be a primitive" in entries[3].detail


def test_spec_diff_names_schemas_fields_and_enum_values() -> None:
    old = _spec(
        Status={"type": "string", "enum": ["a", "b"]},
        Thing={"type": "object", "properties": {"x": {"type": "string"}}},
    )
    new = _spec(
        Status={"type": "string", "enum": ["a", "c"]},
        Thing={"type": "object", "properties": {"y": {"type": "integer"}}, "required": ["y"]},
        New={"type": "object"},
    )
    lines = spec_diff(old, new)
    assert "schema `New` added (object)" in lines
    assert "enum `Status` gained enum values `c`" in lines
    assert "enum `Status` lost enum values `b`" in lines
    assert "field `Thing.x` removed" in lines
    assert "field `Thing.y` added (integer, required)" in lines


def test_surface_diff_speaks_of_request_fields_and_annotations() -> None:
    before = {
        "openapi": "3.0.3",
        "paths": {
            "/x": {
                "post": {
                    "operationId": "CreateX",
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Req"}}
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {"Req": {"type": "object", "properties": {"old": {"type": "string"}}}}
        },
    }
    after, _ = apply_overlays(before, [], strict=False)
    after["components"]["schemas"]["Req"]["properties"] = {
        "tools": {"type": "array", "x-inherited": False}
    }
    lines = describe_changes(api_surface(before), api_surface(after))
    assert "request field `Req.old` removed" in lines
    assert "request field `Req.tools` added (array[any])" in lines


def test_structural_changes_are_minimal() -> None:
    before = {"a": {"keep": 1, "list": [1]}, "gone": True}
    after = {"a": {"keep": 1, "list": [1, 2], "new": "x"}}
    changes = [(p, o, n) for p, o, n in structural_changes(before, after)]
    pointers = [p for p, _, _ in changes]
    assert pointers == ["/a/list/1", "/a/new", "/gone"]


_NO_RULES = RequestRules((), (), ())


def _probes_of(overlay: Any) -> list[Any]:
    """The probes of an overlay's actions (`x-probe` only: no rules, nothing applied)."""
    actions = [
        ActionResult(overlay.source, a.index, a.kind, a.target, a.description, a.extensions, ())
        for a in overlay.actions
    ]
    return collect_probes(actions, _NO_RULES)


def _probe_overlay(schemas: dict[str, JsonValue]) -> Any:
    return _overlay(
        schemas,
        {
            "target": "$.a",
            "description": "d",
            "update": {"x": 1},
            "x-facts": ["W46"],
            "x-probe": {
                "request": {"model": "m", "input": "hi"},
                "expect": {"rejected": "dead field"},
            },
        },
        {
            "target": "$.b",
            "description": "d",
            "update": {"x": 1},
            "x-probe": {"request": {"model": "m", "input": "ok"}, "expect": {"accepted": True}},
        },
    )


def test_probes_are_skipped_without_a_key_and_nothing_is_sent(
    overlay_schemas: dict[str, JsonValue],
) -> None:
    sent: list[object] = []

    def send(method: str, path: str, body: dict[str, Any] | None) -> httpx.Response:
        sent.append(body)
        return httpx.Response(200)

    outcomes = run_probes(
        _probes_of(_probe_overlay(overlay_schemas)), None, "2026-05-20", send=send
    )
    assert [outcome.verdict for outcome in outcomes] == ["skipped", "skipped"]
    assert sent == []


def test_probes_compare_what_they_observe(overlay_schemas: dict[str, JsonValue]) -> None:
    def send(method: str, path: str, body: dict[str, Any] | None) -> httpx.Response:
        assert (method, path) == ("POST", "interactions") and body is not None
        if body["input"] == "hi":
            return httpx.Response(400, text='{"error": {"message": "dead field rejected"}}')
        return httpx.Response(400, text='{"error": {"message": "surprise"}}')

    outcomes = run_probes(_probes_of(_probe_overlay(overlay_schemas)), "key", None, send=send)
    assert [outcome.verdict for outcome in outcomes] == ["pass", "fail"]
    assert outcomes[1].observed.startswith("HTTP 400")


def test_a_follow_up_probe_creates_then_checks_its_own_request(
    overlay_schemas: dict[str, JsonValue],
) -> None:
    overlay = _overlay(
        overlay_schemas,
        {
            "target": "$.a",
            "description": "d",
            "update": {"x": 1},
            "x-facts": ["W03"],
            "x-probe": {
                "request": {"model": "m", "input": "long", "background": True},
                "then": {"method": "POST", "path": "cancel", "body": {}},
                "expect": {"accepted": True},
            },
        },
    )
    sent: list[tuple[str, str, object]] = []

    def send(method: str, path: str, body: dict[str, Any] | None) -> httpx.Response:
        sent.append((method, path, body))
        if path == "interactions":
            return httpx.Response(200, json={"id": "int_9", "status": "in_progress"})
        return httpx.Response(200, json={"id": "int_9", "status": "cancelled"})

    probes = _probes_of(overlay)
    outcomes = run_probes(probes, "key", None, send=send)
    assert sent[1] == ("POST", "interactions/int_9/cancel", {})
    assert outcomes[0].verdict == "pass" and outcomes[0].expected == "POST .../cancel accepted"

    def refuse_setup(method: str, path: str, body: dict[str, Any] | None) -> httpx.Response:
        return httpx.Response(429, json={"error": {"message": "quota"}})

    outcome = run_probes(probes, "key", None, send=refuse_setup)[0]
    assert outcome.verdict == "error" and "HTTP 429" in outcome.observed
    with pytest.raises(BadInputError, match="then is"):
        _probes_of(
            _overlay(
                overlay_schemas,
                {
                    "target": "$.a",
                    "description": "d",
                    "update": {"x": 1},
                    "x-probe": {
                        "request": {},
                        "then": {"method": "PATCH", "path": "x"},
                        "expect": {"accepted": True},
                    },
                },
            )
        )


def _rule(name: str, model: str) -> dict[str, Any]:
    return {
        "rule": name,
        "error": "e",
        "facts": ["W27"],
        "forbid": {"background": True},
        "confidence": "live",
        "probe": {"request": {"model": model, "input": "hi"}, "expect": {"accepted": True}},
    }


def test_a_rule_probe_comes_from_the_schema_its_action_added_it_to(
    overlay_schemas: dict[str, JsonValue],
) -> None:
    # one rule id on two schemas with different probes (as webhook-config-background is on
    # AgentInteraction and ModelInteraction): each action gets its own schema's probe
    overlay = _overlay(
        overlay_schemas,
        {
            "target": "$.components.schemas.Agent",
            "description": "agent rules",
            "update": {"x-requires": [_rule("shared", "agent-probe")]},
        },
        {
            "target": "$.components.schemas.Model",
            "description": "model rules",
            "update": {"x-requires": [_rule("shared", "model-probe"), _rule("own", "model-own")]},
        },
        {
            "target": "$.components.schemas['Model','Agent']",
            "description": "one rule on both",
            "update": {"x-requires": [_rule("both", "both-probe")]},
        },
    )
    spec = _spec(Agent={"type": "object"}, Model={"type": "object"})
    overlaid, actions = apply_overlays(spec, [overlay])
    probes = collect_probes(actions, build_rules(SpecView(overlaid)))
    assert [(probe.key, probe.model) for probe in probes] == [
        ("overlays/current/50-x.yaml#0:shared", "agent-probe"),
        ("overlays/current/50-x.yaml#1:shared", "model-probe"),
        ("overlays/current/50-x.yaml#1:own", "model-own"),
        ("overlays/current/50-x.yaml#2:both", "both-probe"),
    ]
    assert [probe.facts for probe in probes] == [("W27",)] * 4
