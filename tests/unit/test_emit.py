"""The one writer: whole-tree swaps, stale-file removal, no half-written output, diffs, and the
ownership rule (it replaces only what its manifest says an earlier run wrote)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.emit.writer import MANIFEST_FILE, diff_tree, read_tree, write_tree
from generator.errors import BadInputError


def generated(files: dict[str, bytes]) -> dict[str, bytes]:
    """A file map as the pipeline makes it: the files plus a manifest listing them."""
    manifest = {"generator": "interactions-codegen", "files": {name: "" for name in files}}
    return {**files, MANIFEST_FILE: json.dumps(manifest).encode()}


def test_write_replaces_the_tree_and_drops_stale_files(tmp_path: Path) -> None:
    output = tmp_path / "generated"
    write_tree(output, generated({"pkg/a.py": b"a\n", "pkg/stale.py": b"old\n"}))
    write_tree(output, generated({"pkg/a.py": b"A\n"}))
    assert set(read_tree(output)) == {MANIFEST_FILE, "pkg/a.py"}
    assert read_tree(output)["pkg/a.py"] == b"A\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated"]


def test_a_failed_write_leaves_the_old_tree_untouched(tmp_path: Path) -> None:
    output = tmp_path / "generated"
    write_tree(output, generated({"pkg/a.py": b"a\n"}))
    before = read_tree(output)
    with pytest.raises(BadInputError, match="outside"):
        write_tree(output, generated({"pkg/b.py": b"b\n", "../escape.py": b"x\n"}))
    assert read_tree(output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated"]


def test_an_interrupted_swap_is_recovered(tmp_path: Path) -> None:
    output = tmp_path / "generated"
    write_tree(output, generated({"a.py": b"a\n"}))
    output.rename(tmp_path / "generated.backup-swap")  # as if killed between the two renames
    write_tree(output, generated({"b.py": b"b\n"}))
    assert set(read_tree(output)) == {MANIFEST_FILE, "b.py"}
    assert not (tmp_path / "generated.backup-swap").exists()


def test_python_caches_beside_generated_code_do_not_block_a_rewrite(tmp_path: Path) -> None:
    output = tmp_path / "generated"
    write_tree(output, generated({"pkg/a.py": b"a\n"}))
    (output / "pkg/__pycache__").mkdir()
    (output / "pkg/__pycache__/a.cpython-311.pyc").write_bytes(b"\0")
    write_tree(output, generated({"pkg/a.py": b"A\n"}))
    assert set(read_tree(output)) == {MANIFEST_FILE, "pkg/a.py"}


def test_a_users_file_in_the_output_refuses_the_run_and_survives(tmp_path: Path) -> None:
    output = tmp_path / "generated"
    write_tree(output, generated({"pkg/a.py": b"a\n"}))
    (output / "pkg/notes.txt").write_text("mine\n")
    before = read_tree(output)
    with pytest.raises(BadInputError, match=r"did not write \(pkg/notes\.txt\)") as raised:
        write_tree(output, generated({"pkg/a.py": b"A\n"}))
    assert "\n" not in raised.value.message
    assert read_tree(output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated"]


@pytest.mark.parametrize(
    "setup",
    [
        {"report.docx": b"x"},  # a user's folder, no manifest
        {MANIFEST_FILE: b"not json", "a.py": b"a\n"},  # a manifest that is not ours
        {MANIFEST_FILE: json.dumps({"generator": "other", "files": {"a.py": ""}}).encode()},
    ],
    ids=["no-manifest", "unreadable-manifest", "someone-elses-manifest"],
)
def test_a_folder_the_generator_did_not_write_is_refused(
    tmp_path: Path, setup: dict[str, bytes]
) -> None:
    output = tmp_path / "mine"
    output.mkdir()
    for name, data in setup.items():
        (output / name).write_bytes(data)
    with pytest.raises(BadInputError, match="did not write"):
        write_tree(output, generated({"a.py": b"a\n"}))
    assert read_tree(output) == setup


def test_a_repository_is_never_replaced_even_with_a_forged_manifest(tmp_path: Path) -> None:
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    (repository / ".git/HEAD").write_text("ref: refs/heads/main\n")
    forged = generated({".git/HEAD": b""})
    (repository / MANIFEST_FILE).write_bytes(forged[MANIFEST_FILE])
    with pytest.raises(BadInputError, match="repository"):
        write_tree(repository, generated({"a.py": b"a\n"}))
    nested = tmp_path / "out"
    (nested / "vendored/.git").mkdir(parents=True)
    with pytest.raises(BadInputError, match=r"vendored/\.git/"):
        write_tree(nested, generated({"a.py": b"a\n"}))
    assert (repository / ".git/HEAD").read_text() == "ref: refs/heads/main\n"
    assert (nested / "vendored/.git").is_dir()


def test_the_project_its_parents_and_the_working_directory_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "work/project"
    (project / "generated").mkdir(parents=True)
    monkeypatch.chdir(project / "generated")
    for target in (project, tmp_path / "work", tmp_path, project / "generated"):
        with pytest.raises(BadInputError, match="refusing to write into"):
            write_tree(target, generated({"a.py": b"a\n"}), protected=(project,))
    with pytest.raises(BadInputError, match="refusing to write into /:"):
        write_tree(Path("/"), generated({"a.py": b"a\n"}))
    assert project.is_dir() and list(project.iterdir()) == [project / "generated"]


def test_a_foreign_leftover_backup_is_not_removed(tmp_path: Path) -> None:
    output = tmp_path / "generated"
    write_tree(output, generated({"a.py": b"a\n"}))
    (tmp_path / "generated.backup-swap").mkdir()
    (tmp_path / "generated.backup-swap/keep.txt").write_text("mine\n")
    with pytest.raises(BadInputError, match="backup"):
        write_tree(output, generated({"a.py": b"A\n"}))
    assert (tmp_path / "generated.backup-swap/keep.txt").read_text() == "mine\n"


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
