"""Waiting for a background interaction: `async_wait_until_done`, the one source of both forms.

`_sync_waiting.wait_until_done` is rewritten from this module when the package is generated;
the polling schedule, the terminal statuses and the early-404 grace live in `_waiting`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from ._errors import NotFoundError, PermissionDeniedError
from ._waiting import _Poll

__all__ = ["async_retry_while_absent", "async_wait_until_done"]

_T = TypeVar("_T")


async def async_wait_until_done(
    fetch: Callable[[], Awaitable[_T]],
    *,
    timeout: float,
    poll_interval: float,
    max_poll_interval: float,
    grace_period: float,
    sleep: Callable[[float], Awaitable[None]],
    clock: Callable[[], float],
) -> _T:
    """Call `fetch` until its result has a terminal `status`."""
    poll = _Poll(timeout, poll_interval, max_poll_interval, grace_period, clock)
    while True:
        try:
            value = await fetch()
            if poll.done(value):
                return value
        except (NotFoundError, PermissionDeniedError) as error:
            if not poll.tolerated(error):
                raise
        await sleep(poll.next_delay())


async def async_retry_while_absent(
    send: Callable[[], Awaitable[_T]],
    *,
    grace_period: float,
    sleep: Callable[[float], Awaitable[None]],
    clock: Callable[[], float],
) -> _T:
    """Call `send`, retrying a 403/404 answer until `grace_period` seconds have passed.

    Right after a background create, `cancel` has answered 404 for a while (fact W78): the
    operation is retried, with the polling schedule of `_waiting`, and the last 403/404 is raised
    once the grace period is over. Any other answer is returned or raised at once.
    """
    poll = _Poll(grace_period, 1.0, 5.0, grace_period, clock)
    while True:
        try:
            return await send()
        except (NotFoundError, PermissionDeniedError) as error:
            if not poll.tolerated(error) or poll.remaining() < poll.interval:
                raise
        await sleep(poll.next_delay())
