"""Shared fixtures: the project root, the shared material beside it, and scratch projects."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from generator.load.config import load_project_config
from generator.load.documents import JsonValue, parse_document
from generator.load.fetch import Fetcher

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared"
GENERATED = PROJECT_ROOT / "generated"

# The generated package is tested where it is committed, exactly as users vendor it.
if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite the expected trees of tests/cases/ instead of comparing against them.",
    )


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"the shared material is missing: expected it at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def overlay_schemas() -> dict[str, JsonValue]:
    """The official Overlay JSON Schemas, resolved through the lock like any pinned input."""
    config = load_project_config(PROJECT_ROOT)
    fetcher = Fetcher(PROJECT_ROOT, download=None)
    return {
        name.rsplit("-", 1)[-1]: parse_document(fetcher.resolve(entry).data, entry.file)
        for name, entry in config.lock.items()
        if entry.kind == "overlay-schema"
    }


@pytest.fixture
def scratch_project(tmp_path: Path) -> Path:
    """A copy of the project (config, overlays, templates, generated tree) in a temp directory.

    The copy sits in `<tmp>/work/project` with `<tmp>/work/shared` linked to the real shared
    material, so default mirrors resolve exactly as they do for the real project.
    """
    work = tmp_path / "work"
    project = work / "project"
    project.mkdir(parents=True)
    (work / "shared").symlink_to(SHARED)
    for name in ("codegen.yaml",):
        shutil.copy2(PROJECT_ROOT / name, project / name)
    for directory in ("spec", "overlays", "templates", "runtime", "generated"):
        shutil.copytree(
            PROJECT_ROOT / directory,
            project / directory,
            ignore=shutil.ignore_patterns(".cache", "__pycache__"),
        )
    return project
