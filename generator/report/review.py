"""What changed since the last regeneration: the review state kept in the manifest.

Each generation records, in `manifest.json` under `review`, a fingerprint of every overlay
action (its file, target and a digest of what it says) and every fact's status and confidence.
The next generation compares its own state with the one of the manifest it is about to replace
and lists the actions added, removed or changed and the facts whose status or confidence moved;
the report shows that list to the reviewer. When nothing changed, the previous list is carried
over unchanged, so regenerating twice gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from generator.load.documents import JsonValue, canonical_json
from generator.load.facts import Fact
from generator.load.fetch import sha256_hex
from generator.overlay.engine import OverlayDocument

__all__ = ["Review", "review_of"]


@dataclass(frozen=True)
class Review:
    """The state this run records and the changes since the previous one."""

    state: dict[str, Any]
    since: tuple[str, ...]
    baseline: str
    """What `since` compares with: the previous generation's spec and date, or why nothing."""

    def as_json(self) -> dict[str, Any]:
        """The manifest's `review` entry."""
        return {"state": self.state, "since": list(self.since), "baseline": self.baseline}


def _state(overlays: Sequence[OverlayDocument], facts: Iterable[Fact]) -> dict[str, Any]:
    actions = {}
    for overlay in overlays:
        for action in overlay.actions:
            said: JsonValue = {
                "target": action.target,
                "kind": action.kind,
                "description": action.description,
                "update": None if action.kind != "update" else action.update,
                "extensions": dict(action.extensions),
            }
            actions[f"{overlay.source}#{action.index}"] = {
                "target": action.target,
                "facts": [str(f) for f in action.extensions.get("x-facts") or []],
                "digest": sha256_hex(canonical_json(said))[:16],
            }
    return {
        "actions": actions,
        "facts": {fact.id: f"{fact.status}, {fact.confidence.value}" for fact in facts},
    }


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    lines = []
    old_actions: dict[str, Any] = old.get("actions") or {}
    new_actions: dict[str, Any] = new["actions"]
    old_digests = {entry.get("digest"): key for key, entry in old_actions.items()}
    new_digests = {entry["digest"]: key for key, entry in new_actions.items()}
    added = [key for key, entry in new_actions.items() if entry["digest"] not in old_digests]
    removed = [key for key, entry in old_actions.items() if entry.get("digest") not in new_digests]
    renumbered = [
        (old_digests[entry["digest"]], key)
        for key, entry in new_actions.items()
        if entry["digest"] in old_digests and old_digests[entry["digest"]] != key
    ]
    for key in removed:
        entry = old_actions[key]
        twin = next((k for k in added if new_actions[k]["target"] == entry.get("target")), None)
        if twin is not None:
            added.remove(twin)
            was = f"was `{key}`; " if key != twin else ""
            lines.append(
                f"action `{twin}` changed ({was}target `{entry.get('target')}`, facts "
                f"{', '.join(new_actions[twin]['facts'])})"
            )
        else:
            lines.append(
                f"action `{key}` removed (target `{entry.get('target')}`, facts "
                f"{', '.join(entry.get('facts') or [])})"
            )
    for key in added:
        entry = new_actions[key]
        lines.append(
            f"action `{key}` added (target `{entry['target']}`, facts {', '.join(entry['facts'])})"
        )
    if renumbered:
        lines.append(
            f"{len(renumbered)} action(s) unchanged but renumbered (e.g. `{renumbered[0][0]}` is "
            f"now `{renumbered[0][1]}`)"
        )
    old_facts: dict[str, str] = old.get("facts") or {}
    for fact_id, now in new["facts"].items():
        before = old_facts.get(fact_id)
        if before is None:
            lines.append(f"fact {fact_id} added ({now})")
        elif before != now:
            lines.append(f"fact {fact_id}: {before} → {now}")
    lines.extend(f"fact {fact_id} removed" for fact_id in old_facts if fact_id not in new["facts"])
    return lines


def _file_changes(
    previous: dict[str, Any], overlay_files: dict[str, str], facts_digest: str
) -> list[str]:
    """Changes by file, from an older manifest that kept only file digests."""
    recorded = {
        str(entry.get("file")): entry.get("sha256")
        for entry in previous.get("overlays") or []
        if isinstance(entry, dict)
    }
    lines = []
    for name, digest in overlay_files.items():
        if name not in recorded:
            lines.append(f"overlay file `{name}` added")
        elif recorded[name] != digest:
            lines.append(f"overlay file `{name}` changed")
    lines.extend(f"overlay file `{name}` removed" for name in recorded if name not in overlay_files)
    if previous.get("facts_sha256") != facts_digest:
        lines.append("`overlays/facts.yaml` changed")
    return lines


def review_of(
    overlays: Sequence[OverlayDocument],
    facts: Iterable[Fact],
    previous_manifest: bytes | None,
    overlay_files: dict[str, str] | None = None,
    facts_digest: str = "",
) -> Review:
    """This run's review state and what changed since `previous_manifest` (None: no output yet).

    `overlay_files` (path → sha256) and `facts_digest` compare with a manifest older than the
    review state, which kept only those digests.
    """
    overlay_files = overlay_files or {}
    state = _state(overlays, facts)
    if previous_manifest is None:
        return Review(state, (), "nothing: there is no previous generation of this target")
    try:
        previous = json.loads(previous_manifest)
    except ValueError:
        return Review(state, (), "the previous manifest is not JSON; nothing to compare with")
    spec = (previous.get("spec") or {}).get("snapshot", "?") if isinstance(previous, dict) else "?"
    recorded = previous.get("review") if isinstance(previous, dict) else None
    if not isinstance(recorded, dict) or not isinstance(recorded.get("state"), dict):
        return Review(
            state,
            tuple(_file_changes(previous, overlay_files, facts_digest)),
            f"the generation this one replaced (spec `{spec}`), which recorded file digests "
            "only, so changes are listed per file this time and per action from the next "
            "regeneration on",
        )
    if recorded["state"] == state:
        since = recorded.get("since")
        baseline = recorded.get("baseline")
        return Review(
            state,
            tuple(str(line) for line in since) if isinstance(since, list) else (),
            str(baseline) if isinstance(baseline, str) else f"the generation from spec `{spec}`",
        )
    return Review(
        state,
        tuple(_changes(recorded["state"], state)),
        f"the generation this one replaced (spec `{spec}`)",
    )
