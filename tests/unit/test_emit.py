"""The one writer: whole-tree swaps, stale-file removal, no half-written output, diffs."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.emit.writer import diff_tree, read_tree, write_tree
from generator.errors import BadInputError


def test_write_replaces_the_tree_and_drops_stale_files(tmp_path: Path) -> None:
    output = tmp_path / "generated"
    write_tree(output, {"pkg/a.py": b"a\n", "pkg/stale.py": b"old\n"})
    write_tree(output, {"pkg/a.py": b"A\n", "manifest.json": b"{}\n"})
    assert read_tree(output) == {"manifest.json": b"{}\n", "pkg/a.py": b"A\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated"]


def test_a_failed_write_leaves_the_old_tree_untouched(tmp_path: Path) -> None:
    output = tmp_path / "generated"
    write_tree(output, {"pkg/a.py": b"a\n"})
    with pytest.raises(BadInputError, match="outside"):
        write_tree(output, {"pkg/b.py": b"b\n", "../escape.py": b"x\n"})
    assert read_tree(output) == {"pkg/a.py": b"a\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated"]


def test_an_interrupted_swap_is_recovered(tmp_path: Path) -> None:
    output = tmp_path / "generated"
    write_tree(output, {"a.py": b"a\n"})
    output.rename(tmp_path / "generated.backup-swap")  # as if killed between the two renames
    write_tree(output, {"b.py": b"b\n"})
    assert read_tree(output) == {"b.py": b"b\n"}
    assert not (tmp_path / "generated.backup-swap").exists()


def test_diff_shows_changed_added_and_removed_files(tmp_path: Path) -> None:
    output = tmp_path / "generated"
    write_tree(output, {"same.py": b"x\n", "changed.py": b"old\n", "extra.py": b"e\n"})
    difference = diff_tree(output, {"same.py": b"x\n", "changed.py": b"new\n", "new.py": b"n\n"})
    assert "--- a/changed.py\n+++ b/changed.py" in difference
    assert "-old\n+new\n" in difference
    assert "--- a/extra.py\n+++ /dev/null" in difference
    assert "--- /dev/null\n+++ b/new.py" in difference
    assert "same.py" not in difference
    assert diff_tree(output, read_tree(output)) == ""
