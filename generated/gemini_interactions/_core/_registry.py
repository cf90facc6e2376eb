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
from types import ModuleType
from typing import Any, Protocol

from ._values import Value

__all__ = ["Accumulator", "Features", "features", "generated", "install"]


class Accumulator(Protocol):
    """Rebuilds an interaction from stream events (`lib/_accumulate.py`)."""

    def add(self, event: dict[str, Any]) -> None:
        """Take one event payload."""

    def result(self) -> dict[str, Any]:
        """The interaction so far, as wire JSON."""


class Features(Value):
    """The feature hooks of the request cycle (see the module docstring)."""

    __slots__ = (
        "accumulator",
        "attach",
        "check_body",
        "is_output_type",
        "recovery_events",
        "target_of",
        "to_wire",
    )

    def __init__(
        self,
        *,
        is_output_type: Callable[[Any], bool],
        to_wire: Callable[[Any], dict[str, Any]],
        target_of: Callable[[tuple[str, ...], Mapping[str, Any] | None], Any],
        attach: Callable[[Any, Any], Any],
        check_body: Callable[[str, Mapping[str, Any]], None],
        accumulator: Callable[[], Accumulator],
        recovery_events: Callable[[Any, dict[str, Any]], list[dict[str, Any]]],
    ) -> None:
        self.is_output_type = is_output_type
        """Whether a body value is a type to parse the answer into (structured output)."""
        self.to_wire = to_wire
        """The JSON schema such a type travels as."""
        self.target_of = target_of
        """The type a call's answer is parsed into, or None."""
        self.attach = attach
        """A result with its parsed answer attached."""
        self.check_body = check_body
        """Checks a validated body gets after its rules (warnings only)."""
        self.accumulator = accumulator
        """A new accumulator for a stream."""
        self.recovery_events = recovery_events
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
