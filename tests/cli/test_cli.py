"""The command line over a scratch copy of the project: success paths, `check`, and bad input.

Every bad input must produce one clear paragraph naming the culprit, the documented exit code,
and an untouched `generated/` tree.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.emit.writer import read_tree


def run(project: Path, *arguments: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as raised:
        main(["--project", str(project), *arguments])
        raise SystemExit(0)
    captured = capsys.readouterr()
    code = raised.value.code
    return (code if isinstance(code, int) else 0), captured.out, captured.err


def test_check_passes_on_the_committed_tree(
    scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(scratch_project, "check", capsys=capsys)
    assert code == 0 and "generated/ is current" in out


def test_check_fails_with_a_diff_after_any_byte_changes(
    scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = scratch_project / "generated/gemini_interactions/rules.py"
    data = bytearray(target.read_bytes())
    data[200] = ord("#") if data[200] != ord("#") else ord("!")
    target.write_bytes(bytes(data))
    code, out, err = run(scratch_project, "check", capsys=capsys)
    assert code == 1
    assert "--- a/gemini_interactions/rules.py" in out
    assert "make generate" in err


def test_check_notices_stale_and_missing_files(
    scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (scratch_project / "generated/gemini_interactions/stale.py").write_text("x = 1\n")
    (scratch_project / "generated/gemini_interactions/py.typed").unlink()
    code, out, _ = run(scratch_project, "check", capsys=capsys)
    assert code == 1
    assert "+++ /dev/null" in out and "+++ b/gemini_interactions/py.typed" in out


def test_generate_restores_the_tree_and_removes_stale_files(
    scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = read_tree(scratch_project / "generated")
    # a file an earlier run wrote (its manifest lists it) that this run no longer renders
    (scratch_project / "generated/gemini_interactions/stale.py").write_text("x = 1\n")
    manifest_path = scratch_project / "generated/manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["files"]["gemini_interactions/stale.py"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest))
    code, out, _ = run(scratch_project, "generate", capsys=capsys)
    assert code == 0 and "generated" in out
    assert read_tree(scratch_project / "generated") == before


def test_generate_refuses_an_output_holding_a_users_file(
    scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (scratch_project / "generated/gemini_interactions/my_helpers.py").write_text("x = 1\n")
    before = read_tree(scratch_project / "generated")
    code, _, err = run(scratch_project, "generate", capsys=capsys)
    assert code == 2 and err.count("\n") == 1, err
    assert "did not write (gemini_interactions/my_helpers.py)" in err
    assert read_tree(scratch_project / "generated") == before


def _project_snapshot(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*"))


@pytest.mark.parametrize("out", [".", "..", "generated/..", "HOME"])
def test_generate_out_never_replaces_the_checkout_or_its_parents(
    out: str,
    scratch_project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`--out .` in a checkout used to rename the project (with `.git`) away and delete it."""
    (scratch_project / ".git").mkdir()
    (scratch_project / ".git/HEAD").write_text("ref: refs/heads/main\n")
    monkeypatch.chdir(scratch_project)
    monkeypatch.setenv("HOME", str(scratch_project.parent))
    before = _project_snapshot(scratch_project.parent)
    out = str(scratch_project.parent) if out == "HOME" else out  # as the shell expands `~`
    code, _, err = run(scratch_project, "generate", "--out", out, capsys=capsys)
    assert code == 2 and err.startswith("error: refusing to write into "), err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert _project_snapshot(scratch_project.parent) == before


