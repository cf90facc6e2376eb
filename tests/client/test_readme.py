"""The README's examples, run as written against the fake API and checked by mypy --strict; what
they send is what the live API accepts (no gs:// media URI, W53)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import gemini_interactions as gi
import pytest
from gemini_interactions.testing import FakeGemini, function_call

from tests.conftest import GENERATED, PROJECT_ROOT


def _first_example() -> str:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    return (
        readme.split("## Using the generated client", 1)[1]
        .split("```python\n", 1)[1]
        .split("```", 1)[0]
    )


def _examples() -> list[str]:
    """Every python block of the README, dedented (one sits in a list item)."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    blocks = []
    for part in readme.split("```python\n")[1:]:
        body = part.split("```", 1)[0]
        blocks.append(textwrap.dedent(body))
    return blocks


def _example(marker: str) -> str:
    (found,) = [block for block in _examples() if marker in block]
    return found


def test_the_first_example_runs_against_the_fake(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeGemini()
    fake.reply("Hello!").reply("Once upon a time.")
    fake.reply('{"city": "Paris", "celsius": 21}')
    fake.reply(function_call("get_weather", {"city": "Paris"})).reply("It is sunny in Paris.")
    fake.reply("Nice to meet you, Ada.").reply("Your name is Ada.").reply("A cat.")
    fake.reply("A report.", duration=0)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.py").write_text("print('hello')\n", encoding="utf-8")
    (tmp_path / "cat.png").write_bytes(b"\x89PNG\r\n\x1a\n a tiny picture")
    namespace: dict[str, object] = {"__name__": "readme_example"}
    real_client = gi.Client
    with fake.serve() as base_url:  # over real HTTP on 127.0.0.1, as a user's program would run
        monkeypatch.setattr(
            gi,
            "Client",
            lambda **options: real_client(base_url=base_url, api_key="readme-key", **options),
        )
        exec(compile(_first_example(), "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert out.startswith("Hello!\nModelOutputStep\nOnce upon a time.")
    assert "It is sunny in Paris.\nYour name is Ada.\n200 " in out
    stateless = fake.requests[6].body
    assert stateless["store"] is False and len(stateless["input"]) == 3, "the history is resent"
    assert namespace["weather"].__class__.__name__ == "Weather"
    assert getattr(namespace["done"], "status", None) == "completed"
    operations = [request.operation for request in fake.requests]
    assert operations.count("interactions.create") == 9
    sent = json.dumps([request.body for request in fake.requests])
    assert "gs://" not in sent, "a gs:// media URI is refused by the live API (W53)"
    (picture,) = [
        block
        for request in fake.requests
        if request.operation == "interactions.create"
        for block in request.body.get("input") or []
        if isinstance(block, dict) and block.get("type") == "image"
    ]
    assert picture["mime_type"] == "image/png" and picture["data"].startswith("iVBORw0KGgo")
    assert {"webhooks.list", "environments.files.upload", "upload"} <= set(operations)


def test_every_example_passes_mypy_strict(tmp_path: Path) -> None:
    examples = _examples()
    assert len(examples) >= 3 and _first_example() in examples
    paths = []
    for number, example in enumerate(examples):
        path = tmp_path / f"readme_example_{number}.py"
        path.write_text(example, encoding="utf-8")
        paths.append(str(path))
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir=/dev/null", *paths],
        capture_output=True,
        text=True,
        env={**os.environ, "MYPYPATH": str(GENERATED)},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_webhook_example_verifies_a_delivery_from_the_fake(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deliveries: list[tuple[dict[str, str], bytes]] = []
    fake = FakeGemini().reply("The report.", duration=30)
    fake.on_webhook(lambda headers, body: deliveries.append((headers, body)))
    client = fake.client()
    job = client.interactions.create(model="gemini-3.7-flash", input="x", background=True)
    fake.advance(31)
    ((headers, body),) = deliveries
    monkeypatch.setenv("WEBHOOK_SECRET", fake.webhook_secret)
    namespace: dict[str, Any] = {"__name__": "readme_webhook"}
    exec(compile(_example("webhooks.unwrap"), "README.md", "exec"), namespace)
    interaction = namespace["receive"](body, headers, client)
    assert interaction.id == job.id and interaction.text() == "The report."
    with pytest.raises(gi.GeminiError):  # a tampered body is refused
        namespace["receive"](body.replace(b"completed", b"cancelled"), headers, client)


def test_the_fake_example_runs() -> None:
    namespace: dict[str, Any] = {"__name__": "readme_fake"}
    exec(compile(_example("def test_weather_tool_round_trip"), "README.md", "exec"), namespace)
    namespace["test_weather_tool_round_trip"](FakeGemini())
