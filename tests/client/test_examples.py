"""The runnable examples in tests/examples/, run against the loopback server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.client.loopback import LoopbackServer, RecordedRequest, Reply
from tests.conftest import GENERATED, SHARED

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
STREAM = (
    b"".join(
        part + b"\n\n"
        for part in (SHARED / "bench" / "payloads" / "stream.sse").read_bytes().split(b"\n\n")[:40]
        if part.strip()
    )
    + b'data: {"event_type":"interaction.completed",'
    + b'"interaction":{"id":"v1_s","status":"completed"}}\n\n'
)


def answer(request: RecordedRequest) -> Reply:
    if request.query.get("alt") == ["sse"]:
        return Reply(raw=STREAM, content_type="text/event-stream")
    body = request.json() or {}
    if body.get("agent"):
        return Reply(body={"id": "v1_job", "status": "in_progress"})
    if request.method == "GET":
        return Reply(body={"id": "v1_job", "status": "completed", "output_text": "report"})
    if body.get("previous_interaction_id"):
        return Reply(body={"id": "v1_2", "status": "completed", "output_text": "21 degrees"})
    call = {
        "type": "function_call",
        "id": "c1",
        "name": "get_weather",
        "arguments": {"city": "Oslo"},
    }
    return Reply(body={"id": "v1_1", "status": "requires_action", "steps": [call]})


EXPECTED = {
    "streaming.py": "status=completed",
    "background.py": "status=completed text=report",
    "function_calling.py": "answer=21 degrees",
    "webhook_receiver.py": "interaction.completed for v1_abc",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_runs(name: str, server: LoopbackServer) -> None:
    server.handler = answer
    environment = {
        **os.environ,
        "PYTHONPATH": str(GENERATED),
        "GEMINI_API_KEY": "example-key",
        "GEMINI_BASE_URL": server.url,
    }
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name)], capture_output=True, text=True, env=environment
    )
    assert result.returncode == 0, result.stderr
    assert EXPECTED[name] in result.stdout
