"""Python callables as function tools: how one is declared, called and answered.

This module owns the three decisions of the tool loop that do not depend on the conversation:

- **Declaration** (`function_tool`, `bind`): a typed callable — a function, a bound or static
  method, a `functools.partial`, a callable object — or a pydantic model class becomes a
  `function` tool. Its parameters' JSON schema comes from the parameter annotations alone (a
  return annotation is never read, so one naming a local class does not matter); an empty
  `required` list is left out, because the API rejects it (fact W81). The name is the callable's
  own (`name=` overrides it); a callable without a usable name (a lambda) is refused, naming
  `name=` as the way out.
- **Calling** (`BoundTool.arguments`): the model's JSON arguments are validated against the
  same pydantic model the schema came from, defaults applied, so a parameter annotated as a
  model, `date`, Enum, `Literal` or `list[Model]` receives that type. Arguments that do not
  validate are not a crash: they go back to the model as an error result naming the fields.
- **Answering** (`result_value`): what a function returns is sent in a shape the API accepts —
  a string or an object as it is; models, datetimes, Decimals and UUIDs as their JSON; a list as
  typed blocks, `[{"type": "text", "text": "<json>"}]` (a raw JSON list is refused, fact W104),
  unless every item already is a content block; a scalar or None as its JSON text. An exception
  becomes an error result carrying only its type and message (no traceback, no locals).
"""

from __future__ import annotations

import functools
import inspect
import json
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..types import Function

__all__ = [
    "CONTENT_TYPES",
    "ArgumentError",
    "BoundTool",
    "attached_tool",
    "bind",
    "error_text",
    "function_tool",
    "result_value",
]

_CALLABLE = "_tool_callable"
"""Where a `Function` made by `function_tool` keeps the callable it describes."""

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.:-]*")
CONTENT_TYPES = frozenset({"text", "image", "audio", "video", "document"})
"""The `type`s of content blocks (a list of them is sent as it is, and is a turn's input)."""


def _is_model_class(tool: Any) -> bool:
    return isinstance(tool, type) and callable(getattr(tool, "model_json_schema", None))


def _described(tool: Any) -> str:
    """What `tool` is, for error messages: its qualified name and module when it has them."""
    target = _target(tool)
    qualname = getattr(target, "__qualname__", None) or type(target).__qualname__
    module = getattr(target, "__module__", None)
    return f"{module}.{qualname}" if module else str(qualname)


def _target(tool: Any) -> Any:
    """The function whose annotations and docstring describe `tool` (through partials, bound
    methods and callable objects)."""
    while isinstance(tool, functools.partial):
        tool = tool.func
    if inspect.ismethod(tool):
        return tool.__func__
    if not (inspect.isfunction(tool) or isinstance(tool, type)) and callable(tool):
        call = vars(type(tool)).get("__call__") or type(tool).__call__
        if inspect.isfunction(call):
            return call
    return tool


def _own_name(tool: Any) -> str | None:
    while isinstance(tool, functools.partial):
        tool = tool.func
    name = getattr(tool, "__name__", None)
    if name is None and callable(tool) and not inspect.isroutine(tool):
        name = type(tool).__name__  # a callable object: its class names it
    return name if isinstance(name, str) else None


def _is_async(tool: Any) -> bool:
    target = tool
    while isinstance(target, functools.partial):
        target = target.func
    if inspect.iscoroutinefunction(target) or inspect.iscoroutinefunction(_target(tool)):
        return True
    return inspect.iscoroutinefunction(inspect.unwrap(_target(tool)))


def _fixed_by_partial(tool: Any) -> frozenset[str]:
    """The keywords a `functools.partial` fixed: not the model's to choose."""
    fixed: set[str] = set()
    while isinstance(tool, functools.partial):
        fixed.update(tool.keywords)
        tool = tool.func
    return frozenset(fixed)


