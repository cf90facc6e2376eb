"""Golden cases: a small spec plus overlays renders to exactly the expected tree.

Each folder in tests/cases/ holds `spec.yaml` and `overlays/` (and may hold `previous/`, the
manifest and API surface of the output a run replaces). A case with `expected/` must
render byte for byte to that tree; a `bad-*` case with `expected-error.txt` must fail with
exactly that exit code and message. On a difference the test prints a unified diff and the
command that rewrites the expectations: `make golden` (pytest --update-golden), which shows the
difference it is about to write, writes it, and leaves the comparison to the next run.

The expected trees hold what the generator computes for the case — types, resources, client,
rules, the report — not the runtime modules every package gets verbatim (nor their sync twins,
rewritten from them), so a runtime edit does not touch every case: those files are checked to be
present, and the manifest to list every file with its hash.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.emit.writer import diff_tree, write_tree
from generator.errors import GeneratorError
from generator.load.config import LockEntry, Target
from generator.load.fetch import sha256_hex
from generator.pipeline import (
    API_SURFACE_FILE,
    MANIFEST_FILE,
    Inputs,
    OverlayFile,
    generate_files,
    read_templates,
)
from generator.render.sync_twins import is_async_source, twin_name
from tests.conftest import PROJECT_ROOT

CASES_DIR = Path(__file__).parent / "cases"
CASES = sorted(path for path in CASES_DIR.iterdir() if (path / "spec.yaml").is_file())
UPDATE_HINT = "run `make golden` (pytest --update-golden) to accept the new output"


def case_inputs(case: Path, overlay_schemas: dict[str, object]) -> Inputs:
    spec_bytes = (case / "spec.yaml").read_bytes()
    overlays_dir = case / "overlays"
    return Inputs(
        target=Target(
            name="case",
            description=case.name,
            snapshot="case-spec",
            overlays=overlays_dir.relative_to(PROJECT_ROOT).as_posix(),
            output=None,
            package="tiny_client",
            api_revision="2026-05-20",
            # a fixed version: a derived one names the runtime copies too, which the expected
            # trees leave out (tests/cli/test_distribution.py covers the derived version)
            package_version="1.0.0",
        ),
        spec_entry=LockEntry(
            name="case-spec",
            kind="spec",
            file="spec.yaml",
            sha256=sha256_hex(spec_bytes),
            url="tests/cases",
            url_serves="fixed",
            retrieved="",
            note="",
        ),
        spec_bytes=spec_bytes,
        overlay_files=tuple(
            OverlayFile(path.relative_to(PROJECT_ROOT).as_posix(), path.read_bytes())
            for path in sorted(overlays_dir.glob("*.yaml"))
        ),
        overlay_schemas=overlay_schemas,
        templates=read_templates(PROJECT_ROOT),
        facts=OverlayFile(
            (case / "facts.yaml").relative_to(PROJECT_ROOT).as_posix(),
            (case / "facts.yaml").read_bytes(),
        ),
        previous_manifest=_previous(case, MANIFEST_FILE),
        previous_surface=_previous(case, API_SURFACE_FILE),
    )


def _previous(case: Path, name: str) -> bytes | None:
    path = case / "previous" / name
    return path.read_bytes() if path.is_file() else None


RUNTIME = PROJECT_ROOT / "runtime"


def _generated_code(files: dict[str, bytes]) -> dict[str, bytes]:
    """The files the generator computes for a case: runtime copies and the manifest left out."""
    runtime = {path.relative_to(RUNTIME).as_posix() for path in RUNTIME.rglob("*.py")}
    runtime.discard("_exports.py")  # read by the generator, not copied
    twins = {twin_name(name) for name in runtime if is_async_source(name)}
    package = "tiny_client/"
    copied = {package + name for name in runtime | twins}
    assert copied <= set(files), sorted(copied - set(files))
    manifest = json.loads(files[MANIFEST_FILE])
    assert set(manifest["files"]) == set(files) - {MANIFEST_FILE}
    return {
        name: data for name, data in files.items() if name not in copied and name != MANIFEST_FILE
    }


def _announce(capsys: pytest.CaptureFixture[str], case: Path, difference: str) -> None:
    """Show what `make golden` is about to write (on the terminal, past pytest's capture)."""
    with capsys.disabled():
        if difference:
            print(f"\n{case.name}: rewriting its expectations:\n{difference}")
        else:
            print(f"\n{case.name}: expectations unchanged")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case(
    case: Path,
    overlay_schemas: dict[str, object],
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # With --update-golden (`make golden`), the difference against the committed expectations is
    # shown first and then written; nothing is compared with what this run just wrote.
    update = bool(request.config.getoption("--update-golden"))
    inputs = case_inputs(case, overlay_schemas)
    expected_error = case / "expected-error.txt"
    if expected_error.is_file():
        with pytest.raises(GeneratorError) as raised:
            generate_files(inputs)
        actual = f"exit {raised.value.exit_code}\n{raised.value.message}\n"
        committed = expected_error.read_text(encoding="utf-8")
        if update:
            lines = difflib.unified_diff(
                committed.splitlines(), actual.splitlines(), str(expected_error), "new", lineterm=""
            )
            _announce(capsys, case, "\n".join(lines))
            expected_error.write_text(actual, encoding="utf-8")
            return
        assert actual == committed, UPDATE_HINT
        return
    files = _generated_code(generate_files(inputs).files)
    expected = case / "expected"
    difference = diff_tree(expected, files)
    if update:
        _announce(capsys, case, difference)
        # the expected tree has no manifest: the case owns it and replaces it whole
        shutil.rmtree(expected, ignore_errors=True)
        write_tree(expected, files)
        return
    if difference:
        pytest.fail(f"{case.name} renders differently:\n{difference}\n{UPDATE_HINT}", pytrace=False)


@pytest.mark.parametrize(
    "case", [c for c in CASES if (c / "expected").is_dir()], ids=lambda c: c.name
)
def test_case_package_imports_and_builds_clients(
    case: Path, overlay_schemas: dict[str, object], tmp_path: Path
) -> None:
    """The whole package of a case (runtime included) imports, and both clients build."""
    write_tree(tmp_path, generate_files(case_inputs(case, overlay_schemas)).files)
    script = (
        "import asyncio, tiny_client\n"
        "client = tiny_client.Client(api_key='k')\n"
        "resources = [name for name in dir(client) if not name.startswith('_')]\n"
        "async def main() -> None:\n"
        "    async with tiny_client.AsyncClient(api_key='k') as other:\n"
        "        assert repr(other).startswith('AsyncClient(')\n"
        "asyncio.run(main())\n"
        "print(sorted(tiny_client.types.__all__)[:1], resources)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_one_optional_field_on_a_request_schema_changes_only_its_lines(
    overlay_schemas: dict[str, object],
) -> None:
    """Adding a field to one schema of a small spec: its model, and the method that sends it."""
    case = CASES_DIR / "unions"
    inputs = case_inputs(case, overlay_schemas)
    spec_text = inputs.spec_bytes.decode("utf-8")
    anchor = "        background: {$ref: '#/components/schemas/Color'}\n"
    assert anchor in spec_text
    changed_spec = spec_text.replace(
        anchor, anchor + "        author: {type: string, description: Who drew it.}\n"
    ).encode("utf-8")
    before = _generated_code(generate_files(inputs).files)
    after = _generated_code(
        generate_files(
            dataclasses.replace(
                inputs,
                spec_bytes=changed_spec,
                spec_entry=dataclasses.replace(inputs.spec_entry, sha256=sha256_hex(changed_spec)),
            )
        ).files
    )
    changes = {}
    for name in sorted(set(before) | set(after)):
        old = before.get(name, b"").decode("utf-8").splitlines()
        new = after.get(name, b"").decode("utf-8").splitlines()
        lines = [
            line
            for line in difflib.unified_diff(old, new, lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))
        ]
        if lines:
            changes[name] = lines
    assert set(changes) == {
        "tiny_client/_models/drawings.py",
        "tiny_client/resources/drawings.py",
        "tiny_client/testing/_schema.py",  # the fake's wire table lists the request's fields
        "api_surface.json",  # the recorded public API: one line for the model, one for the method
    }
    surface = changes["api_surface.json"]
    assert sorted(line[:1] for line in surface) == ["+", "+", "-", "-"]
    assert all("author" in line for line in surface if line.startswith("+"))
    assert changes["tiny_client/testing/_schema.py"] == ['+        "author": ("string", None),']
    model_lines = changes["tiny_client/_models/drawings.py"]
    # the field, its docstring and a blank line (where difflib aligns the blank is its choice)
    assert sorted(model_lines) == sorted(
        ["+", "+    author: str | None = None", '+    """Who drew it."""']
    )
    # the method that sends it changes inside its signature, docstring and call only
    name = "tiny_client/resources/drawings.py"
    new_text = after[name].decode("utf-8")
    methods = [
        range(node.lineno, (node.end_lineno or node.lineno) + 1)
        for node in ast.walk(ast.parse(new_text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "create"
    ]
    matcher = difflib.SequenceMatcher(
        None, before[name].decode("utf-8").splitlines(), new_text.splitlines(), autojunk=False
    )
    touched = [
        line + 1
        for tag, _, _, start, end in matcher.get_opcodes()
        if tag != "equal"
        for line in range(start, max(end, start + 1))
    ]
    assert touched and all(any(line in method for method in methods) for line in touched)
