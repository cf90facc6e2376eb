# Copied from runtime/lib/_install.py by interactions-codegen; edit it there.
"""Wires the Interactions features into the client core's registry (`_core/_registry.py`).

The generated client calls `install_features()` when it is imported. The accumulator loads on a
stream's first use, so importing the package stays as cheap as before.
"""

from __future__ import annotations

from typing import Any

from .._core._registry import Accumulator, Features, install
from . import _builtin_continuation
from ._structured import attach, is_output_type, target_of, to_wire

__all__ = ["install_features"]


def _accumulator() -> Accumulator:
    from ._accumulate import InteractionAccumulator

    return InteractionAccumulator()


def _recovery_events(accumulator: Any, interaction: dict[str, Any]) -> list[dict[str, Any]]:
    from ._accumulate import recovery_events

    return recovery_events(accumulator, interaction)


def install_features() -> None:
    """Fill the core's registry with this package's features."""
    install(
        Features(
            is_output_type=is_output_type,
            to_wire=to_wire,
            target_of=target_of,
            attach=attach,
            check_body=_builtin_continuation.check,  # W105
            accumulator=_accumulator,
            recovery_events=_recovery_events,
        )
    )
