"""Both error-body shapes the API sends (W100), over real HTTP on 127.0.0.1.

google.rpc `{"error": {"code": 400, "message": ..., "status": "INVALID_ARGUMENT"}}` and
`{"error": {"message": ..., "code": "invalid_request"}}` (a string code, no status) raise the
typed status error with message and code; an SSE `error` event with a string code raises
`StreamError` carrying both too, after the event itself was delivered.
"""

from __future__ import annotations

import json
from typing import Any

import gemini_interactions as gi
import pytest
from gemini_interactions import Client

from tests.client.loopback import LoopbackServer, Reply

RPC = {"error": {"code": 400, "message": "Unknown name 'x'", "status": "INVALID_ARGUMENT"}}
STRING_CODE = {"error": {"message": "Invalid request: input is empty", "code": "invalid_request"}}
EXHAUSTED = {"error": {"message": "Quota exceeded", "code": "resource_exhausted"}}


@pytest.mark.parametrize(
    ("status", "body", "kind", "message", "code", "rpc_status"),
    [
        (400, RPC, gi.BadRequestError, "Unknown name 'x'", 400, "INVALID_ARGUMENT"),
        (
            400,
            STRING_CODE,
            gi.BadRequestError,
            "Invalid request: input is empty",
            "invalid_request",
            None,
        ),
        (429, EXHAUSTED, gi.RateLimitError, "Quota exceeded", "resource_exhausted", None),
    ],
    ids=["google-rpc", "string-code", "string-code-429"],
)
def test_both_error_body_shapes_raise_the_typed_error_with_message_and_code(
    client: Client,
    server: LoopbackServer,
    status: int,
    body: dict[str, Any],
    kind: type[gi.APIStatusError],
    message: str,
    code: int | str,
    rpc_status: str | None,
) -> None:
    # W100: both error-body shapes
    server.handler = lambda request: Reply(status=status, body=body)
    with pytest.raises(kind) as raised:
        client.interactions.create(model="gemini-3.7-flash", input="hi")
    error = raised.value
    assert (error.status_code, error.message, error.code, error.status) == (
        status,
        message,
        code,
        rpc_status,
    )
    assert message in str(error) and error.body == body


def _events(*payloads: dict[str, Any]) -> bytes:
    return b"".join(b"data: " + json.dumps(p).encode() + b"\n\n" for p in payloads)


CREATED = {
    "event_type": "interaction.created",
    "event_id": "evt_1",
    "interaction": {"id": "int_1", "status": "in_progress"},
}


@pytest.mark.parametrize(
    ("error", "code", "status", "text"),
    [
        (
            {"code": "resource_exhausted", "message": "quota exceeded"},
            "resource_exhausted",
            None,
            "resource_exhausted: quota exceeded",
        ),
        (
            {"code": 429, "message": "quota exceeded", "status": "RESOURCE_EXHAUSTED"},
            429,
            "RESOURCE_EXHAUSTED",
            "RESOURCE_EXHAUSTED: quota exceeded",
        ),
    ],
    ids=["string-code", "google-rpc"],
)
def test_an_sse_error_event_raises_a_stream_error_with_message_and_code(
    client: Client,
    server: LoopbackServer,
    error: dict[str, Any],
    code: int | str,
    status: str | None,
    text: str,
) -> None:
    body = _events(CREATED, {"event_type": "error", "event_id": "evt_2", "error": error})
    server.handler = lambda request: Reply(raw=body, content_type="text/event-stream")
    received: list[Any] = []
    with pytest.raises(gi.StreamError) as raised:
        for event in client.interactions.create(model="m", input="go", stream=True):
            received.append(event)
    assert isinstance(received[-1], gi.ErrorEvent) and received[-1].to_dict()["error"] == error
    stream_error = raised.value
    assert (stream_error.message, stream_error.code, stream_error.status) == (
        "quota exceeded",
        code,
        status,
    )
    assert text in str(stream_error) and stream_error.body == error
    assert len(server.requests) == 1, "an error the API reported is not resumed"
