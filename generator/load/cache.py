"""A cache of checks that passed, kept between runs in build/ (never consulted for failures).

Validating the overlay documents against the official Overlay JSON Schema needs jsonschema,
whose import alone costs a generate run about 150 ms. A document whose exact bytes (and schema)
passed before passes again, so the run remembers the digest of each valid pair and skips the
validator for it next time. Only successes are remembered: a document that fails is validated,
and reported, every time. A cache that cannot be read or written just means validating again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from generator.load.documents import JsonValue, canonical_json

__all__ = ["PassedChecks"]


class PassedChecks:
    """Digests of (schema, document) pairs that passed validation, one empty file each."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    @staticmethod
    def digest(schema: JsonValue, document: JsonValue) -> str:
        """The key of one check: what was validated and against what."""
        return hashlib.sha256(canonical_json([schema, document])).hexdigest()

    def passed(self, digest: str) -> bool:
        """Whether this exact check passed on an earlier run."""
        return self.directory is not None and (self.directory / digest).is_file()

    def remember(self, digest: str) -> None:
        """Record that this check passed (best effort)."""
        if self.directory is None:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            (self.directory / digest).touch()
        except OSError:
            return
