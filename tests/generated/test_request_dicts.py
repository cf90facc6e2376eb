"""Request dicts that type-check (issue point 7): the generated `params` module gives every
request-side object a TypedDict twin, the methods accept either form, and a checker catches the
mistakes a user makes in such a dict — wrong keys, wrong values, a missing required key, a
wrong tag — at the line of the mistake."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

from generator.ir.api import build_api
from generator.ir.requests import accepting
from generator.ir.types import ListOf, Named, UnionOf
from generator.load.config import load_project_config
from generator.load.fetch import Fetcher
from generator.pipeline import patch_spec, read_inputs
from tests.conftest import GENERATED, PROJECT_ROOT


def _mypy(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir=/dev/null", str(path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={"MYPYPATH": str(GENERATED), "PATH": "/usr/bin:/bin"},
    )


def test_dicts_and_models_side_by_side_pass_mypy_strict_and_run() -> None:
    example = PROJECT_ROOT / "tests" / "typed_usage" / "params_example.py"
    checked = _mypy(example)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    ran = subprocess.run(
        [sys.executable, str(example)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(GENERATED), "PATH": "/usr/bin:/bin"},
    )
    assert ran.returncode == 0 and ran.stdout.strip() == "ok", ran.stderr


MISTAKES = {
    "a misspelled key": 'tools=[{"type": "function", "nmae": "f"}]',
    "a wrong value type": 'generation_config={"temperature": "hot"}',
    "a missing required key": 'input=[{"type": "text"}]',
    "a wrong tag": 'tools=[{"type": "fnction", "name": "f"}]',
    "a nested mistake": 'input=[{"type": "user_input", "content": [{"type": "text", "txt": "x"}]}]',
}


def test_each_mistake_in_a_request_dict_is_reported_on_its_line(tmp_path: Path) -> None:
    lines = [
        "from gemini_interactions import Client",
        "",
        "",
        "def calls(client: Client) -> None:",
    ]
    where = {}
    for name, argument in MISTAKES.items():
        where[len(lines) + 1] = name
        lines.append(
            f"    client.interactions.create(model='m', input='x', {argument})"
            if not argument.startswith("input=")
            else f"    client.interactions.create(model='m', {argument})"
        )
    source = tmp_path / "mistakes.py"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _mypy(source)
    flagged = {int(n) for n in re.findall(r"mistakes\.py:(\d+): error", result.stdout)}
    assert flagged == set(where), (
        f"missed: {[where[n] for n in set(where) - flagged]}\n{result.stdout}"
    )


def test_the_request_side_holds_what_requests_carry_and_nothing_else() -> None:
    config = load_project_config(PROJECT_ROOT)
    inputs = read_inputs(config, config.target("current"), Fetcher(PROJECT_ROOT, download=None))
    api = build_api(patch_spec(inputs).patched, "2026-05-20")
    names = api.request_side
    assert {"Function", "Tool", "GenerationConfig", "TextContent", "UserInputStep"} <= names
    assert {"FunctionCallStep", "ThoughtStep"} <= names, "steps are replayed in stateless turns"
    assert not {"Interaction", "StepDelta", "InteractionSseStreamEvent"} & names
    assert not any(name.startswith("Unknown") for name in names)
    # list arms of one union become one list, so a list display can be inferred
    widened = accepting(UnionOf((ListOf(Named("Step")), ListOf(Named("Content")))), names)
    assert isinstance(widened, UnionOf) and len(widened.options) == 1


def test_the_params_module_needs_neither_pydantic_nor_the_models() -> None:
    code = textwrap.dedent(
        """
        import sys
        from gemini_interactions.params import ToolParam, FunctionParam
        print(sorted(m for m in ("pydantic", "gemini_interactions.types") if m in sys.modules))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(GENERATED), "PATH": "/usr/bin:/bin"},
    )
    assert result.stdout.strip() == "[]", result.stderr
