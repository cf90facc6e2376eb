"""Checking what a caller asks for before it is sent: errors that name the parameter.

- `explain(error, schema)`: a pydantic `ValidationError` of a request as a
  `RequestValidationError` whose message names each parameter path (`generation_config.
  temperature`) and what was expected, instead of pydantic's model-internal text.
- `unknown_fields(value, given)`: keys the caller wrote into a request object that no field of
  its model has (`{"temprature": 0.2}`), with the closest known name. Objects the caller passed
  as models are not searched: a model the caller built refuses unknown keys itself, and a model
  parsed from a response may carry fields the server sent, which go back out unchanged. A field
  this client does not know yet can still be sent on purpose: `Model(...).with_extra(name=value)`
  or the call's `extra_body`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ._errors import RequestValidationError

__all__ = [
    "closest",
    "explain",
    "given_models",
    "not_a_field",
    "path_text",
    "unknown_fields",
    "wire_names",
]


def path_text(location: Iterable[Any]) -> str:
    """`('tools', 0, 'name')` as `tools[0].name`."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _input_path(location: Iterable[Any], root: Any) -> str:
    """The parameter path of an error location, without the union-member labels pydantic adds
    (`temperature.float` is `temperature`): only parts that exist in the input are kept, and
    the last part (a missing field's name)."""
    parts = list(location)
    kept: list[Any] = []
    current = root
    for position, part in enumerate(parts):
        last = position == len(parts) - 1
        in_mapping = isinstance(current, Mapping) and part in current
        in_list = isinstance(current, list | tuple) and isinstance(part, int)
        if in_mapping or (in_list and part < len(current)):
            kept.append(part)
            current = current[part]
        elif (
            hasattr(current, "__pydantic_fields__")
            and isinstance(part, str)
            and hasattr(current, part)
        ):
            kept.append(part)
            current = getattr(current, part)
        elif last and isinstance(current, Mapping) and isinstance(part, str):
            kept.append(part)  # the missing field itself
        # otherwise a union-member label: skipped
    return path_text(kept)


def explain(error: Any, schema: str, root: Any = None) -> RequestValidationError:
    """A request's validation error, naming every parameter path and what it expected."""
    by_path: dict[str, list[str]] = {}
    for detail in error.errors(include_url=False):
        location = (
            _input_path(detail["loc"], root) if root is not None else path_text(detail["loc"])
        )
        if detail["type"] == "missing":
            what = "is required"
        elif callable(detail["input"]) and not isinstance(detail["input"], type | dict):
            name = getattr(detail["input"], "__name__", "the function")
            what = (
                f"a plain function is not a tool declaration (got {_shown(detail['input'])}); "
                f"pass function_tool({name}), or give {name} to Conversation(tools=[...]) or "
                f"run_tools([...]), which declare it and run its calls"
            )
        else:
            what = f"{detail['msg'][0].lower()}{detail['msg'][1:]} (got {_shown(detail['input'])})"
        messages = by_path.setdefault(location, [])
        if what not in messages:
            messages.append(what)
    problems = tuple(
        f"`{location}`: {' or '.join(messages)}" if location else " or ".join(messages)
        for location, messages in by_path.items()
    )
    first = next(iter(by_path), "")
    return RequestValidationError(
        f"invalid request ({schema}): " + "; ".join(problems), path=first, problems=problems
    )


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name a typo most likely meant."""
    import difflib  # only when there is a typo to explain

    matches = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return matches[0] if matches else None


def wire_names(model_type: type[Any]) -> list[str]:
    fields = getattr(model_type, "model_fields", {})
    return [field.alias or name for name, field in fields.items() if not field.exclude]


def given_models(value: Any, found: set[int] | None = None) -> set[int]:
    """The ids of the model objects a caller passed (they are not searched for unknown keys)."""
    found = set() if found is None else found
    if hasattr(value, "__pydantic_fields__"):
        found.add(id(value))
    elif isinstance(value, Mapping):
        for item in value.values():
            given_models(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            given_models(item, found)
    return found


def not_a_field(model_type: type[Any], key: str, where: str) -> str:
    """The problem text for a key no field of `model_type` has, with the closest known name."""
    suggestion = closest(key, wire_names(model_type))
    hint = f" (did you mean `{suggestion}`?)" if suggestion else ""
    return f"`{where}` is not a field of {model_type.__name__}{hint}"


def unknown_fields(value: Any, given: set[int], path: str = "") -> list[tuple[str, str]]:
    """(path, problem) for every key the caller wrote that its model does not have."""
    problems: list[tuple[str, str]] = []
    if hasattr(value, "__pydantic_fields__"):
        if id(value) in given or getattr(type(value), "_open_variant", False):
            return problems
        for key in value.__pydantic_extra__ or {}:
            where = f"{path}.{key}" if path else key
            problems.append((where, not_a_field(type(value), key, where)))
        for name in value.model_fields_set:
            field = type(value).model_fields.get(name)
            if field is None:
                continue
            inner = f"{path}.{field.alias or name}" if path else (field.alias or name)
            problems.extend(unknown_fields(getattr(value, name), given, inner))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            problems.extend(unknown_fields(item, given, f"{path}[{index}]"))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            problems.extend(unknown_fields(item, given, f"{path}.{key}" if path else str(key)))
    return problems
