"""The exact-type fast paths of the hot helpers give the answers of the ABC checks they skip.

`isinstance(value, Mapping)` is a Python call into `ABCMeta.__instancecheck__`; the helpers a
small `create` runs test `type(value) is dict` (or a table of plain types) first. Values of
other types, mappings that are not dicts and subclasses of the plain types must still get the
slow path's answer.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import pytest
from gemini_interactions._core._base import _json_kind
from gemini_interactions._core._request_checks import given_models, without_nulls
from gemini_interactions._core._rules import Rule, violations
from gemini_interactions.lib._continuation import _get
from gemini_interactions.types import TextContent


class _Kind(StrEnum):
    TEXT = "text"


class _Frozen(Mapping[str, Any]):
    """A mapping that is no dict (and no `MappingProxyType`)."""

    def __init__(self, **items: Any) -> None:
        self._items = items

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ({}, "object"),
        (OrderedDict(a=1), "object"),
        (MappingProxyType({"a": 1}), "object"),
        (_Frozen(a=1), "object"),
        (TextContent(text="hi"), "object"),
        ([], "array"),
        ((1,), "array"),
        ("s", "string"),
        (_Kind.TEXT, "string"),
        (True, "boolean"),
        (1, "integer"),
        (1.5, "number"),
        (None, "null"),
        (b"x", "other"),
    ],
)
def test_json_kind_of_plain_types_and_their_kin(value: Any, kind: str) -> None:
    assert _json_kind(value) == kind


def test_request_walks_see_mappings_that_are_not_dicts() -> None:
    model = TextContent(text="hi")
    body = _Frozen(a=None, b=_Frozen(c=model, d=None))
    assert without_nulls(body) == {"b": {"c": model}}
    assert given_models(body) == {id(model)}
    assert given_models({"x": [model], "y": "s"}) == {id(model)}
    plain = {"a": 1, "b": "s"}
    assert without_nulls(plain) is plain  # nothing to drop: the caller's own dict


def test_continuation_reads_dicts_models_mappings_and_objects() -> None:
    class Answer:
        status = "requires_continuation"

    assert _get({"status": "completed"}, "status") == "completed"
    assert _get(_Frozen(status="x"), "status") == "x"
    assert _get(TextContent(text="hi"), "text") == "hi"
    assert _get(TextContent(text="hi"), "missing") is None
    assert _get(Answer(), "status") == "requires_continuation"
    assert _get("text", "status") is None


def test_media_uri_rule_walks_mappings_that_are_not_dicts_and_skips_text() -> None:
    rule = Rule(
        rule="r",
        error="e",
        facts=("W53",),
        forbid_in_blocks=("input", ("image",), "uri", "^gs://"),
    )
    image = _Frozen(type="image", uri="gs://b/a.png")
    assert [p for _, p in violations([rule], {"input": [image]})] == [
        "`input[0].uri` must not be 'gs://b/a.png'"
    ]
    assert [p for _, p in violations([rule], {"input": {"type": "image", "uri": "gs://b"}})] == [
        "`input.uri` must not be 'gs://b'"
    ]
    assert violations([rule], {"input": "gs://b/a.png"}) == []  # text is no block