def _parameter_hints(tool: Any, parameters: list[inspect.Parameter]) -> dict[str, Any]:
    """Each parameter's annotation, resolved one by one (string annotations too); the return
    annotation is never read."""
    target = inspect.unwrap(_target(tool))
    namespace = getattr(target, "__globals__", None)
    if namespace is None:
        import sys

        namespace = vars(sys.modules.get(getattr(target, "__module__", ""), types))
    hints: dict[str, Any] = {}
    for parameter in parameters:
        annotation = parameter.annotation
        if annotation is parameter.empty:
            hints[parameter.name] = Any
            continue
        holder = types.FunctionType((lambda: None).__code__, namespace)
        holder.__annotations__ = {parameter.name: annotation}
        try:
            hints[parameter.name] = typing.get_type_hints(holder, include_extras=True)[
                parameter.name
            ]
        except (NameError, TypeError, SyntaxError) as error:
            raise TypeError(
                f"function_tool({_described(tool)}): the annotation of parameter "
                f"{parameter.name!r} cannot be resolved ({error}); import the names it uses at "
                "module level"
            ) from None
    return hints


def _schema_without_titles(schema: dict[str, Any]) -> dict[str, Any]:
    schema.pop("title", None)
    for prop in (schema.get("properties") or {}).values():
        if isinstance(prop, dict):
            prop.pop("title", None)
    if not schema.get("required"):
        schema.pop("required", None)
    return schema


def _summary(text: str | None) -> str:
    return (text or "").split("\n\n")[0]


