"""The API change report: what a regeneration changes in the generated package's public API.

- the `api-changes` golden case (an overlay removes `Thing.colour` and adds `Thing.shade`,
  compared with the case generated before the overlay) names the removal as breaking and the
  addition as not, each traced to the overlay action that caused it;
- regenerating over its own output carries the report over byte for byte;
- on a copy of the real project, `generate` prints the one-line summary, `check` shows it, and a
  second `generate` leaves `API_CHANGES.md` as it was;
- the classification rules (what breaks a caller) and a damaged baseline file.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from generator.pipeline import (
    API_CHANGES_FILE,
    API_SURFACE_FILE,
    MANIFEST_FILE,
    generate_files,
)
from generator.report.api_changes import compare
from tests.cli.test_cli import run
from tests.test_golden_cases import CASES_DIR, case_inputs

CASE = CASES_DIR / "api-changes"
RENAME = "tests/cases/api-changes/overlays/10-rename.yaml"


def test_a_removed_field_is_breaking_and_an_added_one_is_not(
    overlay_schemas: dict[str, object],
) -> None:
    result = generate_files(case_inputs(CASE, overlay_schemas))
    assert result.api_changes is not None
    texts = {(c["severity"], c["text"]) for c in result.api_changes.changes}
    assert texts == {
        ("breaking", "field `Thing.colour` removed"),
        ("breaking", "parameter `colour` of `client.things.create()` removed"),
        ("compatible", "field `Thing.shade` added (str, optional)"),
        ("compatible", "parameter `shade` of `client.things.create()` added (str, optional)"),
    }
    report = result.files[API_CHANGES_FILE].decode("utf-8")
    breaking, compatible = report.split("## Compatible changes")
    assert (
        f"- **breaking**: field `Thing.colour` removed — cause: overlay action `{RENAME}#0` (added)"
        in breaking.splitlines()
    )
    assert "shade" not in breaking
    assert (
        f"- field `Thing.shade` added (str, optional) — cause: overlay action `{RENAME}#1` (added)"
        in compatible.splitlines()
    )
    assert result.api_changes.summary().startswith(
        "2 breaking changes: field `Thing.colour` removed; parameter `colour`"
    )


def test_regenerating_over_the_output_is_byte_identical(
    overlay_schemas: dict[str, object],
) -> None:
    first = generate_files(case_inputs(CASE, overlay_schemas)).files
    inputs = dataclasses.replace(
        case_inputs(CASE, overlay_schemas),
        previous_manifest=first[MANIFEST_FILE],
        previous_surface=first[API_SURFACE_FILE],
    )
    second = generate_files(inputs).files
    assert second == first  # the report (breaking changes included) is carried over
    again = dataclasses.replace(
        inputs, previous_manifest=second[MANIFEST_FILE], previous_surface=second[API_SURFACE_FILE]
    )
    assert generate_files(again).files == first


def test_a_damaged_baseline_compares_with_nothing(overlay_schemas: dict[str, object]) -> None:
    inputs = case_inputs(CASE, overlay_schemas)
    for surface in (b"{not json", b'{"types": {"Thing": 3}, "methods": []}'):
        result = generate_files(dataclasses.replace(inputs, previous_surface=surface))
        assert result.api_changes is not None and result.api_changes.changes == ()
        assert "nothing" in result.api_changes.baseline


def _model(fields: dict[str, tuple[str, bool]], request: bool = False) -> dict[str, object]:
    return {
        "kind": "model",
        "schema": "M",
        "request": request,
        "fields": {name: {"type": t, "required": r} for name, (t, r) in fields.items()},
    }


def _method(params: dict[str, tuple[str, bool]], returns: str = "M") -> dict[str, object]:
    return {
        "operation": "Op",
        "route": ["post", "/m"],
        "body": ["M"],
        "params": {name: {"type": t, "required": r} for name, (t, r) in params.items()},
        "returns": returns,
    }


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (  # a response field that may now be absent reads as None
            {"types": {"M": _model({"a": ("str", True)})}},
            {"types": {"M": _model({"a": ("str", False)})}},
            [("breaking", "field `M.a` became optional")],
        ),
        (  # a request field that becomes required fails calls that leave it out
            {"types": {"M": _model({"a": ("str", False)}, request=True)}},
            {"types": {"M": _model({"a": ("str", True)}, request=True)}},
            [("breaking", "field `M.a` became required")],
        ),
        (  # a response field that becomes required breaks nobody
            {"types": {"M": _model({"a": ("str", False)})}},
            {"types": {"M": _model({"a": ("str", True)})}},
            [("compatible", "field `M.a` became required")],
        ),
        (
            {"types": {"M": _model({"a": ("int", False)})}},
            {"types": {"M": _model({"a": ("str", False)})}},
            [("breaking", "field `M.a` changed type: int → str")],
        ),
        (
            {"types": {"E": {"kind": "enum", "schema": "E", "values": ["x", "y"]}}},
            {"types": {"E": {"kind": "enum", "schema": "E", "values": ["x", "z"]}}},
            [("breaking", "enum `E` lost value `y`"), ("compatible", "enum `E` gained value `z`")],
        ),
        (
            {"methods": {"client.m.create": _method({"a": ("str", False)})}},
            {"methods": {"client.m.create": _method({"a": ("str", False), "b": ("int", True)})}},
            [("breaking", "parameter `b` of `client.m.create()` added (int, required)")],
        ),
        (  # a parameter that accepts more breaks no call; one that accepts less does
            {"methods": {"client.m.create": _method({"a": ("list[A | B]", False)})}},
            {"methods": {"client.m.create": _method({"a": ("list[A | B] | str", False)})}},
            [
                (
                    "compatible",
                    "parameter `a` of `client.m.create()` widened type: list[A | B] → "
                    "list[A | B] | str",
                )
            ],
        ),
        (
            {"methods": {"client.m.create": _method({"a": ("str | int", False)})}},
            {"methods": {"client.m.create": _method({"a": ("str", False)})}},
            [("breaking", "parameter `a` of `client.m.create()` changed type: str | int → str")],
        ),
        (
            {"methods": {"client.m.create": _method({})}},
            {"methods": {"client.m.create": _method({}, returns="N")}},
            [("breaking", "`client.m.create()` returns N (was M)")],
        ),
        (
            {"methods": {"client.m.create": _method({}), "client.m.get": _method({})}},
            {"methods": {"client.m.create": _method({})}},
            [("breaking", "method `client.m.get()` removed")],
        ),
    ],
)
def test_what_breaks_a_caller(
    old: dict[str, object], new: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    assert [(c["severity"], c["text"]) for c in compare(old, new)] == expected


def _overlay(project: Path) -> None:
    (project / "overlays/current/90-api-change.yaml").write_text(
        "overlay: 1.1.0\n"
        "info: {title: an API change, version: '1'}\n"
        "actions:\n"
        "  - target: $.components.schemas.UrlCitation.properties.title\n"
        "    description: a test removal\n"
        "    remove: true\n"
        "    x-facts: [W66]\n"
        '    x-observed: "2026-07"\n'
        '    x-revision: "2026-05-20"\n'
        "  - target: $.components.schemas.UrlCitation.properties\n"
        "    description: a test addition\n"
        "    update: {page_title: {type: string}}\n"
        "    x-facts: [W66]\n"
        '    x-observed: "2026-07"\n'
        '    x-revision: "2026-05-20"\n',
        encoding="utf-8",
    )


def test_generate_prints_the_summary_and_check_shows_it(
    scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(scratch_project, "check", capsys=capsys)
    assert code == 0, err
    # whatever the committed tree's last regeneration changed, `check` says it in one line
    assert re.search(r"^(no API changes|\d+ breaking changes?[:;])", out, flags=re.MULTILINE), out
    _overlay(scratch_project)
    code, out, err = run(scratch_project, "generate", capsys=capsys)
    assert code == 0, err
    summary = out.splitlines()[-1]
    assert summary.startswith("1 breaking change: field `UrlCitation.title` removed; 1 compatible")
    report = (scratch_project / "generated" / API_CHANGES_FILE).read_bytes()
    assert b"**breaking**: field `UrlCitation.title` removed" in report
    assert b"- field `UrlCitation.page_title` added (str, optional)" in report
    code, out, err = run(scratch_project, "check", capsys=capsys)
    assert code == 0, err
    assert summary in out.splitlines()
    code, out, err = run(scratch_project, "generate", capsys=capsys)
    assert code == 0 and out.splitlines()[-1] == summary
    assert (scratch_project / "generated" / API_CHANGES_FILE).read_bytes() == report


def test_a_change_from_a_new_spec_snapshot_names_the_snapshot(
    overlay_schemas: dict[str, object],
) -> None:
    """A field the new spec adds, with the overlays unchanged, is traced to the spec."""
    inputs = case_inputs(CASE, overlay_schemas)
    first = generate_files(inputs).files
    spec = inputs.spec_bytes.replace(
        b"        name: {type: string}\n",
        b"        name: {type: string}\n        size: {type: integer}\n",
    )
    assert spec != inputs.spec_bytes
    result = generate_files(
        dataclasses.replace(
            inputs,
            spec_bytes=spec,
            spec_entry=dataclasses.replace(inputs.spec_entry, name="case-spec-2"),
            previous_manifest=first[MANIFEST_FILE],
            previous_surface=first[API_SURFACE_FILE],
        )
    )
    assert result.api_changes is not None
    added = next(c for c in result.api_changes.changes if "Thing.size" in c["text"])
    assert added["severity"] == "compatible"
    assert added["causes"] == ["the spec snapshot (`case-spec` → `case-spec-2`)"]
