"""The one writer: replaces an output tree it owns with a rendered file map, or diffs against it.

`write_tree` renders the whole map into a fresh sibling directory, then swaps it into place with
two renames; the previous tree survives under a backup name until the new one is in place, so an
interrupted or failed run never leaves a half-written output (a leftover backup is restored on
the next run). Stale files disappear because the new tree contains only what was rendered.

Ownership: the writer only ever replaces a directory that is missing, empty, or holds nothing but
what an earlier run wrote — the files its `manifest.json` lists, the manifest itself, and Python's
caches. Anything else (a user's file, a `.git`, an unreadable manifest) refuses the run before a
byte is written, naming the first foreign paths. The project root, a directory holding the
working directory or the project, the home directory and the filesystem root are refused outright,
whatever they hold. `diff_tree` compares a file map with a directory and returns a unified diff.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from generator.errors import BadInputError

__all__ = [
    "MANIFEST_FILE",
    "check_output",
    "diff_tree",
    "foreign_entries",
    "read_tree",
    "write_tree",
]

MANIFEST_FILE = "manifest.json"
"""The file of a generated tree that lists every other file the generator wrote there."""

_BACKUP_PREFIX = ".backup-"
_DISPOSABLE_DIRS = frozenset({"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"})
"""Caches that tools leave beside generated code; the swap may drop them."""
_SHOWN = 5
"""How many foreign paths an ownership error names."""


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file below `root` as `{posix relative path: bytes}`; empty if `root` is missing."""
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def _owned_by_manifest(root: Path) -> frozenset[str] | None:
    """The paths the manifest in `root` says a run wrote, or None when there is no valid one."""
    try:
        manifest = json.loads((root / MANIFEST_FILE).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("generator") != "interactions-codegen":
        return None
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(isinstance(name, str) for name in files):
        return None
    return frozenset(files) | {MANIFEST_FILE}


def foreign_entries(root: Path, limit: int = _SHOWN + 1) -> list[str]:
    """Up to `limit` paths below `root` that no earlier run wrote (by its manifest), in order.

    A `.git` anywhere is foreign even if a manifest lists it; symbolic links are never followed.
    """
    owned = _owned_by_manifest(root) or frozenset()
    found: list[str] = []
    for directory, subdirectories, files in os.walk(root, followlinks=False):
        relative = Path(directory).relative_to(root)
        subdirectories.sort()
        for name in list(subdirectories):
            path = relative / name
            if name in _DISPOSABLE_DIRS:
                subdirectories.remove(name)
            elif name == ".git" or (Path(directory) / name).is_symlink():
                found.append(path.as_posix() + "/")
                subdirectories.remove(name)
        for name in sorted(files):
            posix = (relative / name).as_posix()
            if name == ".git" or posix not in owned:
                found.append(posix)
        if len(found) >= limit:
            break
    return sorted(found)[:limit]


def _refuse_protected(output: Path, protected: Iterable[Path]) -> None:
    """Refuse outright a directory that is or holds the project, the cwd, a repository or a home."""
    for place in sorted({place.resolve() for place in (*protected, Path.cwd())}):
        if place == output or output in place.parents:
            raise BadInputError(
                f"refusing to write into {output}: it is or contains {place} (the project or the "
                f"working directory), and the generator replaces its output directory wholesale. "
                f"Pass --out a new or empty directory, or one an earlier run generated."
            )
    if output in (Path(output.anchor), Path.home().resolve()) or (output / ".git").exists():
        raise BadInputError(
            f"refusing to write into {output}: it is a repository, a home directory or a "
            f"filesystem root, and the generator replaces its output directory wholesale. Pass "
            f"--out a new or empty directory, or one an earlier run generated."
        )


def _refuse_foreign(output: Path, what: str = "it") -> None:
    foreign = foreign_entries(output)
    if not foreign:
        return
    shown = ", ".join(foreign[:_SHOWN]) + (", …" if len(foreign) > _SHOWN else "")
    raise BadInputError(
        f"refusing to write into {output}: {what} holds files interactions-codegen did not write "
        f"({shown}). The generator replaces only a directory that is new, empty or holds "
        f"nothing but what its {MANIFEST_FILE} lists, so nothing of yours is lost; move those "
        f"files away or choose another --out directory."
    )


def _backup_for(output: Path) -> Path:
    return output.parent / f"{output.name}{_BACKUP_PREFIX}swap"


def _recover(output: Path) -> None:
    backup = _backup_for(output)
    if backup.exists() and not output.exists():
        os.rename(backup, output)
    elif backup.exists():
        _refuse_foreign(backup, f"the leftover backup {backup.name}")
        shutil.rmtree(backup)


def check_output(output: Path, protected: Iterable[Path] = ()) -> None:
    """Refuse now what `write_tree` would refuse, before the expensive work of generating."""
    output = output.resolve()
    _refuse_protected(output, protected)
    if output.exists() and not output.is_dir():
        raise BadInputError(f"refusing to write into {output}: it is a file, not a directory.")
    if output.exists():
        _refuse_foreign(output)


def write_tree(output: Path, files: Mapping[str, bytes], protected: Iterable[Path] = ()) -> None:
    """Replace the directory `output` with exactly `files`, never leaving it half-written.

    Refuses (BadInputError, nothing written) when `output` is or contains one of `protected`
    (the project root), the working directory, a repository, a home or a filesystem root, or
    when it holds anything an earlier run did not write.
    """
    output = output.resolve()
    check_output(output, protected)
    for name in files:
        if name.startswith("/") or ".." in Path(name).parts or "\\" in name or "\0" in name:
            raise BadInputError(f"refusing to write {name!r} outside {output}.")
    output.parent.mkdir(parents=True, exist_ok=True)
    _recover(output)
    if output.exists():
        _refuse_foreign(output)
    staging = Path(tempfile.mkdtemp(prefix=f"{output.name}.tmp-", dir=output.parent))
    try:
        for name, data in sorted(files.items()):
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