@dataclass(frozen=True)
class BoundTool:
    """A callable ready for the loop: its declared name, its declaration, how to call it."""

    name: str
    function: Any
    """What the loop calls (the user's callable, or the model class to validate into)."""
    declaration: Function
    is_async: bool
    model_class: bool
    _parameters: Any = None
    """The pydantic model of the parameters (None for a model class, which validates itself)."""
    _positional: tuple[str, ...] = ()
    _keywords_rest: bool = False

    def same_as(self, other: BoundTool) -> bool:
        """Whether both wrap one callable (a function given twice is declared once)."""
        return bool(self.function is other.function or self.function == other.function)

    def describe(self) -> str:
        """The callable's qualified name, for messages."""
        return _described(self.function)

    def call(self, arguments: Mapping[str, Any]) -> Any:
        """Validate the model's `arguments` and call the function with them converted
        (`ArgumentError` naming each field when they do not fit the parameters)."""
        from pydantic import ValidationError

        try:
            if self.model_class:
                return self.function.model_validate(dict(arguments))
            args, kwargs = self.arguments(arguments)
        except ValidationError as error:
            raise ArgumentError(_problems(error)) from None
        return self.function(*args, **kwargs)

    def arguments(self, arguments: Mapping[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        """The call's arguments as the annotated types, defaults applied."""
        known = dict(arguments)
        extra: dict[str, Any] = {}
        if self._keywords_rest:
            fields = self._parameters.model_fields
            extra = {key: known.pop(key) for key in list(known) if key not in fields}
        validated = self._parameters.model_validate(known)
        values = {name: getattr(validated, name) for name in type(validated).model_fields}
        args = [values.pop(name) for name in self._positional]
        return args, {**values, **extra}


def attached_tool(tool: Any) -> BoundTool | None:
    """The callable a `Function` made by `function_tool` describes (None for anything else)."""
    if isinstance(tool, type) or not hasattr(tool, "__pydantic_private__"):
        return None
    bound = (getattr(tool, "__pydantic_private__", None) or {}).get(_CALLABLE)
    return bound if isinstance(bound, BoundTool) else None


def bind(tool: Any, *, name: str | None = None) -> BoundTool:
    """`tool` (a typed callable or a pydantic model class) ready for the loop; `TypeError`
    naming the tool when it cannot be."""
    from ..types import Function

    if not callable(tool):
        raise TypeError(f"{tool!r} is not callable, so it cannot be a function tool")
    chosen = name or _own_name(tool)
    if not chosen or not _NAME.fullmatch(chosen):
        raise TypeError(
            f"{_described(tool)} has no usable name ({chosen!r}); give it one with "
            "function_tool(callable, name='...')"
        )
    if _is_model_class(tool):
        declaration = Function(
            name=chosen,
            description=_summary(inspect.getdoc(tool)),
            parameters=_schema_without_titles(tool.model_json_schema()),
        )
        return BoundTool(chosen, tool, declaration, is_async=False, model_class=True)

    from pydantic import ConfigDict, create_model

    try:
        signature = inspect.signature(tool)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{_described(tool)}: its parameters cannot be read ({error})") from None
    fixed = _fixed_by_partial(tool)
    parameters = [
        parameter
        for parameter in signature.parameters.values()
        if parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
        and parameter.name not in fixed
    ]
    hints = _parameter_hints(tool, parameters)
    fields: dict[str, Any] = {
        parameter.name: (
            hints[parameter.name],
            ... if parameter.default is parameter.empty else parameter.default,
        )
        for parameter in parameters
    }
    keywords_rest = any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())
    model = create_model(
        f"{chosen}_parameters",
        __config__=ConfigDict(
            extra="ignore" if keywords_rest else "forbid", arbitrary_types_allowed=True
        ),
        **fields,
    )
    schema = _schema_without_titles(model.model_json_schema())
    schema.pop("additionalProperties", None)  # unknown arguments are refused locally instead
    declaration = Function(
        name=chosen,
        description=_summary(inspect.getdoc(_target(tool)) or inspect.getdoc(tool)),
        parameters=schema,
    )
    positional = tuple(p.name for p in parameters if p.kind is p.POSITIONAL_ONLY)
    return BoundTool(
        chosen,
        tool,
        declaration,
        is_async=_is_async(tool),
        model_class=False,
        _parameters=model,
        _positional=positional,
        _keywords_rest=keywords_rest,
    )


def function_tool(function: Callable[..., Any], *, name: str | None = None) -> Function:
    """A `function` tool declaration for a typed callable (parameters from its parameter
    annotations) or a pydantic model class (parameters from its JSON schema).

    It is a `Function` model, so `create(tools=[function_tool(f)])` type-checks; `.to_dict()`
    gives the JSON that goes on the wire. `name=` declares it under another name (two methods
    called `search`); the declaration remembers the callable, so `run_tools` can be given it.
    """
    bound = bind(function, name=name)
    declaration = bound.declaration.model_copy()
    private = dict(getattr(declaration, "__pydantic_private__", None) or {})
    private[_CALLABLE] = bound
    object.__setattr__(declaration, "__pydantic_private__", private)
    return declaration


class ArgumentError(ValueError):
    """The model's arguments do not fit the tool's parameters; the message names each field."""


def _problems(error: Any) -> str:
    problems = []
    for problem in error.errors(include_url=False, include_context=False, include_input=False):
        where = ".".join(str(part) for part in problem.get("loc", ())) or "arguments"
        problems.append(f"{where}: {problem.get('msg', 'invalid')}")
    return "; ".join(problems)


def error_text(error: BaseException) -> str:
    """What the model is told about a failed call: each invalid argument with what is wrong
    with it, or the exception's type and message (never a traceback)."""
    if isinstance(error, ArgumentError):
        return f"invalid arguments: {error}"
    message = str(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def _is_block(item: Any) -> bool:
    return isinstance(item, Mapping) and item.get("type") in CONTENT_TYPES


def result_value(result: Any) -> str | dict[str, Any] | list[dict[str, Any]]:
    """`result` in a shape `function_result.result` accepts (a string, an object, or typed
    blocks: a raw JSON list is refused, W104)."""
    if isinstance(result, str):
        return result
    from pydantic_core import to_jsonable_python

    value = to_jsonable_python(result, fallback=str)
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return value
    if isinstance(value, list) and value and all(_is_block(item) for item in value):
        return value
    text = json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return [{"type": "text", "text": text}]
    return text
