"""JSON-exact comparison for round-trip and `to_dict()` assertions.

Python's `==` treats `1`, `1.0` and `True` as equal, so a serializer that turns ints into floats
(or booleans into numbers) passes every `parsed == expected` check. `json_difference` compares
two JSON values the way the wire sees them: the JSON kind of every value (object, array, string,
integer, number, boolean, null), the key set of every object and every item of every array, and
names the path of the first difference. `assert_json_exact` raises an `AssertionError` with it.
"""

from __future__ import annotations

from typing import Any


def _kind(value: Any) -> str:
    # bool is a subclass of int, so it is tested first; each JSON kind gets one name.
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return f"non-JSON {type(value).__name__}"


def _step(path: str, key: object) -> str:
    return f"{path}[{key!r}]" if isinstance(key, str) else f"{path}[{key}]"


def json_difference(actual: Any, expected: Any, path: str = "$") -> str | None:
    """The first difference between two JSON values as `path: what differs`, or None."""
    kind, wanted = _kind(actual), _kind(expected)
    if kind != wanted:
        return f"{path}: {kind} {actual!r} where {wanted} {expected!r} was expected"
    if kind.startswith("non-JSON"):
        return f"{path}: {kind} is not a JSON value"
    if kind == "object":
        missing = sorted(str(key) for key in expected.keys() - actual.keys())
        extra = sorted(str(key) for key in actual.keys() - expected.keys())
        if missing or extra:
            return f"{path}: keys missing {missing}, keys not expected {extra}"
        for key in expected:
            if not isinstance(key, str):
                return f"{path}: key {key!r} is not a string"
            found = json_difference(actual[key], expected[key], _step(path, key))
            if found:
                return found
        return None
    if kind == "array":
        if len(actual) != len(expected):
            return f"{path}: {len(actual)} items where {len(expected)} were expected"
        for index, (left, right) in enumerate(zip(actual, expected, strict=True)):
            found = json_difference(left, right, _step(path, index))
            if found:
                return found
        return None
    if kind == "float" and actual != actual and expected != expected:
        return None  # NaN on both sides (not JSON, but a parser may hand it over)
    if actual != expected:
        return f"{path}: {actual!r} where {expected!r} was expected"
    return None


def assert_json_exact(actual: Any, expected: Any, label: str = "") -> None:
    """Fail naming the path of the first difference in JSON kind, key set or value."""
    found = json_difference(actual, expected)
    if found:
        raise AssertionError(f"{label}: {found}" if label else found)
