"""What one schema change does to the generated tree, over a scratch copy of the project.

- an overlay that makes the real spec recursive (a citation field typed as `Interaction`)
  generates working models instead of stopping with a traceback;
- adding one optional field to one schema changes only that schema's lines of the models (and
  moves, unchanged, the models the field makes reachable from an earlier group)
  (measured on the real spec: a field on `UrlCitation` referring to `Webhook`).
"""

from __future__ import annotations

import difflib
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.cli.test_cli import run


def _add_field(project: Path, field: str, ref: str) -> None:
    (project / "overlays/current/90-test-field.yaml").write_text(
        "overlay: 1.1.0\n"
        "info: {title: one more field, version: '1'}\n"
        "actions:\n"
        "  - target: $.components.schemas.UrlCitation.properties\n"
        "    description: a test field\n"
        f"    update: {{{field}: {{$ref: '#/components/schemas/{ref}'}}}}\n"
        "    x-facts: [W66]\n"
        '    x-observed: "2026-07"\n'
        '    x-revision: "2026-05-20"\n',
        encoding="utf-8",
    )


def test_a_recursive_schema_generates_working_models(
    scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _add_field(scratch_project, "cited_interaction", "Interaction")
    code, _, err = run(scratch_project, "generate", capsys=capsys)
    assert code == 0, err
    check = (
        "import gemini_interactions.types as t\n"
        "inner = {'id': 'i2', 'status': 'completed'}\n"
        "text = {'type': 'text', 'text': 'x', 'annotations': [\n"
        "    {'type': 'url_citation', 'url': 'u', 'cited_interaction': inner}]}\n"
        "outer = {'id': 'i1', 'status': 'completed',\n"
        "    'steps': [{'type': 'model_output', 'content': [text]}]}\n"
        "parsed = t.Interaction.model_validate(outer)\n"
        "citation = parsed.steps[0].content[0].annotations[0]\n"
        "assert isinstance(citation.cited_interaction, t.Interaction), citation\n"
        "assert parsed.to_dict() == outer\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", check],
        cwd=scratch_project / "generated",
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "ok", result.stderr


def _code_lines(root: Path) -> dict[str, list[str]]:
    """Every generated Python file's lines (the manifest's hashes change with any edit)."""
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8").splitlines()
        for path in sorted(root.rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def test_one_optional_field_changes_only_its_schemas_lines(
    scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generated = scratch_project / "generated"
    before = _code_lines(generated)
    _add_field(scratch_project, "webhook", "Webhook")
    code, _, err = run(scratch_project, "generate", capsys=capsys)
    assert code == 0, err
    after = _code_lines(generated)
    assert set(before) == set(after)
    changed = {
        name: [
            line
            for line in difflib.unified_diff(before[name], after[name], lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))
        ]
        for name in before
    }
    changed = {name: lines for name, lines in changed.items() if lines}
    # the model, the fake's wire table (the fields a request may carry) and the request dict
    # (a citation can be sent back in a replayed step, so UrlCitation has a TypedDict twin)
    models = {name for name in changed if name.startswith("gemini_interactions/_models/")}
    assert set(changed) - models <= {
        "gemini_interactions/types.py",
        "gemini_interactions/testing/_schema.py",
        "gemini_interactions/params.py",
    }
    fake_table = changed.get("gemini_interactions/testing/_schema.py", [])
    assert all("webhook" in line.lower() for line in fake_table), fake_table
    # params: only additions — the new key, and the twins of what the field made request-side
    params = changed.get("gemini_interactions/params.py", [])
    assert params and all(line.startswith("+") for line in params), params
    assert "+    webhook: WebhookParam" in params
    # the models: the new field's lines; the webhook models an interaction can now carry move,
    # unchanged, into the interaction's module (removed from one module, added to another)
    added = Counter(line[1:] for name in models for line in changed[name] if line[0] == "+")
    removed = Counter(line[1:] for name in models for line in changed[name] if line[0] == "-")
    net = [*(added - removed).elements(), *(removed - added).elements()]
    assert 0 < len(net) <= 12, "\n".join(net)
    # what each module imports, and the needs of the model that gained the field (its line in
    # `_BUILD_NEEDS`: the models completed before it)
    needs = re.compile(r'\s+"\w+": \((\s*"\w+",)*\s*\),?$')
    imports = {line for line in net if line.startswith("from .") or needs.match(line)}
    odd = [line for line in set(net) - imports if "webhook" not in line.lower() and line.strip()]
    assert not odd, odd
    # `types` only says where the moved names now live: as many lines leave as arrive
    homes = changed.get("gemini_interactions/types.py", [])
    assert sum(line[0] == "+" for line in homes) == sum(line[0] == "-" for line in homes), homes
    moves = re.compile(r'(\s+\w+,|\s+"\w+": "\w+",|\s*from \._models\.\w+ import \(|\s*\))$')
    assert all(moves.match(line[1:]) for line in homes), homes


def test_an_unexpected_failure_is_one_paragraph_not_a_traceback(
    scratch_project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("surprise")

    monkeypatch.delenv("INTERACTIONS_CODEGEN_DEBUG", raising=False)
    monkeypatch.setattr(generator.pipeline, "build_api", broken)
    code, _, err = run(scratch_project, "generate", capsys=capsys)
    assert code == 2 and err.startswith("error: internal error KeyError") and err.count("\n") == 1
    assert "Traceback" not in err
