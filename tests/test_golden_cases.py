"""Golden cases: a small spec plus overlays renders to exactly the expected tree.

Each folder in tests/cases/ holds `spec.yaml` and `overlays/`. A case with `expected/` must
render byte for byte to that tree; a `bad-*` case with `expected-error.txt` must fail with
exactly that exit code and message. On a difference the test prints a unified diff and the
command that rewrites the expectations: `make golden` (pytest --update-golden).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.emit.writer import diff_tree, write_tree
from generator.errors import GeneratorError
from generator.load.config import LockEntry, Target
from generator.load.fetch import sha256_hex
from generator.pipeline import Inputs, OverlayFile, generate_files
from tests.conftest import PROJECT_ROOT

CASES_DIR = Path(__file__).parent / "cases"
CASES = sorted(path for path in CASES_DIR.iterdir() if (path / "spec.yaml").is_file())
UPDATE_HINT = "run `make golden` (pytest --update-golden) to accept the new output"


def case_inputs(case: Path, overlay_schemas: dict[str, object]) -> Inputs:
    spec_bytes = (case / "spec.yaml").read_bytes()
    overlays_dir = case / "overlays"
    templates = PROJECT_ROOT / "templates"
    return Inputs(
        target=Target(
            name="case",
            description=case.name,
            snapshot="case-spec",
            overlays=overlays_dir.relative_to(PROJECT_ROOT).as_posix(),
            output=None,
            package="tiny_client",
            api_revision="2026-05-20",
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
        templates={
            path.relative_to(templates).as_posix(): path.read_bytes()
            for path in sorted(templates.rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts
        },
        facts=OverlayFile(
            (case / "facts.yaml").relative_to(PROJECT_ROOT).as_posix(),
            (case / "facts.yaml").read_bytes(),
        ),
    )


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case(
    case: Path, overlay_schemas: dict[str, object], request: pytest.FixtureRequest
) -> None:
    update = bool(request.config.getoption("--update-golden"))
    inputs = case_inputs(case, overlay_schemas)
    expected_error = case / "expected-error.txt"
    if expected_error.is_file():
        with pytest.raises(GeneratorError) as raised:
            generate_files(inputs)
        actual = f"exit {raised.value.exit_code}\n{raised.value.message}\n"
        if update:
            expected_error.write_text(actual, encoding="utf-8")
        assert actual == expected_error.read_text(encoding="utf-8"), UPDATE_HINT
        return
    files = generate_files(inputs).files
    expected = case / "expected"
    if update:
        write_tree(expected, files)
    difference = diff_tree(expected, files)
    if difference:
        pytest.fail(f"{case.name} renders differently:\n{difference}\n{UPDATE_HINT}", pytrace=False)
