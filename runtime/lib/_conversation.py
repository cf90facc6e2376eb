"""What `Conversation` and `AsyncConversation` share without I/O, and the seams where they differ.

The conversation is written once, for asyncio, in `_async_conversation.py`; its sync twin is
rewritten from it token by token. This module holds the parts with no I/O (the records of a
tool run, building a turn's request, turning a call's outcome into a `function_result` step)
and, as `_async_*` / `_sync_*` pairs the rewrite maps one onto the other, the three places
where running tools differs:

- admitting a tool: the sync loop refuses an `async def` when it is declared (its coroutine
  would never run), the async loop runs every kind;
- calling one tool: the async loop awaits a coroutine function and runs a plain function in a
  worker thread so it never blocks the event loop; the sync loop calls it and refuses an
  awaitable result (`_UnrunnableToolError`, which ends the loop instead of going back to the
  model);
- executing a turn's calls: concurrently in the async loop, one after another in the sync
  loop; either way the results come back in call order.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import time
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ._tools import CONTENT_TYPES, BoundTool, result_value

if TYPE_CHECKING:
    from ..types import Interaction

_T = TypeVar("_T")

__all__ = ["Execution", "ToolRun"]


@dataclass(frozen=True)
class Execution:
    """One function call the loop executed."""

    call_id: str | None
    name: str
    arguments: Mapping[str, Any]
    result: Any
    is_error: bool
    seconds: float


@dataclass
class ToolRun:
    """What `run_tools` did: the final interaction, each execution, the rounds it took."""

    interaction: Interaction
    executions: list[Execution] = field(default_factory=list)
    rounds: int = 0
    finished: bool = False


class _UnrunnableToolError(TypeError):
    """A tool the loop cannot run at all: raised out of the loop, never sent to the model."""


def _call_arguments(call: Any) -> Mapping[str, Any]:
    """A call's arguments as a mapping (a streamed call cut short may carry unparsed JSON text,
    W91: `ValueError` then, reported to the model)."""
    arguments = getattr(call, "arguments", None)
    if arguments is None:
        return {}
    if isinstance(arguments, str):
        arguments = json.loads(arguments) if arguments.strip() else {}
    if not isinstance(arguments, Mapping):
        raise ValueError(f"the arguments are not a JSON object: {arguments!r}")
    return arguments


def _result_step(call: Any, result: Any, is_error: bool) -> dict[str, Any]:
    step: dict[str, Any] = {
        "type": "function_result",
        "call_id": call.id,
        "name": call.name,
        "result": result if is_error else result_value(result),
    }
    if is_error:
        step["is_error"] = True
    return step


def _finish(
    call: Any, arguments: Mapping[str, Any], result: Any, is_error: bool, started: float
) -> tuple[Execution, dict[str, Any]]:
    execution = Execution(
        call.id, str(call.name), dict(arguments), result, is_error, time.perf_counter() - started
    )
    return execution, _result_step(call, result, is_error)


def _not_declared(name: str, tools: Mapping[str, BoundTool]) -> LookupError:
    known = ", ".join(sorted(tools)) or "none"
    return LookupError(f"no function named {name!r} (the declared functions: {known})")


def _tool_name(tool: Any) -> Any:
    if isinstance(tool, dict):
        return tool.get("name")
    return getattr(tool, "name", None)


def _kind(item: Any) -> Any:
    return item.get("type") if isinstance(item, Mapping) else getattr(item, "type", None)


def _marked(table: Mapping[str, Sequence[str]]) -> frozenset[str]:
    """The fields a mark names on any request schema (model and agent requests alike)."""
    return frozenset(field for fields in table.values() for field in fields)


def _answers_only(input: Any) -> bool:
    """Whether a turn's input is nothing but function results."""
    items = input if isinstance(input, list | tuple) else [input]
    return bool(items) and all(_kind(item) == "function_result" for item in items)


def _as_steps(input: Any) -> list[Any]:
    """A turn's input as steps: text and content blocks become one `user_input` step."""
    if isinstance(input, str):
        return [{"type": "user_input", "content": [{"type": "text", "text": input}]}]
    items = list(input) if isinstance(input, list | tuple) else [input]
    if items and all(_kind(item) in CONTENT_TYPES for item in items):
        return [{"type": "user_input", "content": items}]
    return items


def _async_admit(tool: BoundTool) -> None:
    """The async loop runs coroutine functions and plain functions alike: every tool is
    admitted."""
    del tool


def _sync_admit(tool: BoundTool) -> None:
    """The sync loop would never run the coroutine of an `async def`: refuse it when declared."""
    if tool.is_async:
        raise TypeError(
            f"{tool.describe()} is an async function; the synchronous Conversation would "
            "never run its coroutine: use AsyncConversation with an AsyncClient, or a "
            "plain function"
        )


async def _async_call(tool: BoundTool, arguments: Mapping[str, Any]) -> Any:
    """Run one tool without blocking the event loop: a coroutine function is awaited, a plain
    function runs in a worker thread (and an awaitable it returns is awaited)."""
    if tool.is_async:
        return await tool.call(arguments)
    result = await asyncio.to_thread(tool.call, arguments)
    if inspect.isawaitable(result):  # a sync wrapper around a coroutine function
        result = await result
    return result


def _sync_call(tool: BoundTool, arguments: Mapping[str, Any]) -> Any:
    """Run one tool; a sync loop cannot run what returns an awaitable: stop (`_UnrunnableToolError`)
    rather than send its repr."""
    result = tool.call(arguments)
    if inspect.isawaitable(result):
        close = getattr(result, "close", None)
        if callable(close):
            close()
        raise _UnrunnableToolError(
            f"{tool.describe()} returned an awaitable; the synchronous Conversation cannot run "
            "it: use AsyncConversation with an AsyncClient"
        )
    return result


async def _async_each(runs: Iterable[Awaitable[_T]]) -> list[_T]:
    """Run a turn's calls concurrently; their outcomes in call order."""
    return list(await asyncio.gather(*runs))


def _sync_each(runs: Iterable[_T]) -> list[_T]:
    """Run a turn's calls one after another, in call order."""
    return list(runs)
