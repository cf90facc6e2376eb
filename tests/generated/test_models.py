"""Behaviour of the generated models: open unions and enums, flattening, offsets, int64, base64."""

from __future__ import annotations

import base64
import json
from typing import Any

import gemini_interactions as gi
import pytest
from gemini_interactions import types
from pydantic import TypeAdapter, ValidationError

from tests.json_exact import assert_json_exact

STEP = TypeAdapter(types.Step)
DELTA = TypeAdapter(types.StepDeltaData)
EVENT = TypeAdapter(types.InteractionSseStreamEvent)
CONTENT = TypeAdapter(types.Content)
ANNOTATION = TypeAdapter(types.Annotation)
INPUT = TypeAdapter(types.InteractionsInput)


def dump(adapter: TypeAdapter[Any], value: Any) -> Any:
    return json.loads(adapter.dump_json(value, by_alias=True, exclude_unset=True))


@pytest.mark.parametrize(
    ("adapter", "payload", "unknown_type"),
    [
        (STEP, {"type": "hologram_call", "id": "h1", "depth": [1, {"x": "y"}]}, types.UnknownStep),
        (DELTA, {"type": "smell_delta", "ppm": 3}, types.UnknownStepDeltaData),
        (CONTENT, {"type": "scent", "data": "AAAA"}, types.UnknownContent),
        (ANNOTATION, {"type": "dream_citation", "start_index": 0}, types.UnknownAnnotation),
        (EVENT, {"event_type": "step.rewind", "index": 2}, types.UnknownInteractionSseStreamEvent),
    ],
)
def test_unknown_variants_parse_are_inspectable_and_round_trip(
    adapter: TypeAdapter[Any], payload: dict[str, Any], unknown_type: type
) -> None:
    value = adapter.validate_python(payload)
    assert isinstance(value, unknown_type) and isinstance(value, gi.UnknownVariant)
    tag = "event_type" if "event_type" in payload else "type"
    assert getattr(value, tag) == payload[tag]
    assert value.raw == payload
    assert dump(adapter, value) == payload


def test_known_variants_are_typed() -> None:
    step = STEP.validate_python(
        {"type": "model_output", "content": [{"type": "text", "text": "hi"}]}
    )
    assert isinstance(step, types.ModelOutputStep)
    assert isinstance(step.content[0], types.TextContent) if step.content else False


def test_unknown_enum_values_are_kept_and_legacy_spellings_normalized() -> None:
    args = types.CodeExecutionCallArguments.model_validate({"language": "PYTHON", "code": "1"})
    assert args.language == "python"
    assert_json_exact(args.to_dict(), {"language": "python", "code": "1"})
    future = types.CodeExecutionCallArguments.model_validate({"language": "rust"})
    assert_json_exact(future.to_dict(), {"language": "rust"})
    config = types.GenerationConfig.model_validate(
        {"thinking_summaries": "THINKING_SUMMARIES_AUTO"}
    )
    assert config.thinking_summaries == "auto"
    status = types.UrlContextResult.model_validate({"status": "URL_RETRIEVAL_STATUS_SUCCESS"})
    assert status.status == "success"
    interaction = types.Interaction.model_validate({"id": "i", "status": "hibernating"})
    assert interaction.status == "hibernating"


def test_unknown_fields_are_kept_and_re_emitted() -> None:
    payload = {
        "id": "i",
        "status": "completed",
        "brand_new": {"nested": [1, 2, {"deep": "😀"}]},
        "n": 10**30,
    }
    interaction = types.Interaction.model_validate(payload)
    assert_json_exact(interaction.to_dict(), payload)
    assert interaction.model_extra == {"brand_new": payload["brand_new"], "n": 10**30}


