"""The overlays' `x-` vocabulary: every key the generator reads, where it may appear, and how sure.

One typed entry per key (`Extension`) says where the key may stand and which kind of client
effect a change to it has; `PROJECT_EXTENSIONS` is the ordered list of the keys that change what
a client does (overlays/README.md documents each one). `Confidence` is the one ordered scale of
evidence shared by the facts catalogue, the request rules, the overlay actions' `x-confidence`
and the report: strongest first, weakest last, and only `live` evidence refuses a request.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from generator.errors import BadInputError

__all__ = [
    "ACTION_EXTENSIONS",
    "EXTENSIONS",
    "PROJECT_EXTENSIONS",
    "SCHEMA_ANNOTATIONS",
    "Confidence",
    "Extension",
    "extensions_of",
]


class Confidence(enum.StrEnum):
    """How sure a fact, rule or action is; members run from strongest to weakest.

    A `str` enum: it prints and compares as its spelling in the overlays (`"spec-only"`).
    """

    LIVE = "live"
    SPEC_ONLY = "spec-only"
    MODELED = "modeled"
    REPORTED = "reported"
    CONFLICT = "conflict"

    @property
    def severity(self) -> Literal["error", "warning"]:
        """`error` (refuse before sending) for live evidence, else `warning` (warn and send)."""
        return "error" if self is Confidence.LIVE else "warning"

    @property
    def rank(self) -> int:
        """0 for the strongest level; larger is weaker."""
        return list(Confidence).index(self)

    @classmethod
    def names(cls) -> str:
        """The accepted spellings, strongest first, for error messages."""
        return ", ".join(level.value for level in cls)

    @classmethod
    def parse(cls, value: Any, where: str, key: str = "confidence") -> Confidence:
        """`value` as a level, or a clear error naming `where` and `key`."""
        for level in cls:
            if value == level.value:
                return level
        raise BadInputError(f"{where}: `{key}` must be one of {cls.names()} (got {value!r}).")

    @classmethod
    def weakest(cls, levels: Iterable[Confidence]) -> Confidence | None:
        """The weakest of `levels`; None when there are none."""
        return max(levels, key=lambda level: level.rank, default=None)


Where = Literal["action", "document", "schema", "property", "operation", "parameter"]
Effect = Literal["signature", "type", "rule", "behaviour", "docstring", "none"]


@dataclass(frozen=True)
class Extension:
    """One `x-` key: where it may stand and the kind of client effect a change to it has."""

    key: str
    where: tuple[Where, ...]
    effect: Effect
    annotation: bool = True
    """Kept on the IR node it stands on (`annotations`) and compared by the report's surface."""


EXTENSIONS: tuple[Extension, ...] = (
    # the annotations that change what a client does, in the order they are listed
    Extension("x-flatten", ("property",), "type"),
    Extension("x-wire-aliases", ("schema", "property"), "type"),
    Extension("x-byte-offsets", ("schema",), "type"),
    Extension("x-vertex-only", ("schema", "property"), "rule"),
    Extension("x-inherited", ("property",), "rule"),
    Extension("x-function-result-turns", ("property",), "rule"),
    Extension("x-requires", ("schema",), "rule"),
    Extension("x-correlates-with", ("property",), "behaviour"),
    Extension("x-observed-no-op", ("parameter",), "docstring"),
    Extension("x-streaming", ("operation",), "behaviour"),
    Extension("x-wait", ("operation",), "behaviour"),
    Extension("x-absent-grace", ("operation",), "behaviour"),
    Extension("x-upload", ("operation",), "signature"),
    Extension("x-continuation", ("operation",), "signature"),
    Extension("x-absent-default", ("property",), "type"),
    Extension("x-live", ("operation",), "signature"),
    # keys read elsewhere in the spec
    Extension("x-api-revision", ("document",), "behaviour", annotation=False),
    Extension("x-structured-output", ("property",), "signature", annotation=False),
    # keys on an overlay action: its evidence, never part of the patched spec
    Extension("x-facts", ("action",), "none", annotation=False),
    Extension("x-observed", ("action",), "none", annotation=False),
    Extension("x-revision", ("action",), "none", annotation=False),
    Extension("x-confidence", ("action",), "none", annotation=False),
    Extension("x-probe", ("action",), "none", annotation=False),
    Extension("x-no-probe", ("action",), "none", annotation=False),
    Extension("x-resolves", ("action",), "none", annotation=False),
)
"""Every `x-` key of the project's overlays."""

PROJECT_EXTENSIONS = tuple(entry.key for entry in EXTENSIONS if entry.annotation)
"""The overlays' `x-` annotations that change what a client does (see overlays/README.md)."""

SCHEMA_ANNOTATIONS = tuple(
    entry.key for entry in EXTENSIONS if entry.annotation and entry.where != ("operation",)
)
"""The annotations of schemas, fields and parameters (the report's surface compares these)."""

ACTION_EXTENSIONS = tuple(entry.key for entry in EXTENSIONS if "action" in entry.where)
"""The keys an overlay action carries about itself."""


def extensions_of(node: Any) -> tuple[tuple[str, Any], ...]:
    """The project annotations on `node`, as (key, value) pairs in `PROJECT_EXTENSIONS` order."""
    if not isinstance(node, dict):
        return ()
    return tuple((key, node[key]) for key in PROJECT_EXTENSIONS if key in node)
