"""Multi-turn helpers: stateful conversations and the function-calling loop.

`Conversation` chains turns through `previous_interaction_id`. What a follow-up turn sends
again comes from the overlays' inheritance marks, through the generated `rules` module: a field
marked not inherited (or contested) is sent on every turn, a field marked inherited only on the
first, and a field marked `x-function-result-turns: omit` is left out of a turn that only
answers function calls. Today that means model, tools and system instruction on every turn
(S2, W20, W21, W22); in the launch era the system instruction carried over and resending tools
with function results was an error (S2).

`function_tool(fn)` describes a typed Python callable as a `function` tool (its JSON schema
derived from the signature with pydantic; an empty `required` list is left out, because the API
rejects it, fact W81). A pydantic model class is a tool too: its schema is the parameters, and
"calling" it validates the model's arguments into an instance (a validation error goes back to
the model as an error result, so it can correct itself).

`conversation.run_tools(functions, input)` sends a turn, executes every function call the model
makes — matched to its result by `call_id`, in any order (S9, W23) — and sends the results back
until the model stops calling or `max_rounds` is reached. It returns the last interaction and
every execution with its arguments, result and timing.
"""

from __future__ import annotations

import inspect
import json
import time
import typing
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from .rules import INHERITED_FIELDS, RESULT_TURN_OMITTED_FIELDS

if TYPE_CHECKING:
    from .types import Function, Interaction

__all__ = [
    "AsyncConversation",
    "Conversation",
    "Execution",
    "ToolRun",
    "function_tool",
]


def _is_model_class(tool: Any) -> bool:
    return isinstance(tool, type) and callable(getattr(tool, "model_json_schema", None))


def _schema_without_titles(schema: dict[str, Any]) -> dict[str, Any]:
    schema.pop("title", None)
    for prop in (schema.get("properties") or {}).values():
        if isinstance(prop, dict):
            prop.pop("title", None)
    if not schema.get("required"):
        schema.pop("required", None)
    return schema


def function_tool(function: Callable[..., Any], *, name: str | None = None) -> Function:
    """A `function` tool declaration for a typed callable (parameters from its signature) or a
    pydantic model class (parameters from its JSON schema).

    It is a `Function` model, so `create(tools=[function_tool(f)])` type-checks; `.to_dict()`
    gives the JSON that goes on the wire.
    """
    from pydantic import create_model

    from .types import Function

    if _is_model_class(function):
        model_schema = _schema_without_titles(function.model_json_schema())  # type: ignore[attr-defined]
        return Function(
            name=name or function.__name__,
            description=(inspect.getdoc(function) or "").split("\n\n")[0],
            parameters=model_schema,
        )

    try:
        # resolves string annotations too (`from __future__ import annotations`, most modern code)
        hints = typing.get_type_hints(function, include_extras=True)
    except (NameError, TypeError) as error:
        raise TypeError(
            f"function_tool({getattr(function, '__name__', function)!r}): a parameter's type "
            f"annotation cannot be resolved ({error}); import the names it uses at module level"
        ) from None
    fields: dict[str, Any] = {}
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        annotation = hints.get(parameter.name, Any)
        default = ... if parameter.default is parameter.empty else parameter.default
        fields[parameter.name] = (annotation, default)
    schema = _schema_without_titles(
        create_model(f"{function.__name__}_parameters", **fields).model_json_schema()
    )
    description = inspect.getdoc(function) or ""
    return Function(
        name=name or function.__name__,
        description=description.split("\n\n")[0],
        parameters=schema,
    )


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


def _execute(functions: Mapping[str, Callable[..., Any]], call: Any) -> tuple[Execution, Any]:
    started = time.perf_counter()
    name = str(call.name)
    arguments = call.arguments if isinstance(call.arguments, Mapping) else {}
    function = functions.get(name)
    try:
        if function is None:
            raise LookupError(f"no function named {name!r}")
        result, is_error = function(**arguments), False
    except Exception as error:  # reported to the model, which may recover
        result, is_error = f"{type(error).__name__}: {error}", True
    execution = Execution(
        call.id, name, dict(arguments), result, is_error, time.perf_counter() - started
    )
    return execution, _result_step(call, result, is_error)