@pytest.mark.parametrize(
    ("model", "flat", "wire"),
    [
        (
            types.UrlContextCallStep,
            {"urls": ["https://a.example"]},
            {"urls": ["https://a.example"]},
        ),
        (types.GoogleSearchCallStep, {"queries": ["q"]}, {"queries": ["q"]}),
        (
            types.CodeExecutionCallStep,
            {"code": "print(1)", "language": "python"},
            {"code": "print(1)", "language": "python"},
        ),
        (types.GoogleMapsCallStep, {"queries": ["parks"]}, {"queries": ["parks"]}),
    ],
)
def test_flattened_arguments_read_and_construct_flat_but_travel_nested(
    model: type[gi.ApiModel], flat: dict[str, Any], wire: dict[str, Any]
) -> None:
    built = model(id="c1", **flat)
    assert_json_exact(
        built.to_dict(), {"type": built.to_dict()["type"], "id": "c1", "arguments": wire}
    )
    parsed = model.model_validate({"type": built.to_dict()["type"], "id": "c2", "arguments": wire})
    for name, value in flat.items():
        assert getattr(parsed, name) == value
    assert "urls" not in parsed.to_dict() and "queries" not in parsed.to_dict()


def test_flattened_deltas_too() -> None:
    delta = DELTA.validate_python({"type": "google_search_call", "arguments": {"queries": ["a"]}})
    assert isinstance(delta, types.GoogleSearchCallDelta)
    assert delta.queries == ["a"]


TEXT = "Hi 😀 — 漢字 and e\u0301 café!"


@pytest.mark.parametrize("target", ["😀", "漢字", "e\u0301", "café", "Hi"])
def test_byte_offset_spans_on_emoji_cjk_and_combining_characters(target: str) -> None:
    start = TEXT.encode().index(target.encode())
    end = start + len(target.encode())
    citation = types.UrlCitation(url="https://x.example", start_index=start, end_index=end)
    assert citation.span(TEXT) == target
    char_start, char_end = citation.char_offsets(TEXT)
    assert TEXT[char_start:char_end] == target
    prefix_is_ascii = TEXT[: TEXT.index(target) + len(target)].isascii()
    assert (TEXT[start:end] == target) == prefix_is_ascii, (
        "naive str slicing breaks after non-ASCII"
    )


def test_every_citation_kind_has_the_span_helper() -> None:
    for model in (types.UrlCitation, types.FileCitation, types.PlaceCitation):
        assert model(start_index=0, end_index=2).span("ab😀") == "ab"


def test_int64_strings_parse_to_int_and_serialize_back_as_strings() -> None:
    environment = types.Environment.model_validate(
        {"id": "e", "size_bytes": "9007199254740993", "file_count": "2"}
    )
    assert environment.size_bytes == 9007199254740993
    assert environment.file_count == 2
    assert_json_exact(
        environment.to_dict(), {"id": "e", "size_bytes": "9007199254740993", "file_count": "2"}
    )


def test_base64_fields_stay_strings_with_a_decode_helper() -> None:
    raw = bytes(range(256))
    image = types.ImageContent(data=base64.b64encode(raw).decode(), mime_type="image/png")
    assert image.data_bytes() == raw
    urlsafe = types.ImageContent(data=base64.urlsafe_b64encode(raw).decode().rstrip("="))
    assert urlsafe.data_bytes() == raw
    with pytest.raises(ValueError, match="not valid base64"):
        types.ImageContent(data="%%%").data_bytes()


def test_constructed_models_carry_their_tag() -> None:
    assert_json_exact(types.TextContent(text="hi").to_dict(), {"type": "text", "text": "hi"})
    assert_json_exact(
        json.loads(types.UserInputStep(content=[types.TextContent(text="a")]).to_json()),
        {
            "type": "user_input",
            "content": [{"type": "text", "text": "a"}],
        },
    )


def test_minimal_requests_serialize_minimally() -> None:
    request = types.ModelInteraction(model="gemini-3.7-flash", input="hi")
    assert_json_exact(request.to_dict(), {"model": "gemini-3.7-flash", "input": "hi"})
    teleport = types.UnknownTool.model_validate({"type": "teleport", "range_km": 3})
    future = types.ModelInteraction(model="gemini-9-ultra", input="hi", tools=[teleport])
    assert future.to_dict()["model"] == "gemini-9-ultra"
    assert_json_exact(future.to_dict()["tools"], [{"type": "teleport", "range_km": 3}])
    with pytest.raises(ValidationError, match="input"):
        types.ModelInteraction.model_validate({"model": "m"})


