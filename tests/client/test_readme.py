"""The README's first example, run as written against the fake API and checked by mypy --strict."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
    assert {"webhooks.list", "environments.files.upload", "upload"} <= set(operations)


def test_the_first_example_passes_mypy_strict(tmp_path: Path) -> None:
    example = tmp_path / "readme_first.py"
    example.write_text(_first_example(), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir=/dev/null", str(example)],
        capture_output=True,
        text=True,
        env={**os.environ, "MYPYPATH": str(GENERATED)},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
