"""The overlays' `x-` vocabulary: every key the overlays write has one entry, and the confidence
scale orders evidence the same way for facts, rules, actions and the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.errors import BadInputError
from generator.ir.extensions import (
    ACTION_EXTENSIONS,
    EXTENSIONS,
    PROJECT_EXTENSIONS,
    Confidence,
)
from generator.load.documents import parse_document
from tests.conftest import PROJECT_ROOT

_UPSTREAM_PREFIXES = ("x-google-", "x-speakeasy-", "x-goog-")
"""Extensions Google's own spec uses; the overlays may touch them, the generator owns none."""


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {key for key in node if isinstance(key, str) and key.startswith("x-")}
        for value in node.values():
            found |= _keys(value)
        return found
    if isinstance(node, list):
        return set().union(*(_keys(item) for item in node))
    return set()


def test_every_x_key_the_overlays_write_is_in_the_vocabulary() -> None:
    used: set[str] = set()
    for path in sorted((PROJECT_ROOT / "overlays").rglob("*.yaml")):
        document = parse_document(path.read_bytes(), str(path.relative_to(PROJECT_ROOT)))
        if isinstance(document, dict) and "actions" in document:
            used |= _keys(document["actions"])
    known = {entry.key for entry in EXTENSIONS}
    unknown = sorted(key for key in used - known if not key.startswith(_UPSTREAM_PREFIXES))
    assert unknown == [], "add each key to generator/ir/extensions.py and overlays/README.md"
    assert {"x-facts", "x-confidence", "x-requires", "x-streaming"} <= used


def test_every_key_is_documented_in_the_overlay_readme() -> None:
    readme = Path(PROJECT_ROOT / "overlays" / "README.md").read_text(encoding="utf-8")
    missing = [entry.key for entry in EXTENSIONS if f"`{entry.key}" not in readme]
    assert missing == []


def test_action_keys_are_not_client_annotations() -> None:
    assert set(ACTION_EXTENSIONS) & set(PROJECT_EXTENSIONS) == set()
    assert len({entry.key for entry in EXTENSIONS}) == len(EXTENSIONS), "one entry per key"


def test_confidence_runs_from_strongest_to_weakest_and_only_live_refuses() -> None:
    levels = [Confidence.parse(value, "w") for value in ("conflict", "live", "modeled")]
    assert Confidence.weakest(levels) is Confidence.CONFLICT
    assert Confidence.weakest([Confidence.LIVE, Confidence.SPEC_ONLY]) is Confidence.SPEC_ONLY
    assert Confidence.weakest([]) is None
    assert [level.severity for level in Confidence] == ["error"] + ["warning"] * 4
    assert Confidence.REPORTED.value == "reported" and f"{Confidence.SPEC_ONLY}" == "spec-only"
    with pytest.raises(BadInputError, match=r"^f.yaml: fact W1: `confidence` must be one of"):
        Confidence.parse("certain", "f.yaml: fact W1")
