# Copied from runtime/_core/_registry.py by interactions-codegen; edit it there.
"""The seams between the client core and the rest of the package: one registry.

The core knows no feature (`lib`) and no generated module (`types`, `rules`): where its request
cycle needs one, it asks this module. The generated client fills the registry when it is
imported (`lib/_install.py`), so a package's core is always wired before its first call.

- `generated(package, name)` loads a generated module (`types`, `rules`) by name; the core's
  only `importlib` lookup.
- `features()` is what the Interactions features give the request cycle: how a structured-output
  type travels and is attached to a result, the checks a body gets besides its rules, and the
  accumulator a stream rebuilds its interaction with.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Protocol

__all__ = ["Accumulator", "Features", "features", "generated", "install"]


class Accumulator(Protocol):
    """Rebuilds an interaction from stream events (`lib/_accumulate.py`)."""

    def add(self, event: dict[str, Any]) -> None:
        """Take one event payload."""

    def result(self) -> dict[str, Any]:
        """The interaction so far, as wire JSON."""


@dataclass(frozen=True)
class Features:
    """The feature hooks of the request cycle (see the module docstring)."""

    is_output_type: Callable[[Any], bool]
    """Whether a body value is a type to parse the answer into (structured output)."""
    to_wire: Callable[[Any], dict[str, Any]]
    """The JSON schema such a type travels as."""
    target_of: Callable[[tuple[str, ...], Mapping[str, Any] | None], Any]
    """The type a call's answer is parsed into, or None."""
    attach: Callable[[Any, Any], Any]
    """A result with its parsed answer attached."""
    check_body: Callable[[str, Mapping[str, Any]], None]
    """Checks a validated body gets after its rules (warnings only)."""
    accumulator: Callable[[], Accumulator]
    """A new accumulator for a stream."""
    recovery_events: Callable[[Any, dict[str, Any]], list[dict[str, Any]]]
    """The events a stream missed, from its accumulator and the finished interaction."""


_installed: list[Features] = []


def install(hooks: Features) -> None:
    """Fill the registry (the generated client does, when it is imported)."""
    _installed[:] = [hooks]


def features() -> Features:
    """The installed hooks."""
    if not _installed:  # only a core imported without its generated client gets here
        raise RuntimeError("the client core is used before the generated client installed it")
    return _installed[0]


def generated(package: str, name: str) -> ModuleType:
    """The generated module `name` (`types`, `rules`) of `package`."""
    return importlib.import_module(f"{package}.{name}")
