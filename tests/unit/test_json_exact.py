"""The JSON-exact comparison tells apart what Python's `==` does not."""

from __future__ import annotations

import pytest

from tests.json_exact import assert_json_exact, json_difference


@pytest.mark.parametrize(
    ("actual", "expected", "where"),
    [
        (1.0, 1, "$: float 1.0 where integer 1 was expected"),
        (True, 1, "$: boolean True where integer 1 was expected"),
        (0, False, "$: integer 0 where boolean False was expected"),
        ({"a": {"b": [1, 2.0]}}, {"a": {"b": [1, 2]}}, "$['a']['b'][1]: float"),
        ({"a": 1}, {"a": 1, "b": None}, "$: keys missing ['b'], keys not expected []"),
        ({"a": 1, "c": 2}, {"a": 1}, "keys not expected ['c']"),
        ([1, 2], [1], "$: 2 items where 1 were expected"),
        ({"x": "1"}, {"x": 1}, "$['x']: string '1' where integer 1 was expected"),
        ({"x": None}, {"x": {}}, "$['x']: null None where object {} was expected"),
        ([{"t": "a"}], [{"t": "b"}], "$[0]['t']: 'a' where 'b' was expected"),
    ],
)
def test_differences_python_equality_hides_are_found_with_their_path(
    actual: object, expected: object, where: str
) -> None:
    found = json_difference(actual, expected)
    assert found is not None and where in found
    with pytest.raises(AssertionError, match="case"):
        assert_json_exact(actual, expected, "case")


def test_equal_json_passes_including_nested_kinds_and_big_numbers() -> None:
    value = {"n": 9007199254740993, "f": 0.5, "b": False, "z": None, "l": [{"s": "é"}]}
    assert json_difference(value, {**value}) is None
    assert_json_exact([1, 2.5, True, None], [1, 2.5, True, None])


def test_values_that_are_not_json_are_reported() -> None:
    assert json_difference({1, 2}, {1, 2}) == "$: non-JSON set is not a JSON value"