def test_generate_out_into_a_users_folder_keeps_their_files(
    scratch_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "client"
    folder.mkdir()
    (folder / "notes.md").write_text("mine\n")
    code, _, err = run(scratch_project, "generate", "--out", str(folder), capsys=capsys)
    assert code == 2 and "did not write (notes.md)" in err
    assert [p.name for p in folder.iterdir()] == ["notes.md"]
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, _ = run(scratch_project, "generate", "--out", str(empty), capsys=capsys)
    assert code == 0 and (empty / "manifest.json").is_file()
    code, _, _ = run(scratch_project, "generate", "--out", str(empty), capsys=capsys)
    assert code == 0, "a tree the generator wrote is its own to replace"


def test_launch_target_needs_out_and_generates_there(
    scratch_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(scratch_project, "generate", "--target", "launch", capsys=capsys)
    assert code == 2 and "pass --out DIR" in err
    out_dir = tmp_path / "launch-client"
    code, _, _ = run(
        scratch_project, "generate", "--target", "launch", "--out", str(out_dir), capsys=capsys
    )
    assert code == 0
    manifest = json.loads((out_dir / "manifest.json").read_text())
    assert manifest["spec"]["snapshot"] == "v1beta-2025-12-20"
    assert manifest["api_revision"] is None


def test_apply_writes_the_patched_spec(
    scratch_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "patched.json"
    code, _, _ = run(scratch_project, "apply", "--out", str(out), capsys=capsys)
    assert code == 0
    assert json.loads(out.read_text())["openapi"] == "3.0.3"


def test_fetch_spec_verifies_every_pinned_file(
    scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(scratch_project, "--offline", "fetch-spec", capsys=capsys)
    assert code == 0
    assert out.count(" ok (") == 9


def test_every_command_has_help(scratch_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for command in (
        "generate",
        "check",
        "fetch-spec",
        "apply",
        "pin-spec",
        "report",
        "drift",
        "spec-diff",
        "probe",
    ):
        code, out, _ = run(scratch_project, command, "--help", capsys=capsys)
        assert code == 0 and "Usage:" in out, command


def _overlay(project: Path, name: str, text: str) -> None:
    (project / "overlays/current" / name).write_text(text, encoding="utf-8")


BAD_INPUTS: dict[str, tuple[Callable[[Path], object], int, str]] = {
    "malformed-yaml": (
        lambda p: _overlay(p, "99-bad.yaml", "overlay: 1.1.0\nactions:\n  - target: [\n"),
        2,
        "overlays/current/99-bad.yaml:4:1: malformed YAML",
    ),
    "unknown-action-key": (
        lambda p: _overlay(
            p,
            "99-bad.yaml",
            "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions:\n"
            "  - target: $.info\n    description: d\n    updaet: {x-a: 1}\n",
        ),
        2,
        "overlays/current/99-bad.yaml: not a valid Overlay 1.1 document: at $.actions[0]: "
        "Unevaluated properties are not allowed ('updaet' was unexpected)",
    ),
    "invalid-jsonpath": (
        lambda p: _overlay(
            p,
            "99-bad.yaml",
            "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions:\n"
            "  - target: $.paths[?@.x ==]\n    description: d\n    update: {}\n",
        ),
        2,
        "overlays/current/99-bad.yaml: action 0: "
        "invalid JSONPath in target '$.paths[?@.x ==]' at position",
    ),
    "zero-match": (
        lambda p: _overlay(
            p,
            "99-bad.yaml",
            "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions:\n"
            "  - target: $.components.schemas.NoSuchSchema\n    description: d\n    update: {}\n",
        ),
        1,
        "overlays/current/99-bad.yaml: action 0 (target $.components.schemas.NoSuchSchema): "
        "the target selects nothing",
    ),
    "alias-bomb": (
        lambda p: _overlay(
            p,
            "99-bomb.yaml",
            "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nx-l0: &l0 [a, a, a, a, a, a, a, a]\n"
            + "".join(f"x-l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 8)}]\n" for i in range(1, 12))
            + "actions: []\n",
        ),
        2,
        "overlays/current/99-bomb.yaml:9:7: YAML anchors and aliases here expand to more than",
    ),
    "template-undefined": (
        lambda p: (p / "templates/package/rules.py.jinja").write_text("{{ no_such_value }}\n"),
        2,
        "templates/package/rules.py.jinja: the template uses an undefined value",
    ),
    "template-syntax": (
        lambda p: (p / "templates/package/rules.py.jinja").write_text("{% for %}\n"),
        2,
        "templates/package/rules.py.jinja:1: template syntax error",
    ),
    "template-invalid-python": (
        lambda p: (p / "templates/package/rules.py.jinja").write_text("def broken(:\n"),
        2,
        "ruff could not format the rendered output",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_reported_and_leaves_generated_untouched(
    case: str, scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    breaker, expected_code, expected_message = BAD_INPUTS[case]
    before = read_tree(scratch_project / "generated")
    breaker(scratch_project)
    code, _, err = run(scratch_project, "generate", capsys=capsys)
    assert code == expected_code, err
    assert err.startswith("error: ") and expected_message in err, err
    assert err.count("\n") == 1, "one paragraph"
    assert "Traceback" not in err
    assert read_tree(scratch_project / "generated") == before


def test_spec_hash_mismatch_is_refused(
    scratch_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "2026-10-07-6f3d064c.openapi.json").write_text('{"openapi": "3.0.3"}')
    before = read_tree(scratch_project / "generated")
    code, _, err = run(
        scratch_project, "--mirror", str(mirror), "--offline", "generate", capsys=capsys
    )
    assert code == 2
    assert "sha256 mismatch for snapshot 'v1beta-2026-10-07'" in err
    assert (
        "expected 6f3d064c9b711b84e8b71a9a03533aaf1f8ed006adcf7697ffacf8c192baa419, actual" in err
    )
    assert read_tree(scratch_project / "generated") == before


def test_missing_mirror_and_no_network(
    scratch_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = read_tree(scratch_project / "generated")
    code, _, err = run(
        scratch_project,
        "--mirror",
        str(tmp_path / "absent"),
        "--offline",
        "generate",
        capsys=capsys,
    )
    assert code == 2
    assert "'v1beta-2026-10-07'" in err and "not in the cache or the mirror" in err
    assert read_tree(scratch_project / "generated") == before


def test_unknown_target_is_bad_input(
    scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(scratch_project, "generate", "--target", "nope", capsys=capsys)
    assert code == 2 and "no target named 'nope'" in err


def test_drift_on_the_pinned_spec_is_clean_and_on_the_launch_spec_is_not(
    scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    versions = scratch_project.parent / "shared" / "upstream" / "versions"
    code, out, _ = run(
        scratch_project,
        "drift",
        "--spec",
        str(versions / "2026-10-07-6f3d064c.openapi.json"),
        capsys=capsys,
    )
    assert code == 0 and "applied" in out and " broken" in out
    assert "broken   " not in out
    code, out, err = run(
        scratch_project,
        "drift",
        "--spec",
        str(versions / "2025-12-20-86850da3.openapi.json"),
        capsys=capsys,
    )
    assert code == 1 and "broken   " in out and "some overlay actions are broken" in err


def test_spec_diff_summarizes_two_revisions(
    scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    versions = scratch_project.parent / "shared" / "upstream" / "versions"
    code, out, _ = run(
        scratch_project,
        "spec-diff",
        str(versions / "2026-05-28-4703f1c1.openapi.json"),
        str(versions / "2026-10-07-6f3d064c.openapi.json"),
        capsys=capsys,
    )
    assert code == 0
    assert "- schema `Voice` added (object)" in out
    assert "operation `ListVoices` added" in out


def test_report_matches_the_committed_overlays_md(
    scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(scratch_project, "report", capsys=capsys)
    assert code == 0
    assert out == (scratch_project / "generated" / "OVERLAYS.md").read_text(encoding="utf-8")


def test_probe_without_a_key_says_it_skipped(
    scratch_project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    code, out, _ = run(scratch_project, "probe", capsys=capsys)
    assert code == 0
    assert out.startswith("skipped: GEMINI_API_KEY is not set")
    assert "pass " not in out


def test_pin_spec_adds_a_verifiable_lock_entry(
    scratch_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "2027-01-15-new.openapi.json"
    spec.write_text(
        '{"openapi": "3.0.3", "info": {"title": "t", "version": "v1beta"}, "paths": {}}'
    )
    code, out, _ = run(
        scratch_project,
        "pin-spec",
        str(spec),
        "--name",
        "v1beta-2027-01-15",
        "--retrieved",
        "2027-01-15",
        capsys=capsys,
    )
    assert code == 0 and "pinned v1beta-2027-01-15" in out
    code, out, _ = run(
        scratch_project,
        "--mirror",
        str(tmp_path),
        "--offline",
        "fetch-spec",
        "--snapshot",
        "v1beta-2027-01-15",
        capsys=capsys,
    )
    assert code == 0 and "v1beta-2027-01-15: sha256" in out
    code, _, err = run(
        scratch_project,
        "pin-spec",
        str(spec),
        "--name",
        "v1beta-2027-01-15",
        "--retrieved",
        "2027-01-15",
        capsys=capsys,
    )
    assert code == 2 and "already pinned" in err


@pytest.mark.parametrize(
    "name",
    ["../../escaped", "a/b", "v1\nkind: spec", "..", ".hidden", "x" * 101, "tab\there", ""],
)
def test_pin_spec_refuses_an_unsafe_name_and_leaves_the_lock_alone(
    name: str, scratch_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "new.openapi.json"
    spec.write_text('{"openapi": "3.0.3", "paths": {}}')
    lock = scratch_project / "spec/lock.yaml"
    before = lock.read_bytes()
    code, _, err = run(
        scratch_project,
        "pin-spec",
        str(spec),
        "--name",
        name,
        "--retrieved",
        "2027-01-15",
        capsys=capsys,
    )
    assert code == 2 and "pin-spec --name: snapshot name" in err, err
    assert err.count("\n") == 1
    assert lock.read_bytes() == before
    assert not (scratch_project.parent / "escaped").exists()
    code, _, _ = run(scratch_project, "--offline", "fetch-spec", capsys=capsys)
    assert code == 0, "the lock still reads"


def test_pin_spec_refuses_a_bad_date_or_url(
    scratch_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "new.openapi.json"
    spec.write_text("{}")
    before = (scratch_project / "spec/lock.yaml").read_bytes()
    for option, value, message in (
        ("--retrieved", '2027"\nnote: x', "not a date"),
        ("--url", "https://x/ y\n  - name: z", "not an http(s) URL"),
    ):
        arguments = {"--retrieved": "2027-01-15", "--url": "https://example.com/a.json"}
        arguments[option] = value
        code, _, err = run(
            scratch_project,
            "pin-spec",
            str(spec),
            "--name",
            "v1beta-2027-01-15",
            *[part for pair in arguments.items() for part in pair],
            capsys=capsys,
        )
        assert code == 2 and message in err, err
    assert (scratch_project / "spec/lock.yaml").read_bytes() == before


def test_probe_with_a_key_logs_its_run_and_the_report_shows_it(
    scratch_project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import httpx
    import yaml

    from generator.audit import probe as probe_module

    real_run = probe_module.run_probes

    def answering(probes: Any, key: Any, revision: Any, **_: Any) -> Any:
        # a stand-in API that answers each probe as its fact predicts: nothing leaves the machine
        expected = iter(
            [
                httpx.Response(200, json={"id": "v1_x"})
                if p.accepted
                else httpx.Response(400, text=f"error: {p.fragment}")
                for p in probes
                for _ in range(2 if p.then else 1)
            ]
        )
        return real_run(probes, key, revision, send=lambda *args: next(expected))

    monkeypatch.setattr(probe_module, "run_probes", answering)
    monkeypatch.setenv("GEMINI_API_KEY", "test-key")
    log_path = scratch_project / "overlays/probe-log.yaml"
    assert yaml.safe_load(log_path.read_text())["runs"] == []
    code, out, _ = run(scratch_project, "probe", capsys=capsys)
    assert code == 0 and "logged this run in overlays/probe-log.yaml" in out
    text = log_path.read_text()
    assert text.startswith("# Results of `make probe`"), "the file's comments are kept"
    (logged,) = yaml.safe_load(text)["runs"]
    assert logged["target"] == "current" and logged["results"]
    assert {result["verdict"] for result in logged["results"]} == {"pass"}
    code, report, _ = run(scratch_project, "report", capsys=capsys)
    row = next(
        line for line in report.splitlines() if "(#overlays-current-40-requests-yaml-11)" in line
    )
    assert f"`function-tool-empty-required`: pass on {logged['ran']}, model " in row
    assert "never run" not in report.split("## Corrections")[1].split("## Contradictions")[0]
