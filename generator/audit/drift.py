"""Drift: how a target's overlays fare against another spec revision, and spec-to-spec diffs.

`classify_drift` applies each action of a target's overlays to another spec, one at a time, and
says what became of it:

- **applied** — it matched and changed something: the correction still matters;
- **redundant** — it matched but upstream already says the same: the correction can retire;
- **broken** — its target selects nothing, or its update no longer fits: it must be revisited.

`spec_diff` summarizes what changed between two specs as a client sees it (operations, schemas,
fields and enum values added or removed), using the same surface comparison as the report.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

from generator.errors import BrokenOverlayError
from generator.load.documents import JsonValue
from generator.normalize.rewrites import normalize_spec
from generator.overlay.engine import OverlayDocument, apply_action
from generator.report.surface import api_surface, describe_changes

__all__ = ["DriftEntry", "classify_drift", "spec_diff"]


@dataclass(frozen=True)
class DriftEntry:
    """The fate of one overlay action against one spec."""

    source: str
    index: int
    target: str
    status: str
    detail: str


def classify_drift(spec: JsonValue, overlays: Sequence[OverlayDocument]) -> tuple[DriftEntry, ...]:
    """Classify every action of `overlays` against `spec` as applied, redundant or broken."""
    document = copy.deepcopy(spec)
    entries = []
    for overlay in overlays:
        for action in overlay.actions:
            try:
                document, result = apply_action(document, action, overlay.source)
            except BrokenOverlayError as error:
                entries.append(
                    DriftEntry(overlay.source, action.index, action.target, "broken", error.message)
                )
                continue
            if not result.matches:
                status, detail = "broken", "the target selects nothing"
            elif result.changed:
                status, detail = "applied", f"{len(result.matches)} node(s) changed"
            else:
                status, detail = "redundant", "upstream already says this"
            entries.append(DriftEntry(overlay.source, action.index, action.target, status, detail))
    return tuple(entries)


def spec_diff(old: JsonValue, new: JsonValue) -> list[str]:
    """What changed from `old` to `new`, as plain-language lines."""
    before, _ = normalize_spec(old)
    after, _ = normalize_spec(new)
    return describe_changes(api_surface(before), api_surface(after))
