"""Union members built on first use (`codegen.yaml`'s `eager_union_members`).

A deferred member must parse, refuse, serialize and describe itself exactly like a member built
with its union; only when its validator is built differs. Tests that need a fresh interpreter
(what a first call builds, a first value met by several threads at once) run one.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, get_args

import gemini_interactions as gi
import httpx
import pytest
from gemini_interactions import types
from gemini_interactions._core._base import ApiModel, JsonUnion
from pydantic import TypeAdapter, ValidationError

from tests.generated.test_wire_mutations import UNIONS
from tests.json_exact import assert_json_exact

GENERATED = Path(__file__).resolve().parents[2] / "generated"

GROUNDED = {
    "id": "v1_grounded",
    "status": "completed",
    "tools": [{"type": "google_search", "search_types": ["web_search"]}],
    "steps": [
        {"type": "user_input", "content": [{"type": "text", "text": "Who won?"}]},
        {
            "type": "google_search_call",
            "id": "call-1",
            "arguments": {"queries": ["who won"]},
            "signature": "c2ln",
        },
        {
            "type": "model_output",
            "content": [
                {
                    "type": "text",
                    "text": "They did.",
                    "annotations": [
                        {"type": "url_citation", "url": "https://example.com", "start_index": 0}
                    ],
                }
            ],
        },
    ],
}


def _deferred(union: Any) -> JsonUnion:
    return next(item for item in get_args(union)[1:] if isinstance(item, JsonUnion))


def _answering(body: dict[str, Any]) -> gi.Client:
    content = json.dumps(body).encode()
    return gi.Client(
        api_key="test-key",
        http_client=httpx.Client(
            transport=httpx.MockTransport(
                lambda request: httpx.Response(
                    200, headers={"content-type": "application/json"}, content=content
                )
            )
        ),
    )


def _fresh(code: str) -> str:
    """Run `code` in a new interpreter with the generated package importable; its stdout."""
    process = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={"PYTHONPATH": str(GENERATED), "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    return process.stdout


def test_the_committed_package_defers_the_members_the_target_does_not_name() -> None:
    step = _deferred(types.Step)
    assert "google_search_call" in step.deferred and "(unknown)" in step.deferred
    assert "model_output" not in step.deferred and "function_call" not in step.deferred
    assert "text" not in _deferred(types.Content).deferred
    # no member of a union of the stream's events or of text deltas waits for its first value
    assert (
        not {"step.delta", "step.start", "interaction.completed"}
        & _deferred(types.InteractionSseStreamEvent).deferred
    )
    assert "text" not in _deferred(types.StepDeltaData).deferred


def test_a_first_text_create_builds_none_of_the_deferred_members() -> None:
    out = _fresh(
        """
        import json, httpx
        import gemini_interactions as gi
        from gemini_interactions._models import interactions as m
        body = json.dumps({"id": "v1_a", "status": "completed", "steps": [
            {"type": "model_output", "content": [{"type": "text", "text": "hi"}]}]}).encode()
        client = gi.Client(api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(
            lambda r: httpx.Response(200, headers={"content-type": "application/json"},
                                     content=body))))
        client.interactions.create(model="m", input="hi")
        models = [v for v in vars(m).values() if hasattr(v, "__pydantic_complete__")]
        print(json.dumps({v.__name__: v.__pydantic_complete__ for v in models}))
        """
    )
    complete = json.loads(out)
    assert complete["Interaction"] and complete["TextContent"] and complete["ModelOutputStep"]
    for deferred in ("GoogleSearchCallStep", "McpServer", "DeepResearchAgentConfig", "UrlCitation"):
        assert complete[deferred] is False, deferred
    built = sum(complete.values())
    assert built < len(complete) / 2, f"{built} of {len(complete)} models built by a first call"


def test_a_deferred_member_parses_and_round_trips_like_an_eager_one() -> None:
    result = _answering(GROUNDED).interactions.create(model="m", input="Who won?")
    assert result.steps is not None and result.tools is not None
    call = result.steps[1]
    assert isinstance(call, types.GoogleSearchCallStep)
    assert call.queries == ["who won"], "its flattening validator ran"
    assert isinstance(result.tools[0], types.GoogleSearch)
    output = result.steps[2]
    assert isinstance(output, types.ModelOutputStep) and output.content is not None
    text = output.content[0]
    assert isinstance(text, types.TextContent) and text.annotations is not None
    assert isinstance(text.annotations[0], types.UrlCitation)
    assert_json_exact(result.to_dict(), GROUNDED)
    assert json.loads(result.to_json()) == GROUNDED
    # the same object as a member built on its own (pydantic's own validator for it)
    alone = types.GoogleSearchCallStep.model_validate(GROUNDED["steps"][1])
    assert call.model_dump(by_alias=True, exclude_unset=True) == alone.model_dump(
        by_alias=True, exclude_unset=True
    )


def test_a_deferred_member_given_in_python_is_kept_and_sent() -> None:
    sent: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json={"id": "v1_b", "status": "completed", "steps": []})

    client = gi.Client(
        api_key="test-key", http_client=httpx.Client(transport=httpx.MockTransport(answer))
    )
    client.interactions.create(
        model="m",
        input="hi",
        tools=[types.GoogleSearch(search_types=["web_search"]), {"type": "url_context"}],
    )
    assert sent[0]["tools"] == [
        {"type": "google_search", "search_types": ["web_search"]},
        {"type": "url_context"},
    ]


def test_errors_inside_a_deferred_member_keep_their_location() -> None:
    bad = {"type": "google_search_call", "id": 5, "arguments": {"queries": "not a list"}}
    with pytest.raises(ValidationError) as raised:
        TypeAdapter(types.Step).validate_python(bad)
    with pytest.raises(ValidationError) as alone:
        types.GoogleSearchCallStep.model_validate(bad)
    locations = [error["loc"] for error in raised.value.errors()]
    assert locations == [("google_search_call", *error["loc"]) for error in alone.value.errors()]
    assert ("google_search_call", "arguments", "queries") in locations

    client = _answering({"id": "v1_c", "status": "completed", "steps": []})
    with pytest.raises(gi.RequestValidationError) as refused:
        client.interactions.create(
            model="m", input="hi", tools=[{"type": "google_search", "search_types": "web"}]
        )
    assert refused.value.path == "tools[0].search_types", str(refused.value)


def test_a_broken_deferred_member_from_the_server_is_kept_whole() -> None:
    body = json.loads(json.dumps(GROUNDED))
    body["steps"][1]["id"] = 7  # the server breaks the schema inside a deferred member
    result = _answering(body).interactions.create(model="m", input="Who won?")
    assert_json_exact(result.to_dict(), body)


def test_json_schemas_describe_the_deferred_members() -> None:
    # a deferred member's schema is its model's own, written in place (not behind a $ref)
    schema = TypeAdapter(types.Step).json_schema()
    (call,) = [item for item in schema["oneOf"] if item.get("title") == "GoogleSearchCallStep"]
    assert call["properties"]["id"] == {"title": "Id", "type": "string"}
    assert call["required"] == ["id"]
    assert "UrlCitation" in json.dumps(types.Interaction.model_json_schema())


@pytest.mark.parametrize(("name", "union"), UNIONS, ids=[name for name, _ in UNIONS])
def test_every_deferred_member_is_a_model_the_union_names(name: str, union: Any) -> None:
    ours = _deferred(union)
    tags = {tag for tag, _ in ours.members}
    assert ours.deferred <= tags, name
    for tag, member in ours.members:
        if tag in ours.deferred:
            assert isinstance(member, type) and issubclass(member, ApiModel), (name, tag)


def test_threads_meeting_a_first_deferred_value_at_once_all_parse_it() -> None:
    out = _fresh(
        """
        import threading
        from gemini_interactions import types
        from pydantic import TypeAdapter
        adapter = TypeAdapter(types.Step)
        value = {"type": "mcp_server_tool_call", "id": "c", "name": "n", "server_name": "s",
                 "arguments": {"a": 1}}
        results, start = [], threading.Barrier(8)
        def parse():
            start.wait()
            results.append(type(adapter.validate_python(value)).__name__)
        threads = [threading.Thread(target=parse) for _ in range(8)]
        for thread in threads: thread.start()
        for thread in threads: thread.join()
        print(sorted(set(results)), len(results))
        """
    )
    assert out.strip() == "['McpServerToolCallStep'] 8"
