# Copied from runtime/_core/_retry.py by interactions-codegen; edit it there.
"""When to retry a request and how long to wait, as pure functions of what happened.

Idempotent calls (GET, DELETE, PUT, ...) follow the spec's own retry hint
(`x-speakeasy-retries`): retry 408, 409, 429 and 5xx answers and connection failures (timeouts
included), with exponential backoff from 0.5 s doubling to at most 8 s, jittered, for up to 4
retries and 30 s of waiting in all.

Non-idempotent calls (POST, PATCH: `create` may start a billed generation or a Deep Research
run) are retried only when the server provably did not start the work: the connection was never
established, or the answer was 408, 429 or 503. A read timeout, a dropped connection or a
500/502/504 after the body was sent is not retried unless `retry_non_idempotent=True` (per
client through the policy, or per call).

A `Retry-After` header (seconds or an HTTP date) replaces the computed delay; one longer than
`max_retry_after` ends the retries instead. Other 4xx answers are never retried. Waiting for a
pooled connection (`httpx.PoolTimeout`) is not a connection failure and is never retried: the
pool is full, and waiting again would only queue behind the same requests.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

__all__ = [
    "DEFAULT_RETRY_POLICY",
    "IDEMPOTENT_METHODS",
    "ResumePolicy",
    "RetryPolicy",
    "parse_retry_after",
]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "PUT"})


def parse_retry_after(value: str | None, now: Callable[[], datetime] | None = None) -> float | None:
    """Seconds to wait from a Retry-After value; None if absent or unreadable; 0 if past."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        import email.utils  # only for a Retry-After given as an HTTP date (~10 ms to import)

        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now() if now is not None else datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """How a client retries; pass `max_retries=0` (or `RetryPolicy(max_retries=0)`) to disable."""

    max_retries: int = 4
    initial_delay: float = 0.5
    max_delay: float = 8.0
    multiplier: float = 2.0
    jitter: float = 0.25
    max_elapsed: float = 30.0
    max_retry_after: float = 60.0
    retry_statuses: frozenset[int] = frozenset({408, 409, 429})
    retry_server_errors: bool = True
    retry_connection_errors: bool = True
    retry_non_idempotent: bool = False
    """Also retry POST/PATCH after the request may have reached the server (may duplicate work)."""
    non_idempotent_statuses: frozenset[int] = frozenset({408, 429, 503})
    """Answers that prove a non-idempotent request did not start its work."""
    random: Callable[[], float] = field(default=random.random, compare=False, repr=False)

    def should_retry_status(self, status: int, idempotent: bool = True) -> bool:
        """Whether an answer with this status is worth another attempt."""
        if not idempotent and not self.retry_non_idempotent:
            return status in self.non_idempotent_statuses
        return status in self.retry_statuses or (self.retry_server_errors and status >= 500)

    def unsafe_to_retry(self, method: str) -> bool:
        """Whether a `method` request may have started work that a retry would duplicate."""
        return method.upper() not in IDEMPOTENT_METHODS and not self.retry_non_idempotent

    def backoff(self, retry: int) -> float:
        """The jittered delay before retry number `retry` (0 for the first retry)."""
        base = min(self.max_delay, self.initial_delay * self.multiplier**retry)
        return base * (1 - self.jitter * self.random())

    def delay(
        self,
        retry: int,
        elapsed: float,
        *,
        status: int | None = None,
        connection_error: bool = False,
        retry_after: float | None = None,
        idempotent: bool = True,
    ) -> float | None:
        """Seconds to wait before retry number `retry`, or None to give up now."""
        if retry >= self.max_retries:
            return None
        if connection_error:
            if not self.retry_connection_errors:
                return None
        elif status is None or not self.should_retry_status(status, idempotent):
            return None
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None
            wait = retry_after
        else:
            wait = self.backoff(retry)
        if elapsed + wait > self.max_elapsed:
            return None
        return wait


DEFAULT_RETRY_POLICY = RetryPolicy()


@dataclass(frozen=True)
class ResumePolicy:
    """How hard a stream tries to resume: attempts, backoff, and the early-404 grace period."""

    max_attempts: int = 5
    initial_delay: float = 0.25
    max_delay: float = 4.0
    grace_period: float = 10.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait before resume attempt `attempt` (0-based), doubling up to a cap."""
        return float(min(self.max_delay, self.initial_delay * 2**attempt))