def _result_step(call: Any, result: Any, is_error: bool) -> dict[str, Any]:
    if callable(getattr(result, "model_dump", None)):  # a pydantic model tool's instance
        result = result.model_dump(mode="json")
    if not isinstance(result, str | dict):
        result = json.dumps(result, default=str)
    step: dict[str, Any] = {
        "type": "function_result",
        "call_id": call.id,
        "name": call.name,
        "result": result,
    }
    if is_error:
        step["is_error"] = True
    return step


_CONTENT_TYPES = frozenset({"text", "image", "audio", "video", "document"})


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
    if items and all(_kind(item) in _CONTENT_TYPES for item in items):
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
        """Add a tool: a plain function or a pydantic model class becomes a function tool
        (declared once, by its name)."""
        if callable(tool) and not hasattr(tool, "to_dict") and not isinstance(tool, dict):
            if tool.__name__ in self.functions:
                return
            self.functions[tool.__name__] = tool
            tool = function_tool(tool)
        self.tools.append(tool)

    def _declare_all(
        self, functions: Sequence[Callable[..., Any]]
    ) -> dict[str, Callable[..., Any]]:
        """Declare each function the model may call (tools are not inherited across turns, W20,
        so a function that is only passed to `run_tools` would never be called)."""
        declared = {_tool_name(tool) for tool in self.tools}
        for function in functions:
            if function.__name__ not in declared:
                self._declare(function)
        return {**self.functions, **{function.__name__: function for function in functions}}

    def _request(self, input: Any) -> dict[str, Any]:
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
        return request

    def _record(self, request: dict[str, Any], interaction: Any) -> Interaction:
        self.last = interaction
        if self.stateless:
            self.history = [*request["input"], *(getattr(interaction, "steps", None) or [])]
        return cast("Interaction", interaction)

    def send(self, input: Any) -> Interaction:
        """Send one turn (text, content or steps) and return the interaction."""
        request = self._request(input)
        return self._record(request, self.client.interactions.create(**request))

    def run_tools(
        self, functions: Sequence[Callable[..., Any]], input: Any, *, max_rounds: int = 5
    ) -> ToolRun:
        """Send `input`, then answer every function call until the model stops calling."""
        by_name = self._declare_all(functions)
        run = ToolRun(interaction=self.send(input))
        while run.rounds < max_rounds:
            calls = run.interaction.function_calls()
            if not calls:
                run.finished = True
                return run
            run.rounds += 1
            results = []
            for call in calls:
                execution, step = _execute(by_name, call)
                run.executions.append(execution)
                results.append(step)
            run.interaction = self.send(results)
        run.finished = not run.interaction.function_calls()
        return run


class AsyncConversation(Conversation):
    """`Conversation` for an `AsyncClient`: `await send(...)`, `await run_tools(...)`."""

    async def send(self, input: Any) -> Interaction:  # type: ignore[override]
        """Send one turn (text, content or steps) and return the interaction."""
        request = self._request(input)
        return self._record(request, await self.client.interactions.create(**request))

    async def run_tools(  # type: ignore[override]
        self,
        functions: Sequence[Callable[..., Any] | Callable[..., Awaitable[Any]]],
        input: Any,
        *,
        max_rounds: int = 5,
    ) -> ToolRun:
        """Send `input`, then answer every function call until the model stops calling."""
        by_name = self._declare_all(functions)
        run = ToolRun(interaction=await self.send(input))
        while run.rounds < max_rounds:
            calls = run.interaction.function_calls()
            if not calls:
                run.finished = True
                return run
            run.rounds += 1
            results = []
            for call in calls:
                execution, step = _execute(by_name, call)
                if inspect.isawaitable(execution.result):
                    started = time.perf_counter()
                    try:
                        result, is_error = await execution.result, False
                    except Exception as error:  # reported to the model, which may recover
                        result, is_error = f"{type(error).__name__}: {error}", True
                    execution = Execution(
                        execution.call_id,
                        execution.name,
                        execution.arguments,
                        result,
                        is_error,
                        execution.seconds + time.perf_counter() - started,
                    )
                    step = _result_step(call, result, is_error)
                run.executions.append(execution)
                results.append(step)
            run.interaction = await self.send(results)
        run.finished = not run.interaction.function_calls()
        return run
