"""`AsyncConversation`: the conversation and its function-calling loop, written once for
asyncio; `Conversation` in `_sync_conversation.py` is rewritten from this module.

What the two forms share without I/O lives in `_conversation` (records, request steps, result
steps), and so do the `_async_*` / `_sync_*` seams where they differ: admitting a tool, calling
one, and executing a turn's calls (concurrently here, one after another in the twin). The
behaviour is documented in `conversation.py`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

from ..rules import INHERITED_FIELDS, RESULT_TURN_OMITTED_FIELDS
from ._conversation import (
    Execution,
    ToolRun,
    _answers_only,
    _as_steps,
    _async_admit,
    _async_call,
    _async_each,
    _call_arguments,
    _finish,
    _marked,
    _not_declared,
    _tool_name,
    _UnrunnableToolError,
)
from ._tools import BoundTool, attached_tool, bind, error_text

if TYPE_CHECKING:
    from types import UnionType
    from typing import _SpecialForm

    from ..types import Function, Interaction
    from ._parsed import ParsedInteraction

_T = TypeVar("_T")

__all__ = ["AsyncConversation"]


async def _async_execute(
    tools: Mapping[str, BoundTool], call: Any
) -> tuple[Execution, dict[str, Any]]:
    """Execute one function call: its execution record and the `function_result` step."""
    started = time.perf_counter()
    arguments: Mapping[str, Any] = {}
    try:
        arguments = _call_arguments(call)
        tool = tools.get(str(call.name))
        if tool is None:
            raise _not_declared(str(call.name), tools)
        result = await _async_call(tool, arguments)
    except _UnrunnableToolError:
        raise
    except Exception as error:  # reported to the model, which may recover
        return _finish(call, arguments, error_text(error), True, started)
    return _finish(call, arguments, result, False, started)


class AsyncConversation:
    """A conversation: each `send` continues from the previous turn (`AsyncConversation` takes
    an `AsyncClient` and is awaited; `Conversation` takes a `Client`).

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

    def _declare(self, tool: Any) -> None:
        """Add a tool: a callable or a pydantic model class becomes a function tool, declared
        once by its name; another callable under a taken name is refused (`TypeError`), and so
        is an `async def` the loop could not run."""
        bound = attached_tool(tool)
        if bound is None and (isinstance(tool, Mapping) or not callable(tool)):
            self.tools.append(tool)  # a declaration the caller wrote: sent as it is
            return
        if bound is None and any(known.function is tool for known in self._bound.values()):
            return  # declared before (binding again would rebuild its schema, ~10 ms)
        bound = bound or bind(tool)
        _async_admit(bound)
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

    async def run_tools(
        self,
        functions: Sequence[Callable[..., Any] | Function],
        input: Any,
        *,
        max_rounds: int = 5,
    ) -> ToolRun:
        """Send `input`, then answer every function call until the model stops calling (or
        `max_rounds` rounds of calls were answered: `run.finished` is False then). The async
        loop runs the calls of one turn concurrently; the results are sent in call order.

        Each function is declared as a tool (tools are not inherited across turns, W20, so a
        function given only here would otherwise never be called)."""
        self._declare_all(functions)
        run = ToolRun(interaction=await self.send(input))
        while run.rounds < max_rounds:
            calls = run.interaction.function_calls()
            if not calls:
                run.finished = True
                return run
            run.rounds += 1
            answered = await _async_each(_async_execute(self._bound, call) for call in calls)
            run.executions.extend(execution for execution, _ in answered)
            run.interaction = await self.send([step for _, step in answered])
        run.finished = not run.interaction.function_calls()
        return run
