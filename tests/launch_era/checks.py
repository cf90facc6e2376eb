"""The seed report's nine findings (S1 to S9), proved in the behaviour of the launch-era client.

Run by tests/test_launch_era.py in a fresh interpreter whose path holds only the launch client,
generated from the 2025-12-20 spec plus overlays/launch/. Each check exercises serialized
requests and parsed responses, and prints `S<n> ok`; any failure raises.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from gemini_interactions import Client, rules, types
from gemini_interactions.conversation import Conversation
from gemini_interactions.testing import FakeGemini
from pydantic import TypeAdapter, ValidationError


def _load_json_exact() -> Any:
    """tests/json_exact.py, loaded by file: this interpreter's path holds only the launch client."""
    location = Path(__file__).resolve().parent.parent / "json_exact.py"
    spec = importlib.util.spec_from_file_location("json_exact", location)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.assert_json_exact


assert_json_exact = _load_json_exact()


def s1_thinking_summaries() -> None:
    config = types.GenerationConfig(thinking_summaries="THINKING_SUMMARIES_AUTO")
    assert_json_exact(config.to_dict(), {"thinking_summaries": "THINKING_SUMMARIES_AUTO"})
    parsed = types.GenerationConfig.model_validate({"thinking_summaries": "auto"})
    assert_json_exact(parsed.to_dict(), {"thinking_summaries": "THINKING_SUMMARIES_AUTO"})


def s2_inheritance() -> None:
    first = {
        "model": "gemini-3-flash-preview",
        "input": "hi",
        "tools": [{"type": "google_search"}],
        "system_instruction": "be brief",
    }
    resend = rules.resend_fields("CreateModelInteractionParams", first)
    assert resend == {"model": "gemini-3-flash-preview", "tools": [{"type": "google_search"}]}
    assert "system_instruction" not in resend, "inherited in January 2026"
    # the conversation helper follows the same marks, and its tool loop reads launch outputs
    sent: list[dict[str, object]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        outputs = (
            [{"type": "function_call", "id": "c1", "name": "add", "arguments": {"a": 2, "b": 3}}]
            if len(sent) == 1
            else [{"type": "text", "text": "5"}]
        )
        return httpx.Response(
            200, json={"id": f"i{len(sent)}", "status": "completed", "outputs": outputs}
        )

    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    client = Client(api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(answer)))
    conversation = Conversation(client, model="gemini-3-flash-preview", system_instruction="brief")
    run = conversation.run_tools([add], "What is 2 + 3?")
    assert run.finished and run.executions[0].result == 5 and run.interaction.text() == "5"
    conversation.send("Thanks.")
    first, results, follow_up = sent
    assert first["system_instruction"] == "brief" and "tools" in first
    assert results["previous_interaction_id"] == "i1" and results["input"] == [
        {"type": "function_result", "call_id": "c1", "name": "add", "result": "5"}
    ]
    assert "tools" not in results, "resending tools with function results failed (S2)"
    assert "system_instruction" not in results and "system_instruction" not in follow_up
    assert "tools" in follow_up, "tools are not inherited (S2)"


def s3_agents_need_background_and_store() -> None:
    body = types.CreateAgentInteractionParams(agent="deep-research-pro-preview-12-2025", input="x")
    try:
        rules.check_request("CreateAgentInteractionParams", body.to_dict())
    except rules.RequestRuleError as error:
        assert "S3" in str(error) and "background" in str(error)
    else:
        raise AssertionError("an agent request without background/store must be refused")
    fixed = body.model_copy(update={"background": True, "store": True})
    fixed.__pydantic_fields_set__.update({"background", "store"})
    rules.check_request("CreateAgentInteractionParams", fixed.to_dict())


def s4_enum_spellings() -> None:
    result = types.CodeExecutionResultContent.model_validate(
        {"type": "code_execution_result", "call_id": "c", "outcome": "OUTCOME_OK", "result": "2"}
    )
    assert result.outcome == "OUTCOME_OK"
    status = types.UrlContextResult.model_validate({"status": "URL_RETRIEVAL_STATUS_SUCCESS"})
    assert status.status == "URL_RETRIEVAL_STATUS_SUCCESS"
    assert_json_exact(
        types.UrlContextResult.model_validate({"status": "success"}).to_dict(),
        {"status": "URL_RETRIEVAL_STATUS_SUCCESS"},
    )
    arguments = types.CodeExecutionCallArguments(language="python", code="print(1)")
    assert_json_exact(arguments.to_dict(), {"language": "PYTHON", "code": "print(1)"})


