"""The runnable examples in tests/examples/, run as programs against the fake API's server.

The fake enforces the wire (a request the API would refuse is refused), so an example that
passes here sends what the API accepts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from gemini_interactions.testing import FakeGemini, function_call

from tests.conftest import GENERATED

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

SCRIPTS: dict[str, Callable[[FakeGemini], object]] = {
    "streaming.py": lambda fake: fake.reply("Once upon a time, " * 20),
    "background.py": lambda fake: fake.reply("report", duration=0),
    "function_calling.py": lambda fake: (
        fake.reply(function_call("get_weather", {"city": "Oslo"}, id="c1")),
        fake.reply("21 degrees"),
    ),
    "webhook_receiver.py": lambda fake: None,
}
"""What the fake answers for each example."""


EXPECTED = {
    "streaming.py": "status=completed",
    "background.py": "status=completed text=report",
    "function_calling.py": "answer=21 degrees",
    "webhook_receiver.py": "interaction.completed for v1_abc",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_runs(name: str) -> None:
    fake = FakeGemini()
    SCRIPTS[name](fake)
    with fake.serve() as base_url:
        environment = {
            **os.environ,
            "PYTHONPATH": str(GENERATED),
            "GEMINI_API_KEY": "example-key",
            "GEMINI_BASE_URL": base_url,
        }
        result = subprocess.run(
            [sys.executable, str(EXAMPLES / name)], capture_output=True, text=True, env=environment
        )
    assert result.returncode == 0, result.stderr
    assert EXPECTED[name] in result.stdout
    refused = [request for request in fake.requests if request.operation is None]
    assert not refused, "the example only reaches operations the API has"