def test_unions_resolved_by_json_type() -> None:
    assert INPUT.validate_python("hello") == "hello"
    steps = INPUT.validate_python([{"type": "user_input", "content": []}])
    assert isinstance(steps, list) and isinstance(steps[0], types.UserInputStep)
    contents = INPUT.validate_python([{"type": "text", "text": "x"}])
    assert isinstance(contents, list) and isinstance(contents[0], types.TextContent)
    single = INPUT.validate_python({"type": "image", "uri": "gs://x"})
    assert isinstance(single, types.ImageContent)
    environment = TypeAdapter(types.ModelInteractionEnvironment)
    assert environment.validate_python("env-123") == "env-123"
    assert isinstance(environment.validate_python({"type": "remote"}), types.EnvironmentConfig)
    with pytest.raises(ValidationError):
        environment.validate_python(42)


def test_speech_config_is_a_list_only() -> None:
    config = types.GenerationConfig(
        speech_config=[types.SpeechConfig(voice="Kore", language="en-US")]
    )
    assert_json_exact(config.to_dict(), {"speech_config": [{"voice": "Kore", "language": "en-US"}]})
    with pytest.raises(ValidationError):
        types.GenerationConfig.model_validate({"speech_config": {"speakers": []}})


def test_function_call_signature_survives_parse_and_dump() -> None:
    payload = {
        "type": "function_call",
        "id": "c",
        "name": "f",
        "arguments": {},
        "signature": "c2ln+/==",
    }
    step = STEP.validate_python(payload)
    assert isinstance(step, types.FunctionCallStep) and step.signature == "c2ln+/=="
    assert dump(STEP, step) == payload


def test_mcp_tool_call_steps_are_known() -> None:
    step = STEP.validate_python({"type": "tool_call", "id": "t", "signature": "c2ln"})
    assert isinstance(step, types.ToolCallStep)


def test_dead_request_fields_are_gone_but_responses_keep_them() -> None:
    assert "response_mime_type" not in types.ModelInteraction.model_fields
    assert "cached_content" not in types.ModelInteraction.model_fields
    assert "response_mime_type" in types.Interaction.model_fields


def test_the_root_is_thin_and_every_model_stays_reachable() -> None:
    # the root exports clients, errors, streams, pagers, transports and the `types` module
    expected = {
        "Client",
        "AsyncClient",
        "GeminiError",
        "APIStatusError",
        "Stream",
        "AsyncStream",
        "SyncPager",
        "AsyncPager",
        "SyncTransport",
        "AsyncTransport",
        "types",
    }
    assert expected <= set(gi.__all__)
    assert len(gi.__all__) < 60, "models live in `types`, not in the root's export list"
    assert not set(types.__all__) & set(gi.__all__)
    assert gi.types is types
    # the spec's named schemas keep working from the root (served lazily), inline ones too
    assert gi.Interaction is types.Interaction
    assert gi.UnknownStep is types.UnknownStep
    assert "Interaction" not in dir(gi)
    with pytest.raises(AttributeError):
        gi.NoSuchThing  # noqa: B018


def test_interaction_accessors() -> None:
    interaction = types.Interaction.model_validate(
        {
            "id": "i",
            "status": "requires_action",
            "steps": [
                {"type": "thought", "signature": "c2ln"},
                {
                    "type": "model_output",
                    "content": [
                        {"type": "text", "text": "Hello "},
                        {"type": "image", "data": "AAEC", "mime_type": "image/png"},
                        {"type": "text", "text": "world"},
                        {"type": "audio", "data": "AAAA"},
                    ],
                },
                {"type": "function_call", "id": "c1", "name": "f", "arguments": {"x": 1}},
                {"type": "function_result", "call_id": "c1", "result": "ok"},
            ],
        }
    )
    assert interaction.text() == "world", "the trailing run of text stops at the image (W99)"
    assert [call.name for call in interaction.function_calls()] == ["f"]
    assert [result.call_id for result in interaction.function_results()] == ["c1"]
    assert len(interaction.thoughts()) == 1
    assert [image.data_bytes() for image in interaction.images()] == [b"\x00\x01\x02"]
    assert len(interaction.audio()) == 1
    assert interaction.model_copy(update={"output_text": "given"}).text() == "given"
    assert "text" not in interaction.to_dict(), "accessors never change the wire form"
