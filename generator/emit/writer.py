"""The one writer: replaces an output tree with a rendered file map, or diffs against it.

`write_tree` renders the whole map into a fresh sibling directory, then swaps it into place with
two renames; the previous tree survives under a backup name until the new one is in place, so an
interrupted or failed run never leaves a half-written output (a leftover backup is restored on
the next run). Stale files disappear because the new tree contains only what was rendered.
`diff_tree` compares a file map with a directory and returns a unified diff (empty when equal).
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from generator.errors import BadInputError

__all__ = ["diff_tree", "read_tree", "write_tree"]

_BACKUP_PREFIX = ".backup-"


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file below `root` as `{posix relative path: bytes}`; empty if `root` is missing."""
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def _backup_for(output: Path) -> Path:
    return output.parent / f"{output.name}{_BACKUP_PREFIX}swap"


def _recover(output: Path) -> None:
    backup = _backup_for(output)
    if backup.exists() and not output.exists():
        os.rename(backup, output)
    elif backup.exists():
        shutil.rmtree(backup)


def write_tree(output: Path, files: Mapping[str, bytes]) -> None:
    """Replace the directory `output` with exactly `files`, never leaving it half-written."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    _recover(output)
    staging = Path(tempfile.mkdtemp(prefix=f"{output.name}.tmp-", dir=output.parent))
    try:
        for name, data in sorted(files.items()):
            if name.startswith("/") or ".." in Path(name).parts:
                raise BadInputError(f"refusing to write {name!r} outside {output}.")
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        backup = _backup_for(output)
        if output.exists():
            os.rename(output, backup)
        os.rename(staging, output)
        if backup.exists():
            shutil.rmtree(backup)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        _recover(output)
        raise


def diff_tree(output: Path, files: Mapping[str, bytes]) -> str:
    """A unified diff from the tree on disk (a/) to the rendered `files` (b/); "" when equal."""
    on_disk = read_tree(output)
    chunks: list[str] = []
    for name in sorted(set(on_disk) | set(files)):
        old, new = on_disk.get(name), files.get(name)
        if old == new:
            continue
        label_old = f"a/{name}" if old is not None else "/dev/null"
        label_new = f"b/{name}" if new is not None else "/dev/null"
        if _is_binary(old) or _is_binary(new):
            chunks.append(f"--- {label_old}\n+++ {label_new}\n@@ binary files differ @@\n")
            continue
        old_lines = _lines(old)
        new_lines = _lines(new)
        diff = difflib.unified_diff(old_lines, new_lines, label_old, label_new)
        text = "".join(diff)
        if not text:  # an empty file appeared or disappeared: no lines to show
            state = "empty file added" if old is None else "empty file removed"
            text = f"--- {label_old}\n+++ {label_new}\n@@ {state} @@\n"
        chunks.append(text)
    return "".join(chunks)


def _is_binary(data: bytes | None) -> bool:
    if data is None:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return b"\0" in data


def _lines(data: bytes | None) -> list[str]:
    if data is None:
        return []
    text = data.decode("utf-8", errors="replace")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines
