"""Answers that bend the schema, over real HTTP on 127.0.0.1: nothing lost, nothing escapes.

- a 200 whose body is not JSON raises `APIResponseValidationError` (a `GeminiError`);
- JSON that breaks the schema (W88: `incomplete` without `steps`; a no-argument `function_call`)
  parses, keeps every byte and lists what did not fit;
- numbers come back as they came; int64 values keep their number or string form;
- every union is open (the environment unions too); byte-offset spans refuse offsets that do
  not belong to the text (W66); webhook signatures skip an undecodable entry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from typing import Any

import gemini_interactions as gi
import httpx
import pytest
from gemini_interactions import Client, webhooks

from tests.client.loopback import LoopbackServer, Reply
from tests.json_exact import assert_json_exact


def answer(server: LoopbackServer, body: bytes, content_type: str = "application/json") -> None:
    server.handler = lambda request: Reply(
        raw=body, content_type=content_type, headers={"x-goog-request-id": "req-7"}
    )


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b'{"id": "int_1", "status": "compl', "application/json", "invalid JSON"),
        (b"<html><body>502 Bad Gateway</body></html>", "text/html", "invalid JSON"),
        (b"", "application/json", "the body is empty"),
    ],
    ids=["truncated", "html-proxy-page", "empty"],
)
def test_a_successful_answer_that_is_not_json_is_a_gemini_error(
    client: Client, server: LoopbackServer, body: bytes, content_type: str, reason: str
) -> None:
    # W95: the request id is read from x-goog-request-id, the header the API sends
    answer(server, body, content_type)
    with pytest.raises(gi.GeminiError) as raised:
        client.interactions.get("int_1")
    error = raised.value
    assert isinstance(error, gi.APIResponseValidationError)
    assert error.status_code == 200 and error.content_type == content_type
    assert error.body_start == body[:200] and error.request_id == "req-7"
    assert reason in str(error) and "GET" in str(error)


def test_an_empty_answer_is_fine_where_the_schema_has_no_fields(
    client: Client, server: LoopbackServer
) -> None:
    answer(server, b"")
    assert isinstance(client.agents.delete("agent_1"), gi.Empty)
    with pytest.raises(gi.APIResponseValidationError, match="empty"):
        client.interactions.cancel("int_1")  # an Interaction cannot be empty


def test_an_incomplete_interaction_without_steps_parses_and_round_trips(
    client: Client, server: LoopbackServer
) -> None:
    # the 2026-10-08 native capture of an `incomplete` answer (W88): no steps, no output_text
    body = {
        "id": "int_incomplete",
        "status": "incomplete",
        "object": "interaction",
        "usage": {
            "input_tokens_by_modality": [{"modality": "text", "tokens": 8}],
            "total_input_tokens": 8,
            "total_output_tokens": 0,
            "total_tokens": 8,
            "total_tool_use_tokens": 0,
        },
    }
    answer(server, json.dumps(body).encode())
    interaction = client.interactions.get("int_incomplete")
    assert interaction.status == "incomplete" and interaction.steps is None
    assert_json_exact(interaction.to_dict(), body)
    assert interaction.validation_problems == ()


def test_a_no_argument_function_call_without_arguments_is_kept(
    client: Client, server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    body = {
        "id": "int_2",
        "status": "requires_action",
        "steps": [
            {"type": "function_call", "id": "call_1", "name": "current_time", "signature": "c2ln"}
        ],
    }
    answer(server, json.dumps(body).encode())
    caplog.set_level(logging.WARNING, logger="gemini_interactions")
    interaction = client.interactions.get("int_2")
    (call,) = interaction.steps or []
    assert isinstance(call, gi.FunctionCallStep)
    assert call.name == "current_time" and call.arguments is None and call.signature == "c2ln"
    assert_json_exact(interaction.to_dict(), body)
    assert interaction.validation_problems == (
        "steps[0].arguments: required but missing; reads None",
    )
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


def test_wrong_typed_fields_are_kept_as_they_came(client: Client, server: LoopbackServer) -> None:
    # Policy: a value of the wrong type is kept raw (and listed), never dropped or coerced.
    body = {
        "id": "int_3",
        "status": "completed",
        "usage": {"total_tokens": "many", "total_input_tokens": 3.0},
        "steps": [{"type": "function_call", "id": "c", "name": "f", "arguments": "not-an-object"}],
    }
    answer(server, json.dumps(body).encode())
    interaction = client.interactions.get("int_3")
    text = interaction.to_json()
    assert_json_exact(json.loads(text), body)
    assert '"total_input_tokens":3.0' in text
    assert interaction.usage is not None and interaction.usage.total_tokens == "many"  # type: ignore[comparison-overlap]
    assert len(interaction.validation_problems) == 3


def test_numbers_round_trip_as_they_came(client: Client, server: LoopbackServer) -> None:
    body = {
        "id": "int_4",
        "status": "completed",
        "generation_config": {"temperature": 0, "top_p": 0.5, "max_output_tokens": 200000},
        "usage": {"total_tokens": 12},
    }
    answer(server, json.dumps(body).encode())
    interaction = client.interactions.get("int_4")
    text = interaction.to_json()
    assert_json_exact(json.loads(text), body)
    assert '"temperature":0,' in text and '"max_output_tokens":200000' in text  # not 0.0, "200000"
    config = interaction.generation_config
    assert config is not None and type(config.temperature) is int


def test_int64_fields_keep_their_wire_form_and_requests_send_strings(
    client: Client, server: LoopbackServer
) -> None:
    as_number = {"name": "files/a.txt", "size_bytes": 27}
    as_string = {"name": "files/b.txt", "size_bytes": "27"}
    answer(server, json.dumps({"files": [as_number, as_string]}).encode())
    page = client.environments.files.list("env_1", "src").first_page()
    for parsed, body in zip(page.files or [], (as_number, as_string), strict=True):
        assert parsed.size_bytes == 27
        assert_json_exact(parsed.to_dict(), body)  # number stays number
    built = gi.EnvironmentFile(name="files/c.txt", size_bytes=27)
    assert built.to_dict()["size_bytes"] == "27"  # what a user builds keeps the int64 rule


def test_an_unknown_environment_keeps_the_whole_interaction_readable(
    client: Client, server: LoopbackServer
) -> None:
    body = {"id": "int_5", "status": "completed", "environment": {"type": "local", "path": "/tmp"}}
    answer(server, json.dumps(body).encode())
    interaction = client.interactions.get("int_5")
    assert isinstance(interaction.environment, gi.UnknownInteractionEnvironment)
    assert interaction.environment.raw == body["environment"]
    assert_json_exact(interaction.to_dict(), body)
    assert interaction.validation_problems == ()


TEXT = "Café 漢字 😀 done"


@pytest.mark.parametrize(
    "annotation",
    [
        {"type": "url_citation", "url": "https://x"},
        {"type": "file_citation", "file_name": "f"},
        {"type": "place_citation", "name": "p"},
        {"type": "speech_metadata", "speaker": "a"},
        {"type": "word_info", "word": "w"},
        {"type": "some_future_citation"},
    ],
    ids=lambda value: value["type"],
)
def test_every_annotation_with_byte_offsets_offers_a_strict_span(
    annotation: dict[str, Any],
) -> None:
    encoded = TEXT.encode()
    start, end = encoded.index("漢".encode()), encoded.index(" 😀".encode())
    content = gi.TextContent.model_validate(
        {
            "type": "text",
            "text": TEXT,
            "annotations": [{**annotation, "start_index": start, "end_index": end}],
        }
    )
    (parsed,) = content.annotations or []
    assert parsed.span(TEXT) == "漢字" and parsed.char_offsets(TEXT) == (5, 7)
    for bad, message in (
        ((start, len(encoded) + 1), "outside the text"),
        ((end, start), "inverted"),
        ((start + 1, end), "inside a multi-byte"),
        ((-1, end), "outside the text"),
    ):
        broken = type(parsed).model_validate(
            {**annotation, "start_index": bad[0], "end_index": bad[1]}
        )
        with pytest.raises(ValueError, match=message) as raised:
            broken.span(TEXT)
        assert str(bad[0]) in str(raised.value)


def test_a_webhook_signature_list_with_an_undecodable_entry_still_verifies() -> None:
    secret = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
    body = b'{"type": "interaction.completed", "data": {"id": "int_1"}}'
    timestamp = str(int(time.time()))
    message = b"msg_1." + timestamp.encode() + b"." + body
    digest = hmac.new(base64.b64decode(secret[6:]), message, hashlib.sha256).digest()
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": timestamp,
        "webhook-signature": f"v1,invalid_signature! v1,{base64.b64encode(digest).decode()}",
    }
    webhooks.verify(body, headers, secret)
    headers["webhook-signature"] = "v1,invalid_signature!"
    with pytest.raises(webhooks.WebhookVerificationError, match="no matching signature"):
        webhooks.verify(body, headers, secret)


def test_an_empty_thought_signature_is_normal_in_an_answer_and_in_its_replay(
    client: Client, server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    # W89: a non-streamed thought carries "signature": "" in a normal answer, so neither reading
    # it nor replaying it statelessly warns (W82's warning is kept for other steps)
    thought = {"type": "thought", "signature": "", "summary": [{"type": "text", "text": "hm"}]}
    body = {"id": "int_6", "status": "completed", "steps": [thought]}
    answer(server, json.dumps(body).encode())
    caplog.set_level(logging.WARNING, logger="gemini_interactions")
    interaction = client.interactions.get("int_6")
    assert_json_exact(interaction.to_dict(), body)
    assert not caplog.records
    client.interactions.create(model="m", input=interaction.steps or [])  # a stateless replay
    assert server.requests[1].json()["input"] == [thought]
    assert not caplog.records


def test_spans_of_annotations_that_came_over_http(client: Client, server: LoopbackServer) -> None:
    encoded = TEXT.encode()
    start, end = encoded.index("漢".encode()), encoded.index(" 😀".encode())
    kinds = ["url_citation", "speech_metadata", "word_info", "some_future_citation"]
    annotations = [{"type": kind, "start_index": start, "end_index": end} for kind in kinds]
    annotations.append({"type": "url_citation", "start_index": start + 1, "end_index": end})
    text = {"type": "text", "text": TEXT, "annotations": annotations}
    body = {
        "id": "int_7",
        "status": "completed",
        "steps": [{"type": "model_output", "content": [text]}],
    }
    answer(server, json.dumps(body).encode())
    interaction = client.interactions.get("int_7")
    (step,) = interaction.steps or []
    assert isinstance(step, gi.ModelOutputStep)
    (block,) = step.content or []
    assert isinstance(block, gi.TextContent)
    *good, bad = block.annotations or []
    assert [annotation.span(TEXT) for annotation in good] == ["漢字"] * len(kinds)
    with pytest.raises(ValueError, match=f"start={start + 1}"):
        bad.span(TEXT)


def test_a_webhook_delivered_over_http_verifies_with_an_undecodable_entry_first(
    server: LoopbackServer,
) -> None:
    secret = "whsec_" + base64.b64encode(b"fedcba9876543210fedcba9876543210").decode()
    body = b'{"type": "interaction.completed", "data": {"id": "int_1"}}'
    timestamp = str(int(time.time()))
    digest = hmac.new(
        base64.b64decode(secret[6:]), b"msg_2." + timestamp.encode() + b"." + body, hashlib.sha256
    ).digest()
    signature = f"v1,invalid_signature! v1,{base64.b64encode(digest).decode()}"
    server.handler = lambda request: Reply(status=204, raw=b"")
    headers = {
        "webhook-id": "msg_2",
        "webhook-timestamp": timestamp,
        "webhook-signature": signature,
    }
    httpx.post(f"{server.url}/gemini-webhook", content=body, headers=headers)  # a delivery
    delivered = server.requests[0]
    event = webhooks.unwrap(delivered.body, delivered.headers, secret)
    assert isinstance(event, webhooks.InteractionEvent) and event.raw["data"]["id"] == "int_1"


def test_a_launch_era_code_execution_result_parses_typed_in_the_current_client() -> None:
    # S4: stored or replayed launch-era steps carry {outcome, output}, not {result, is_error}
    from gemini_interactions.testing import FakeGemini

    legacy = {
        "type": "code_execution_result",
        "call_id": "code_1",
        "outcome": "OUTCOME_DEADLINE_EXCEEDED",
        "output": "partial\n",
    }
    fake = FakeGemini().reply(legacy, "done")
    interaction = fake.client().interactions.create(model="gemini-3.7-flash", input="x")
    step = (interaction.steps or [])[0]
    assert isinstance(step, gi.types.CodeExecutionResultStep)
    assert step.outcome == "OUTCOME_DEADLINE_EXCEEDED" and step.output == "partial\n"
    assert step.result is None and any("result" in p for p in step.validation_problems)
    assert_json_exact(step.to_dict(), legacy)
    current = {"type": "code_execution_result", "call_id": "c", "result": "55\n", "is_error": False}
    parsed = fake.reply(current).client().interactions.create(model="m", input="x").steps[0]
    assert isinstance(parsed, gi.types.CodeExecutionResultStep) and not parsed.validation_problems


def test_a_store_false_answer_without_an_id_parses_clean_and_round_trips(
    client: Client, server: LoopbackServer
) -> None:
    # W97 (and W07): a non-streamed store=false answer has no `id` key at all; the type says
    # `str` and the absent id reads "" (the stream's own "not stored" marker, W86)
    from typing import get_type_hints

    body = {
        "status": "completed",
        "object": "interaction",
        "model": "gemini-2.5-flash",
        "steps": [{"type": "model_output", "content": [{"type": "text", "text": "Hi."}]}],
        "usage": {"total_input_tokens": 3, "total_output_tokens": 2, "total_tokens": 5},
    }
    answer(server, json.dumps(body).encode())
    interaction = client.interactions.create(model="gemini-2.5-flash", input="hi", store=False)
    assert get_type_hints(gi.types.Interaction)["id"] is str
    assert interaction.id == "" and interaction.validation_problems == ()
    assert interaction.to_dict() == body and "id" not in json.loads(interaction.to_json())
    assert interaction.model_dump(by_alias=True, exclude_unset=True, mode="json") == body
    direct = gi.types.Interaction.model_validate(body)
    assert direct.id == "" and direct.validation_problems == () and direct.to_dict() == body
    stored = gi.types.Interaction.model_validate({**body, "id": "int_9"})
    assert stored.id == "int_9" and stored.to_dict() == {**body, "id": "int_9"}
    requests_before = len(server.requests)
    with pytest.raises(ValueError, match="'' is not a usable path segment"):
        client.interactions.get(interaction.id)  # an empty id is refused locally, as before
    assert len(server.requests) == requests_before
