"""Waiting for a background interaction to finish, by polling with backoff.

`wait_until_done` (`_sync_waiting`, rewritten from `_async_waiting`) polls until the interaction
reaches a terminal status (completed, failed, cancelled, requires_action, incomplete,
budget_exceeded, and the bindings' requires_continuation and idle, which wait for the caller like
requires_action). A status it does not know keeps it polling, and so does
`requires_continuation` on background work, which the server continues by itself (fact W98);
only an interaction that says `background: false` is returned at it. A 403 or 404 within
`grace_period` seconds of the start is taken for the API not having caught up with a fresh
background create yet (fact W78) and polled again; after that it is raised. When `timeout`
passes first, `WaitTimeoutError` says the last status seen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ._errors import GeminiError, NotFoundError, PermissionDeniedError

__all__ = ["TERMINAL_STATUSES", "WaitTimeoutError"]

TERMINAL_STATUSES = frozenset(
    {
        "completed",
        "failed",
        "cancelled",
        "requires_action",
        "incomplete",
        "budget_exceeded",
        # from Google's bindings (facts W92, W93): nothing more happens until the caller acts
        "requires_continuation",
        "idle",
    }
)
_T = TypeVar("_T")


class WaitTimeoutError(GeminiError, TimeoutError):
    """The interaction did not reach a terminal status in time."""

    def __init__(self, timeout: float, last_status: Any) -> None:
        super().__init__(f"not finished after {timeout:g}s (last status: {last_status!r})")
        self.last_status = last_status


class _Poll:
    def __init__(
        self,
        timeout: float,
        interval: float,
        max_interval: float,
        grace: float,
        clock: Callable[[], float],
    ) -> None:
        self.timeout, self.interval, self.max_interval, self.grace = (
            timeout,
            interval,
            max_interval,
            grace,
        )
        self.clock = clock
        self.started = clock()
        self.status: Any = None

    def done(self, value: Any) -> bool:
        self.status = getattr(value, "status", None)
        if self.status == "requires_continuation":  # background work continues itself (W98)
            return getattr(value, "background", None) is False
        return self.status in TERMINAL_STATUSES

    def tolerated(self, error: Exception) -> bool:
        early = self.clock() - self.started <= self.grace
        return early and isinstance(error, NotFoundError | PermissionDeniedError)

    def remaining(self) -> float:
        """Seconds left before `timeout`."""
        return self.timeout - (self.clock() - self.started)

    def next_delay(self) -> float:
        remaining = self.timeout - (self.clock() - self.started)
        if remaining <= 0:
            raise WaitTimeoutError(self.timeout, self.status)
        delay = min(self.interval, remaining)
        self.interval = min(self.max_interval, self.interval * 1.5)
        return delay
