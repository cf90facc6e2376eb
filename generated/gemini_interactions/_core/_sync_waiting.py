# Rewritten from runtime/_core/_async_waiting.py by interactions-codegen; edit it there.
"""The synchronous twin of `_async_waiting`: the same code with `async` / `await` removed and async
names mapped to their sync twins, rewritten from `_async_waiting.py` token by token when the
package is generated; `_async_waiting` documents it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ._errors import NotFoundError, PermissionDeniedError
from ._waiting import _Poll

__all__ = ["async_retry_while_absent", "wait_until_done"]

_T = TypeVar("_T")


def wait_until_done(
    fetch: Callable[[], _T],
    *,
    timeout: float,
    poll_interval: float,
    max_poll_interval: float,
    grace_period: float,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> _T:
    """Call `fetch` until its result has a terminal `status`."""
    poll = _Poll(timeout, poll_interval, max_poll_interval, grace_period, clock)
    while True:
        try:
            value = fetch()
            if poll.done(value):
                return value
        except (NotFoundError, PermissionDeniedError) as error:
            if not poll.tolerated(error):
                raise
        sleep(poll.next_delay())


def async_retry_while_absent(
    send: Callable[[], _T],
    *,
    grace_period: float,
    sleep: Callable[[float], None],
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
            return send()
        except (NotFoundError, PermissionDeniedError) as error:
            if not poll.tolerated(error) or poll.remaining() < poll.interval:
                raise
        sleep(poll.next_delay())
