"""The runtime's internal value classes (`_core/_values.py`): shown and compared by their public
fields, and the one copy a continuation hop makes of a call keeps everything but the body."""

from __future__ import annotations

import copy
import dataclasses

import pytest
from gemini_interactions import RequestOptions, RetryPolicy
from gemini_interactions._core._api_client import Call
from gemini_interactions._core._client_base import PathParameter
from gemini_interactions._core._rules import Condition, Rule
from gemini_interactions._core._values import Value


def test_a_value_is_shown_by_its_public_fields() -> None:
    parameter = PathParameter("id", "v1_abc")
    assert repr(parameter) == "PathParameter(allow_reserved=False, name='id', value='v1_abc')"
    rule = Rule("r", "e", ("W01",), forbid_present=("x",))
    assert "_needs" not in repr(rule) and "forbid_present=('x',)" in repr(rule)


def test_values_are_equal_by_fields_and_class() -> None:
    assert PathParameter("id", "a") == PathParameter("id", "a")
    assert PathParameter("id", "a") != PathParameter("id", "b")
    assert Condition("id") != PathParameter("id", "a")
    with pytest.raises(TypeError):
        hash(PathParameter("id", "a"))  # equal by fields, some of which are mutable


def test_a_copy_keeps_the_derived_fields() -> None:
    rule = Rule("r", "e", ("W01",), when=(Condition("store", equals=False),), forbid={"x": 1})
    same = copy.copy(rule)
    assert same == rule
    assert same.problem({"store": False, "x": 1}) == "`x` must not be 1"
    assert same.problem({"x": 1}) is None  # the gate: `store` unset, the rule cannot fire


def test_changed_changes_only_what_it_is_given() -> None:
    call = Call(
        "POST",
        "/v1beta/interactions",
        query={"alt": "sse"},
        body={"input": "hi"},
        body_schemas=(("CreateModelInteractionParams", ()),),
        response_schema="Interaction",
        generates=True,
        structured=("response_format",),
        absent_grace=2.0,
    )
    hop = call.changed(body={"input": ""}, omit=("input",))
    assert hop.body == {"input": ""} and hop.omit == ("input",)
    assert call.body == {"input": "hi"} and call.omit == ()
    for name in Call.__slots__:
        if name not in ("body", "omit"):
            assert getattr(hop, name) == getattr(call, name), name


def test_a_call_gets_its_own_empty_query_and_headers() -> None:
    first, second = Call("GET", "/a"), Call("GET", "/b")
    assert first.query == {} and first.headers == {} and first.query is not second.query


def test_the_public_option_classes_stay_dataclasses() -> None:
    # users may `dataclasses.replace` them; the internal ones are plain `Value`s
    assert dataclasses.replace(RetryPolicy(), max_retries=5).max_retries == 5
    assert dataclasses.is_dataclass(RequestOptions)
    assert issubclass(Call, Value) and not dataclasses.is_dataclass(Call)
