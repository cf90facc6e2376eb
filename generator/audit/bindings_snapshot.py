"""The recorded surface of Google's bindings: what `bindings-diff` compares when they are absent.

`make bindings-diff` installs the pinned google-genai release in a venv of its own, reads its
bindings (`bindings.read_bindings`) and records their surface here with `--write-snapshot`:
the derived names only — enum names and values, model names and wire field names, union tags,
operation names — never code. `make test` compares the current target with this recording
(`bindings-diff --snapshot`), so the diff runs in CI, where only package registries are
reachable and the suite stays fast. The file is sorted JSON, byte-identical for one surface.
"""

from __future__ import annotations

import json
from typing import Any

from generator.audit.bindings import Surface
from generator.errors import BadInputError

__all__ = ["SNAPSHOT_FILE", "Snapshot", "read_snapshot", "snapshot_text"]

SNAPSHOT_FILE = "spec/bindings-surface.json"
_FORMAT = 2
_KEYS = {
    "format",
    "package",
    "version",
    "module",
    "enums",
    "fields",
    "members",
    "variants",
    "operations",
}


class Snapshot:
    """A recorded surface with the release and module it was read from."""

    def __init__(self, version: str, module: str, surface: Surface) -> None:
        self.version = version
        self.module = module
        self.surface = surface


def snapshot_text(version: str, module: str, surface: Surface) -> str:
    """The snapshot file's text for a surface read from `module` of google-genai `version`."""
    data = {
        "format": _FORMAT,
        "package": "google-genai",
        "version": version,
        "module": module,
        "enums": {name: sorted(values) for name, values in sorted(surface.enums.items())},
        "fields": {name: sorted(values) for name, values in sorted(surface.fields.items())},
        "members": {name: sorted(values) for name, values in sorted(surface.members.items())},
        "variants": sorted(surface.variants),
        "operations": sorted(surface.operations),
    }
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _strings(value: Any, where: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise BadInputError(f"{where}: expected a list of strings.")
    return frozenset(value)


def _named(value: Any, where: str) -> dict[str, frozenset[str]]:
    if not isinstance(value, dict):
        raise BadInputError(f"{where}: expected an object of name → list of strings.")
    return {str(name): _strings(items, f"{where}.{name}") for name, items in value.items()}


def read_snapshot(data: bytes, source: str = SNAPSHOT_FILE) -> Snapshot:
    """Parse a snapshot file; a malformed one is a `BadInputError` naming the file and field."""
    try:
        document = json.loads(data)
    except ValueError as error:
        raise BadInputError(f"{source}: not JSON ({error}).") from None
    if not isinstance(document, dict) or set(document) != _KEYS:
        raise BadInputError(f"{source}: expected exactly the keys {', '.join(sorted(_KEYS))}.")
    if document["format"] != _FORMAT:
        raise BadInputError(f"{source}: format: {document['format']!r} is not {_FORMAT}.")
    for key in ("version", "module"):
        if not isinstance(document[key], str) or not document[key]:
            raise BadInputError(f"{source}: {key}: expected a non-empty string.")
    surface = Surface(
        _named(document["enums"], f"{source}: enums"),
        _named(document["fields"], f"{source}: fields"),
        _strings(document["variants"], f"{source}: variants"),
        _strings(document["operations"], f"{source}: operations"),
        _named(document["members"], f"{source}: members"),
    )
    return Snapshot(document["version"], document["module"], surface)
