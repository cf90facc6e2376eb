"""Formatting the rendered file map with the pinned ruff, in one run over the whole tree.

The Python files are written to a scratch directory, sorted-imports-fixed and formatted by ruff
with settings given on the command line (`--isolated`), so the bytes never depend on a user's
configuration; the formatted text comes back as a new file map. Files that are not Python pass
through untouched. A ruff failure means a template produced invalid Python and is reported with
the file name.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ruff import find_ruff_bin  # type: ignore[import-untyped]

from generator.errors import BadInputError

__all__ = ["RUFF_SETTINGS", "format_files"]

RUFF_SETTINGS = ("--isolated", "--line-length", "100", "--target-version", "py311")


def _run(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [find_ruff_bin(), *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def format_files(files: Mapping[str, str]) -> dict[str, str]:
    """Return `files` with every `.py` file import-sorted and formatted by ruff."""
    python_files = sorted(name for name in files if name.endswith(".py"))
    if not python_files:
        return dict(files)
    with tempfile.TemporaryDirectory(prefix="interactions-codegen-format-") as scratch:
        root = Path(scratch)
        for name in python_files:
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(files[name], encoding="utf-8")
        steps = [
            ["format", *RUFF_SETTINGS, "--quiet", "."],
            # import order and `__all__` order (RUF022), which ruff fixes but does not format
            [
                "check",
                *RUFF_SETTINGS,
                "--select",
                "I,RUF022",
                "--fix",
                "--quiet",
                "--exit-zero",
                ".",
            ],
            ["format", *RUFF_SETTINGS, "--quiet", "."],
        ]
        for step in steps:
            result = _run(step, root)
            if result.returncode != 0:
                detail = (result.stderr or result.stdout).strip().replace(str(root) + "/", "")
                raise BadInputError(
                    f"ruff could not format the rendered output (a template produced invalid "
                    f"Python): {detail}"
                )
        formatted = dict(files)
        for name in python_files:
            formatted[name] = (root / name).read_text(encoding="utf-8")
    return formatted
