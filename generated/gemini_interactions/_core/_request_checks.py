# Copied from runtime/_core/_request_checks.py by interactions-codegen; edit it there.
"""Checking what a caller asks for before it is sent: errors that name the parameter.

- `untagged_objects(value, given)`: objects the caller wrote where only tagged kinds fit (a
  step, a content block) but that carry no `type` at all: legacy `{role, content}` turns
  (W103), a raw JSON list as a function result (W104). No kind of the current schema has that
  shape, so they are refused as malformed rather than sent as an unknown kind.
- `explain(error, schema)`: a pydantic `ValidationError` of a request as a
  `RequestValidationError` whose message names each parameter path (`generation_config.
  temperature`) and what was expected, instead of pydantic's model-internal text.
- `unknown_fields(value, given)`: keys the caller wrote into a request object that no field of
  its model has and that look like a typo of one it has (`{"temprature": 0.2}`: within a small
  edit distance, or a known name in camelCase), with the name it most likely meant. Any other
  unknown key is forwarded, as Google's SDK does since GH-3162 (W107): the API's own answer
  (a 400 naming the key, or a new feature working) surfaces. Objects the caller passed as models
  are not searched: a model the caller built checks its keys itself, and a model parsed from a
  response may carry fields the server sent, which go back out unchanged. A key that looks like
  a typo can still be sent on purpose: `Model(...).with_extra(name=value)` or `extra_body`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ._errors import RequestValidationError

__all__ = [
    "closest",
    "explain",
    "given_models",
    "likely_typo",
    "not_a_field",
    "path_text",
    "request_problems",
    "unknown_fields",
    "untagged_objects",
    "wire_names",
    "without_nulls",
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
        elif detail["type"] == "union_tag_not_found":
            what = _kinds_that_do_not_fit(detail["input"], location)
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


def _is_result_item(where: str) -> bool:
    """Whether `where` is an item of a function result list (`input[0].result[1]`)."""
    return where.startswith("result[") or ".result[" in where


_TYPED_RESULT = (
    'a list result holds typed blocks such as {"type": "text", "text": ...}; send '
    "other JSON as an object or as a string (json.dumps)"
)


def _kinds_that_do_not_fit(value: Any, where: str) -> str:
    """Why no member of a union takes `value`: a list mixing kinds, a list's item alone, or a
    value of a JSON kind the union does not hold."""
    if _is_result_item(where):
        return f"an untyped item of a function result list (got {_shown(value)}, W104): " + (
            _TYPED_RESULT
        )
    if not isinstance(value, Mapping | list | tuple) and not hasattr(value, "__pydantic_fields__"):
        return f"{_shown(value)} is none of the kinds this field takes"

    def kind(item: Any) -> str:
        tag = item.get("type") if isinstance(item, Mapping) else getattr(item, "type", None)
        return f"`{tag}`" if isinstance(tag, str) else "untyped"

    if isinstance(value, list | tuple):
        kinds = ", ".join(f"[{index}] {kind(item)}" for index, item in enumerate(value))
        return (
            f"the items are of kinds no one list holds ({kinds}): every item is checked against "
            f"its own type, so steps and content blocks cannot share a list"
        )
    return f"a {kind(value)} object is accepted here only as an item of a list; wrap it in a list"


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name a typo most likely meant."""
    import difflib  # only when there is a typo to explain

    matches = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _edits(a: str, b: str) -> int:
    """The optimal-string-alignment distance: insertions, deletions, substitutions, swaps."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                best = min(best, previous2[j - 2] + 1)
            current.append(best)
        previous2, previous = previous, current
    return previous[-1]


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def likely_typo(name: str, known: Iterable[str]) -> str | None:
    """The known name `name` most likely misspells, or None when it looks like a new field.

    A key within a small edit distance of a known one (one edit for names of up to four
    characters, two for longer ones), or that is a known name in camelCase or another case, is
    a typo; any other unknown key is forwarded, as Google's SDK does since its GH-3162 fix
    (W107), so the API's own answer surfaces.
    """
    limit = 1 if len(name) <= 4 else 2
    best: tuple[int, str] | None = None
    for candidate in sorted(known):
        if candidate == name:
            continue
        if _snake(name) == candidate or name.lower() == candidate.lower():
            return candidate
        distance = _edits(name, candidate)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, candidate)
    return best[1] if best else None


def wire_names(model_type: type[Any]) -> list[str]:
    fields = getattr(model_type, "model_fields", {})
    return [field.alias or name for name, field in fields.items() if not field.exclude]


def given_models(value: Any, found: set[int] | None = None) -> set[int]:
    """The ids of the model objects a caller passed (they are not searched for unknown keys)."""
    found = set() if found is None else found
    if type(value) in _SCALARS:
        return found
    if hasattr(value, "__pydantic_fields__"):
        found.add(id(value))
    elif type(value) is dict or isinstance(value, Mapping):  # dict: no ABC check
        for item in value.values():
            given_models(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            given_models(item, found)
    return found


def without_nulls(value: Any) -> Any:
    """`value` with every `None` entry of its plain dicts left out, at any depth.

    A request dict's `None` means "not given": `model_dump()` writes one for every field the
    server left out, and a history replayed from it must go back as it came (W107). Models are
    kept as they are (they write only the fields that were set).
    """
    if type(value) in _SCALARS:
        return value
    if type(value) is dict or (  # dict: no ABC check
        isinstance(value, Mapping) and not hasattr(value, "__pydantic_fields__")
    ):
        for item in value.values():
            if item is None or type(item) not in _SCALARS:
                break
        else:
            return value  # no null and nothing nested (a plain call's body): nothing to rebuild
        kept = {key: without_nulls(item) for key, item in value.items() if item is not None}
        unchanged = len(kept) == len(value) and all(kept[key] is value[key] for key in kept)
        return value if unchanged else kept  # the caller's own dict when nothing was left out
    if isinstance(value, list | tuple):
        items = [without_nulls(item) for item in value]
        return value if all(new is old for new, old in zip(items, value, strict=True)) else items
    return value


def not_a_field(model_type: type[Any], key: str, where: str) -> str | None:
    """The problem text for a key no field of `model_type` has that looks like a typo of one
    (naming the field it most likely meant), or None for a key to forward (`likely_typo`)."""
    suggestion = likely_typo(key, wire_names(model_type))
    if suggestion is None:
        return None
    return f"`{where}` is not a field of {model_type.__name__} (did you mean `{suggestion}`?)"


def unknown_fields(value: Any, given: set[int], path: str = "") -> list[tuple[str, str]]:
    """(path, problem) for every key the caller wrote that its model does not have and that
    looks like a typo of one it has; other unknown keys are forwarded (W107)."""
    return request_problems(value, given, path)[1]


def _untagged_problem(value: Any, where: str) -> str:
    keys = sorted((value.__pydantic_extra__ or {}).keys())
    if "role" in keys and "content" in keys:
        return (
            f"`{where}` is a legacy {{role, content}} turn, which the current API answers 200 "
            f'and ignores (W103); write it as a step: {{"type": "user_input", '
            f'"content": [{{"type": "text", "text": ...}}]}} (model turns as '
            f'"model_output"), or pass a plain string as `input`'
        )
    if _is_result_item(where):
        return (
            f"`{where}` is an untyped item of a function result list, which the API refuses "
            f"(\"The 'type' parameter is required\", W104): " + _TYPED_RESULT
        )
    shown = ", ".join(f"`{key}`" for key in keys[:5]) or "no keys"
    return f"`{where}` has no `type`, but only typed kinds fit here (got an object with {shown})"


def untagged_objects(value: Any, given: set[int], path: str = "") -> list[tuple[str, str]]:
    """(path, problem) for each object without a `type` that the caller wrote where only
    tagged kinds fit (see the module docstring); models the caller passed are not searched."""
    return request_problems(value, given, path)[0]


_Problems = list[tuple[str, str]]


def request_problems(value: Any, given: set[int], path: str = "") -> tuple[_Problems, _Problems]:
    """`untagged_objects` and `unknown_fields` of a validated request, in one walk."""
    untagged: _Problems = []
    unknown: _Problems = []
    _walk(value, given, path, untagged, unknown)
    return untagged, unknown


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _walk(value: Any, given: set[int], path: str, untagged: _Problems, unknown: _Problems) -> None:
    kind = type(value)
    if kind in _SCALARS:
        return
    fields = getattr(kind, "__pydantic_fields__", None)
    if fields is not None:
        if id(value) in given:
            return  # a model the caller passed: built and checked already, or parsed data
        if getattr(kind, "_open_variant", False):
            if getattr(value, "type", None) is None and getattr(value, "event_type", None) is None:
                untagged.append((path, _untagged_problem(value, path or "the value")))
            return
        for key in value.__pydantic_extra__ or ():
            where = f"{path}.{key}" if path else key
            problem = not_a_field(kind, key, where)
            if problem is not None:
                unknown.append((where, problem))
        for name in value.__pydantic_fields_set__:
            field = fields.get(name)
            if field is None or field.exclude:
                continue
            child = getattr(value, name)
            if type(child) in _SCALARS:
                continue  # (most fields: no path to build)
            inner = f"{path}.{field.alias or name}" if path else (field.alias or name)
            _walk(child, given, inner, untagged, unknown)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _walk(item, given, f"{path}[{index}]", untagged, unknown)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _walk(item, given, f"{path}.{key}" if path else str(key), untagged, unknown)
