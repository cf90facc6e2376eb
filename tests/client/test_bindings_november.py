"""Fields of the November bindings (overlay 56-bindings-november, W108) and `tool_config`
(W101), sent and parsed over real HTTP on 127.0.0.1 and through the fake API."""

from __future__ import annotations

from typing import Any

from gemini_interactions import Client, types
from gemini_interactions.testing import FakeGemini

from tests.client.loopback import LoopbackServer, Reply

MODEL = "gemini-3.7-flash"


def test_environment_create_sends_mode_system_instruction_and_custom_config(
    client: Client, server: LoopbackServer
) -> None:
    answer = {
        "id": "env_1",
        "mode": "self_hosted",
        "custom_config": {"pool": "gpu", "replicas": 2},
        "environment_key": "ek_secret",
    }
    server.handler = lambda request: Reply(body=answer)
    created = client.environments.create(
        mode="self_hosted",
        system_instruction="Answer in French.",
        custom_config={"pool": "gpu", "replicas": 2},
    )
    assert server.requests[0].json() == {
        "mode": "self_hosted",
        "system_instruction": "Answer in French.",
        "custom_config": {"pool": "gpu", "replicas": 2},
    }
    assert isinstance(created, types.Environment) and created.validation_problems == ()
    assert created.environment_key == "ek_secret" and created.mode == "self_hosted"
    assert created.custom_config == {"pool": "gpu", "replicas": 2}


RESULT_ITEMS: list[dict[str, Any]] = [
    {"type": "text", "text": "The chart:"},
    {"type": "audio", "data": "AAAA", "mime_type": "audio/wav"},
    {"type": "document", "uri": "https://example.com/r.pdf", "mime_type": "application/pdf"},
    {"type": "video", "uri": "https://example.com/v.mp4", "mime_type": "video/mp4"},
    {"type": "function", "name": "follow_up", "parameters": {"type": "object"}},
]


def test_function_result_items_parse_typed_and_are_sent_unchanged() -> None:
    body = {
        "id": "int_1",
        "status": "completed",
        "steps": [
            {"type": "function_result", "call_id": "c1", "name": "f", "result": RESULT_ITEMS}
        ],
        "usage": {"total_input_tokens": 9, "initial_input_tokens": 4},
    }
    fake = FakeGemini().mutate(lambda _: body)
    client = fake.client()
    interaction = client.interactions.create(model=MODEL, input="go")
    assert interaction.validation_problems == () and interaction.to_dict() == body
    (step,) = interaction.steps or []
    assert isinstance(step, types.FunctionResultStep) and isinstance(step.result, list)
    assert [type(item).__name__ for item in step.result] == [
        "TextContent",
        "AudioContent",
        "DocumentContent",
        "VideoContent",
        "Function",
    ]
    assert interaction.usage is not None and interaction.usage.initial_input_tokens == 4
    result: Any = {"type": "function_result", "call_id": "c1", "name": "f", "result": RESULT_ITEMS}
    client.interactions.create(model=MODEL, input=[result])
    assert fake.requests[-1].body["input"] == [result]


def test_tool_config_is_sent_without_extra_body() -> None:
    # W101: the API asked for it when google_search was mixed with function tools
    fake = FakeGemini()
    fake.client().interactions.create(
        model=MODEL,
        input="Search, then call f.",
        tools=[{"type": "google_search"}, {"type": "function", "name": "f"}],
        tool_config={"include_server_side_tool_invocations": True},
    )
    assert fake.requests[-1].body["tool_config"] == {"include_server_side_tool_invocations": True}
    config = types.ModelInteractionToolConfig(include_server_side_tool_invocations=True)
    assert config.to_dict() == {"include_server_side_tool_invocations": True}


def test_prompted_voice_and_smart_transcription_fields_are_typed() -> None:
    voice = types.PromptedVoice(input="A calm narrator.", base_voice="voice_abc")
    assert voice.to_dict() == {"input": "A calm narrator.", "base_voice": "voice_abc"}
    mode = types.SmartTranscriptionMode.model_validate({"source_text": "Draft text."})
    assert mode.source_text == "Draft text." and mode.to_dict() == {"source_text": "Draft text."}
