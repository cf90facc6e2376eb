"""Request bodies are written by pydantic-core's serializer (issue 26): the same JSON values as
`json.dumps` gives, for generated values and for a user's request over real HTTP."""

from __future__ import annotations

import json
import math
from typing import Any

import gemini_interactions as gi
from gemini_interactions._core._client_base import _encode_json
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.client.conftest import API_KEY
from tests.client.loopback import LoopbackServer, RecordedRequest, Reply
from tests.json_exact import assert_json_exact

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(value=JSON_VALUES)
def test_a_body_reads_back_as_the_values_json_dumps_writes(value: Any) -> None:
    written = _encode_json(value)
    assert_json_exact(json.loads(written), json.loads(json.dumps(value)))


def test_nan_and_infinities_are_written_as_json_writes_them() -> None:
    value = {"a": math.nan, "b": math.inf, "c": -math.inf}
    assert _encode_json(value) == json.dumps(value, separators=(",", ":")).encode()


def test_a_users_request_arrives_with_its_values(server: LoopbackServer) -> None:
    seen: list[RecordedRequest] = []

    def handler(request: RecordedRequest) -> Reply:
        seen.append(request)
        return Reply(body={"id": "int_1", "status": "completed", "steps": []})

    server.handler = handler
    extra = {"labels": {"team": "é漢😀"}}
    with gi.Client(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
        client.interactions.create(
            model="m",
            input='Say "hi"\n',
            generation_config={"temperature": 1e-7, "max_output_tokens": 10**3},
            extra_body=extra,
        )
    assert_json_exact(
        seen[0].json(),
        {
            "model": "m",
            "input": 'Say "hi"\n',
            "generation_config": {"temperature": 1e-7, "max_output_tokens": 1000},
            "labels": {"team": "é漢😀"},
        },
    )
    assert seen[0].headers["content-type"] == "application/json"