def s5_nested_arguments() -> None:
    call = types.UrlContextCallContent(id="u1", urls=["https://example.com"])
    assert_json_exact(
        call.to_dict(),
        {
            "type": "url_context_call",
            "id": "u1",
            "arguments": {"urls": ["https://example.com"]},
        },
    )
    search = types.GoogleSearchCallContent.model_validate(
        {"type": "google_search_call", "id": "g", "arguments": {"queries": ["weather"]}}
    )
    assert search.queries == ["weather"]


def s6_flat_speech_config() -> None:
    config = types.GenerationConfig(
        speech_config=types.SpeechConfig(voice="Kore", language="en-US")
    )
    assert_json_exact(config.to_dict(), {"speech_config": {"voice": "Kore", "language": "en-US"}})
    try:
        types.GenerationConfig.model_validate({"speech_config": [{"voice": "Kore"}]})
    except ValidationError:
        pass
    else:
        raise AssertionError("a list speech_config is not the launch-era wire shape")


def s7_byte_offsets() -> None:
    text = "Été 😀 à Paris"
    start = text.encode().index(b"Paris")
    annotation = types.Annotation(start_index=start, end_index=start + 5, source="x")
    assert annotation.span(text) == "Paris"
    assert text[start : start + 5] != "Paris", "character slicing would be wrong here"


def s8_signatures_and_thought_blocks() -> None:
    outputs = TypeAdapter(list[types.Content]).validate_json(
        json.dumps(
            [
                {"type": "thought", "signature": "c2lnbmF0dXJl"},
                {"type": "function_call", "id": "c1", "name": "f", "arguments": {}},
            ]
        )
    )
    thought, call = outputs
    assert isinstance(thought, types.ThoughtContent) and thought.signature == "c2lnbmF0dXJl"
    assert isinstance(call, types.FunctionCallContent)
    assert "signature" not in types.FunctionCallContent.model_fields
    request = {"model": "m", "input": [{"type": "thought", "signature": "c2ln"}]}
    try:
        rules.check_request("CreateModelInteractionParams", request)
    except rules.RequestRuleError as error:
        assert "User turns cannot contain thought blocks." in str(error)
    else:
        raise AssertionError("thought blocks in user input must be refused")
    # the launch target's fake API refuses it as the launch API did, citing the facts
    fake = FakeGemini()
    http = httpx.Client(transport=fake.transport(), base_url="https://fake.test")
    answer = http.post("/v1beta/interactions", json=request, headers={"x-goog-api-key": "k"})
    error = answer.json()["error"]
    assert answer.status_code == 400, answer.text
    assert error["message"].startswith("User turns cannot contain thought blocks."), error
    assert {"S8", "W18"} <= set(error["details"][0]["facts"])


def s9_results_match_calls_by_call_id() -> None:
    outputs = TypeAdapter(list[types.Content]).validate_python(
        [
            {"type": "function_call", "id": "a", "name": "first", "arguments": {}},
            {"type": "function_call", "id": "b", "name": "second", "arguments": {}},
        ]
    )
    results = [
        types.FunctionResultContent(call_id="b", name="second", result="2"),
        types.FunctionResultContent(call_id="a", name="first", result="1"),
    ]
    assert rules.CORRELATIONS["FunctionResultContent.call_id"] == ("function_call", "id")
    pairs = rules.pair_by_id(outputs, results)
    assert [(call.name, result.result) for call, result in pairs] == [
        ("first", "1"),
        ("second", "2"),
    ]


CHECKS: list[tuple[str, Callable[[], None]]] = [
    ("S1", s1_thinking_summaries),
    ("S2", s2_inheritance),
    ("S3", s3_agents_need_background_and_store),
    ("S4", s4_enum_spellings),
    ("S5", s5_nested_arguments),
    ("S6", s6_flat_speech_config),
    ("S7", s7_byte_offsets),
    ("S8", s8_signatures_and_thought_blocks),
    ("S9", s9_results_match_calls_by_call_id),
]

if __name__ == "__main__":
    for fact, check in CHECKS:
        check()
        print(f"{fact} ok")
