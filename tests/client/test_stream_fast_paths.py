"""The stream's fast paths (issue 26) give exactly what the plain paths gave.

- answers and events are parsed by pydantic-core's `from_json` and, where it refuses (nesting
  past its 200 levels, an escaped lone surrogate, UTF-16), by `json.loads`: the two accept the
  same texts and give the same values (a property over generated JSON, and events and answers
  over real HTTP);
- the accumulator appends consecutive text deltas of one step straight to the running text;
  any other event ends that run, so the rebuilt interaction keeps every block where it was
  (a property over interleavings of steps, text, media and restarts).
"""

from __future__ import annotations

import functools
import json
from typing import Any

import gemini_interactions as gi
import pytest
from gemini_interactions._core._tolerant import loads
from gemini_interactions.lib._accumulate import InteractionAccumulator
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.client.conftest import API_KEY
from tests.client.loopback import LoopbackServer, Reply
from tests.json_exact import assert_json_exact

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


def _nested(depth: int) -> Any:
    value: Any = "floor"
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


@settings(max_examples=300, deadline=None)
@given(value=JSON_VALUES, ensure_ascii=st.booleans())
def test_the_fast_parser_gives_what_json_loads_gives(value: Any, ensure_ascii: bool) -> None:
    text = json.dumps(value, ensure_ascii=ensure_ascii)
    assert_json_exact(loads(text), json.loads(text))


@pytest.mark.parametrize(
    "text",
    [
        '{"s": "\\ud800 alone"}',  # an escaped lone surrogate: pydantic-core refuses it
        json.dumps({"deep": _nested(300)}),  # past pydantic-core's 200 levels
        '{"n": 1e400, "m": -0.0, "big": 123456789012345678901234567890}',
        '{"dup": 1, "dup": 2}',
    ],
)
def test_texts_the_fast_parser_refuses_are_parsed_by_json_loads(text: str) -> None:
    assert_json_exact(loads(text), json.loads(text))
    assert_json_exact(loads(text.encode("utf-16")), json.loads(text.encode("utf-16")))


@pytest.mark.parametrize("text", ["{", '{"a": }', "[1,]", '{"a": NaN', ""])
def test_text_that_is_not_json_is_refused_as_before(text: str) -> None:
    with pytest.raises(ValueError):
        json.loads(text)
    with pytest.raises(ValueError):
        loads(text)


def test_events_past_the_fast_parsers_limits_arrive_whole(server: LoopbackServer) -> None:
    """A user's stream whose events carry a lone surrogate escape and 300-level nesting: both
    arrive (kept as unknown fields), and the answer's text is whole."""
    odd = '"\\ud800 alone"'
    deep = json.dumps(_nested(300))
    body = (
        b'data: {"event_type": "interaction.created", "interaction": {"id": "int_1", '
        b'"status": "in_progress"}, "event_id": "e1"}\n\n'
        b'data: {"event_type": "step.start", "index": 0, "step": {"type": "model_output"}, '
        b'"event_id": "e2", "odd": ' + odd.encode() + b"}\n\n"
        b'data: {"event_type": "step.delta", "index": 0, "delta": {"type": "text", '
        b'"text": "Hello"}, "event_id": "e3", "deep": ' + deep.encode() + b"}\n\n"
        b'data: {"event_type": "step.delta", "index": 0, "delta": {"type": "text", '
        b'"text": ", world"}, "event_id": "e4"}\n\n'
        b'data: {"event_type": "step.stop", "index": 0, "event_id": "e5"}\n\n'
        b'data: {"event_type": "interaction.completed", "interaction": {"id": "int_1", '
        b'"status": "completed"}, "event_id": "e6"}\n\n'
    )
    server.handler = lambda request: Reply(raw=body, content_type="text/event-stream")
    with gi.Client(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
        stream = client.interactions.create(model="m", input="hi", stream=True)
        events = list(stream)
        final = stream.final()
    assert len(events) == 6
    assert (events[1].model_extra or {})["odd"] == "\ud800 alone"
    assert json.dumps((events[2].model_extra or {})["deep"]) == deep
    assert final.text() == "Hello, world"


def _answer(body: bytes, request: object) -> Reply:
    return Reply(raw=body)


def test_an_answer_past_the_fast_parsers_limits_arrives_whole(server: LoopbackServer) -> None:
    """A `get` whose answer carries a lone surrogate escape and 250-level nesting, as UTF-8
    and as UTF-16 (which only `json.loads` reads): kept whole, exactly as sent."""
    text = (
        '{"id": "int_1", "status": "completed", "odd": "\\ud800 alone", "deep": '
        + json.dumps(_nested(250))
        + ', "steps": [{"type": "model_output", "content": [{"type": "text", "text": "hi"}]}]}'
    )
    for encoded in (text.encode(), text.encode("utf-16")):
        server.handler = functools.partial(_answer, encoded)
        with gi.Client(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
            interaction = client.interactions.get("int_1")
        assert_json_exact(interaction.to_dict(), json.loads(text))
        assert interaction.text() == "hi"


# The accumulator's text run -------------------------------------------------------------------

_DELTA = st.sampled_from(["text", "text", "text", "image", "thought_signature", "start"])
_EVENTS = st.lists(st.tuples(st.integers(0, 2), _DELTA, st.text(max_size=3)), max_size=40)


def _payload(index: int, kind: str, piece: str) -> dict[str, Any]:
    if kind == "start":
        return {"event_type": "step.start", "index": index, "step": {"type": "model_output"}}
    if kind == "text":
        delta: dict[str, Any] = {"type": "text", "text": piece}
    elif kind == "image":
        delta = {"type": "image", "data": piece, "mime_type": "image/png"}
    else:
        delta = {"type": "thought_signature", "signature": piece}
    return {"event_type": "step.delta", "index": index, "delta": delta}


def _expected_steps(events: list[tuple[int, str, str]]) -> dict[int, dict[str, Any]]:
    """What the events build, written plainly: a text or image delta extends the step's last
    block when it is of the same kind, else opens one; a start replaces the step."""
    steps: dict[int, dict[str, Any]] = {}
    for index, kind, piece in events:
        if kind == "start":
            steps[index] = {"type": "model_output"}
            continue
        step = steps.setdefault(index, {"type": "model_output", "content": []})
        if kind == "thought_signature":
            step["signature"] = step.get("signature", "") + piece
            continue
        content = step.setdefault("content", [])
        key = "text" if kind == "text" else "data"
        if content and content[-1]["type"] == kind:
            content[-1][key] += piece
        else:
            block = {"type": kind, key: piece}
            if kind == "image":
                block["mime_type"] = "image/png"
            content.append(block)
    return steps


@settings(max_examples=400, deadline=None)
@given(events=_EVENTS, read_midway=st.integers(0, 40))
def test_text_runs_end_where_another_event_comes_between(
    events: list[tuple[int, str, str]], read_midway: int
) -> None:
    accumulator = InteractionAccumulator()
    for position, (index, kind, piece) in enumerate(events):
        if position == read_midway:
            accumulator.result()  # reading the interaction midway must not break the run
        accumulator.add(_payload(index, kind, piece))
    steps = accumulator.result().get("steps", [])
    expected = _expected_steps(events)
    assert steps == [expected[index] for index in sorted(expected)]
