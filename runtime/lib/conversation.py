"""Multi-turn helpers: stateful conversations and the function-calling loop.

`Conversation` chains turns through `previous_interaction_id`. What a follow-up turn sends
again comes from the overlays' inheritance marks, through the generated `rules` module: a field
marked not inherited (or contested) is sent on every turn, a field marked inherited only on the
first, and a field marked `x-function-result-turns: omit` is left out of a turn that only
answers function calls. Today that means model, tools and system instruction on every turn
(S2, W20, W21, W22); in the launch era the system instruction carried over and resending tools
with function results was an error (S2).

Tools are declared, called and answered by `_tools` (`function_tool`, argument conversion,
result shapes). What this module adds is the loop: `conversation.run_tools(functions, input)`
sends a turn, executes every function call the model makes — matched to its result by
`call_id`, in any order (S9, W23), results sent in call order — and sends the results back until
the model stops calling or `max_rounds` rounds of calls were answered. It returns the last
interaction and every execution with its arguments, result and timing.

What the loop guarantees:

- arguments arrive as the annotated types (validated by pydantic against the declared schema);
  invalid arguments, an unknown function name and an exception raised by the function go back to
  the model as error results (`is_error`), never out of the loop;
- tools are unambiguous: two different callables under one name are refused when declared
  (`TypeError` naming both; `function_tool(f, name=...)` renames one), and so is an `async def`
  given to the synchronous `Conversation` (its coroutine would never run);
- `AsyncConversation` runs the calls of one turn concurrently (coroutines on the event loop,
  plain functions in worker threads so they never block it).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

from ..rules import INHERITED_FIELDS, RESULT_TURN_OMITTED_FIELDS
from ._tools import (
    CONTENT_TYPES,
    BoundTool,
    attached_tool,
    bind,
    error_text,
    function_tool,
    result_value,
)

if TYPE_CHECKING:
    from types import UnionType
    from typing import _SpecialForm

    from ..types import Function, Interaction
    from ._parsed import ParsedInteraction

_T = TypeVar("_T")

__all__ = [
    "AsyncConversation",
    "Conversation",
    "Execution",
    "ToolRun",
    "function_tool",
]


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


def _refuse_coroutine(tool: BoundTool, result: Any) -> None:
    """A sync loop cannot run what returns an awaitable: stop, rather than send its repr."""
    if inspect.isawaitable(result):
        close = getattr(result, "close", None)
        if callable(close):
            close()
        raise TypeError(
            f"{tool.describe()} returned an awaitable; the synchronous Conversation cannot run "
            "it: use AsyncConversation with an AsyncClient"
        )


def _execute(tools: Mapping[str, BoundTool], call: Any) -> tuple[Execution, dict[str, Any]]:
    started = time.perf_counter()
    arguments: Mapping[str, Any] = {}
    tool = tools.get(str(call.name))
    try:
        arguments = _call_arguments(call)
        if tool is None:
            raise _not_declared(str(call.name), tools)
        result = tool.call(arguments)
    except Exception as error:  # reported to the model, which may recover
        return _finish(call, arguments, error_text(error), True, started)
    _refuse_coroutine(tool, result)
    return _finish(call, arguments, result, False, started)


async def _execute_async(
    tools: Mapping[str, BoundTool], call: Any
) -> tuple[Execution, dict[str, Any]]:
    started = time.perf_counter()
    arguments: Mapping[str, Any] = {}
    tool = tools.get(str(call.name))
    try:
        arguments = _call_arguments(call)
        if tool is None:
            raise _not_declared(str(call.name), tools)
        if tool.is_async:
            result = await tool.call(arguments)
        else:  # a plain function must not block the event loop
            result = await asyncio.to_thread(tool.call, arguments)
            if inspect.isawaitable(result):  # a sync wrapper around a coroutine function
                result = await result
    except Exception as error:  # reported to the model, which may recover
        return _finish(call, arguments, error_text(error), True, started)
    return _finish(call, arguments, result, False, started)


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


class Conversation:
    """A conversation: each `send` continues from the previous turn.

    By default the API keeps the history: each turn names the previous interaction
    (`previous_interaction_id`) and sends again what is not inherited (model, tools, system
    instruction). With `store=False` nothing is kept server-side, so the conversation keeps the
    history itself and replays it on every turn: the caller's inputs as `user_input` steps and
    every step the API returned (a `create` answer holds only the new turn's steps, fact W83),
    signatures byte for byte (W17, W82). What `store=False` costs: every turn sends, and is
    billed for, the whole history again as input; no interaction can be fetched later, polled in
    the background or resumed after a dropped stream (W07, W86).

    `automatic_continuation=True` continues every turn whose answer stops with
    `requires_continuation` (W98, see `create`); the next turn follows the last hop.
    """

    def __init__(
        self,
        client: Any,
        *,
        model: str,
        tools: Sequence[Any] = (),
        system_instruction: str | None = None,
        automatic_continuation: bool | None = None,
        **settings: Any,
    ) -> None:
        if automatic_continuation is not None:
            settings["automatic_continuation"] = automatic_continuation
        self.client = client
        self.model = model
        self.functions: dict[str, Callable[..., Any]] = {}
        """Plain functions given as tools, by name: `run_tools` can call them."""
        self._bound: dict[str, BoundTool] = {}
        self.tools: list[Any] = []
        for tool in tools:
            self._declare(tool)
        self.system_instruction = system_instruction
        self.settings = settings
        self.last: Any = None
        self.stateless = settings.get("store") is False
        self._inherited = _marked(INHERITED_FIELDS)
        self._left_out_of_answers = _marked(RESULT_TURN_OMITTED_FIELDS)
        self.history: list[Any] = []
        """The replayed history of a `store=False` conversation (empty otherwise)."""

    _runs_coroutines = False
    """Whether the loop can await a coroutine function (only `AsyncConversation` can)."""

    def _declare(self, tool: Any) -> None:
        """Add a tool: a callable or a pydantic model class becomes a function tool, declared
        once by its name; another callable under a taken name is refused (`TypeError`)."""
        bound = attached_tool(tool)
        if bound is None and (isinstance(tool, Mapping) or not callable(tool)):
            self.tools.append(tool)  # a declaration the caller wrote: sent as it is
            return
        if bound is None and any(known.function is tool for known in self._bound.values()):
            return  # declared before (binding again would rebuild its schema, ~10 ms)
        bound = bound or bind(tool)
        if bound.is_async and not self._runs_coroutines:
            raise TypeError(
                f"{bound.describe()} is an async function; the synchronous Conversation would "
                "never run its coroutine: use AsyncConversation with an AsyncClient, or a "
                "plain function"
            )
        existing = self._bound.get(bound.name)
        if existing is not None:
            if existing.same_as(bound):
                return
            raise TypeError(
                f"two tools are named {bound.name!r}: {existing.describe()} and "
                f"{bound.describe()}; the model could only ever call one of them. Declare one "
                f"under another name, e.g. function_tool(callable, name='{bound.name}_2')"
            )
        self._bound[bound.name] = bound
        self.functions[bound.name] = bound.function
        if bound.name not in {_tool_name(declared) for declared in self.tools}:
            self.tools.append(bound.declaration)

    def _declare_all(self, functions: Sequence[Any]) -> None:
        """Declare every function, or none of them when one is refused."""
        saved = list(self.tools), dict(self._bound), dict(self.functions)
        try:
            for function in functions:
                self._declare(function)
        except TypeError:
            self.tools, self._bound, self.functions = saved
            raise

    def _request(self, input: Any, response_format: Any = None) -> dict[str, Any]:
        chained = not self.stateless and self.last is not None and getattr(self.last, "id", None)
        answers_only = _answers_only(input)
        if self.stateless:
            input = [*self.history, *_as_steps(input)]
        request: dict[str, Any] = {"model": self.model, "input": input, **self.settings}
        carried_over = self._inherited if chained else frozenset()
        left_out = self._left_out_of_answers if chained and answers_only else frozenset()
        for name, value in (
            ("tools", self.tools or None),
            ("system_instruction", self.system_instruction),
        ):
            if value is not None and name not in carried_over and name not in left_out:
                request[name] = value
        if chained:
            request["previous_interaction_id"] = self.last.id
        if response_format is not None:
            request["response_format"] = response_format
        return request

    def _record(self, request: dict[str, Any], interaction: Any) -> Interaction:
        self.last = interaction
        if self.stateless:
            self.history = [*request["input"], *(getattr(interaction, "steps", None) or [])]
        return cast("Interaction", interaction)

    @overload
    def send(self, input: Any) -> Interaction: ...

    @overload
    def send(self, input: Any, *, response_format: type[_T]) -> ParsedInteraction[_T]: ...

    @overload
    def send(
        self, input: Any, *, response_format: _SpecialForm | UnionType
    ) -> ParsedInteraction[Any]: ...

    def send(self, input: Any, *, response_format: Any = None) -> Interaction:
        """Send one turn (text, content or steps) and return the interaction; with
        `response_format=T` (this turn only), its `.parsed` is a `T`."""
        request = self._request(input, response_format)
        return self._record(request, self.client.interactions.create(**request))

    def run_tools(
        self,
        functions: Sequence[Callable[..., Any] | Function],
        input: Any,
        *,
        max_rounds: int = 5,
    ) -> ToolRun:
        """Send `input`, then answer every function call until the model stops calling (or
        `max_rounds` rounds of calls were answered: `run.finished` is False then).

        Each function is declared as a tool (tools are not inherited across turns, W20, so a
        function given only here would otherwise never be called)."""
        self._declare_all(functions)
        run = ToolRun(interaction=self.send(input))
        while run.rounds < max_rounds:
            calls = run.interaction.function_calls()
            if not calls:
                run.finished = True
                return run
            run.rounds += 1
            answered = [_execute(self._bound, call) for call in calls]
            run.executions.extend(execution for execution, _ in answered)
            run.interaction = self.send([step for _, step in answered])
        run.finished = not run.interaction.function_calls()
        return run


class AsyncConversation(Conversation):
    """`Conversation` for an `AsyncClient`: `await send(...)`, `await run_tools(...)`."""

    _runs_coroutines = True

    @overload  # type: ignore[override]
    async def send(self, input: Any) -> Interaction: ...

    @overload
    async def send(self, input: Any, *, response_format: type[_T]) -> ParsedInteraction[_T]: ...

    @overload
    async def send(
        self, input: Any, *, response_format: _SpecialForm | UnionType
    ) -> ParsedInteraction[Any]: ...

    async def send(self, input: Any, *, response_format: Any = None) -> Interaction:
        """Send one turn (text, content or steps) and return the interaction; with
        `response_format=T` (this turn only), its `.parsed` is a `T`."""
        request = self._request(input, response_format)
        return self._record(request, await self.client.interactions.create(**request))

    async def run_tools(  # type: ignore[override]
        self,
        functions: Sequence[Callable[..., Any] | Callable[..., Awaitable[Any]] | Function],
        input: Any,
        *,
        max_rounds: int = 5,
    ) -> ToolRun:
        """Send `input`, then answer every function call until the model stops calling (or
        `max_rounds` rounds of calls were answered). The calls of one turn run concurrently;
        their results are sent in call order."""
        self._declare_all(functions)
        run = ToolRun(interaction=await self.send(input))
        while run.rounds < max_rounds:
            calls = run.interaction.function_calls()
            if not calls:
                run.finished = True
                return run
            run.rounds += 1
            answered = await asyncio.gather(*(_execute_async(self._bound, call) for call in calls))
            run.executions.extend(execution for execution, _ in answered)
            run.interaction = await self.send([step for _, step in answered])
        run.finished = not run.interaction.function_calls()
        return run
