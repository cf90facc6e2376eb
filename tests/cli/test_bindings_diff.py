"""`interactions-codegen bindings-diff` against a small fake bindings package and the recorded
surface of google-genai's (what `make bindings-diff` keeps in the snapshot file)."""

from __future__ import annotations

import re
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.audit.bindings import (
    BINDINGS_MODULE,
    Surface,
    compare,
    parse_not_encoded,
    parse_same_objects,
    read_bindings,
)
from generator.audit.bindings_snapshot import SNAPSHOT_FILE, read_snapshot
from generator.errors import BadInputError
from tests.cli.test_cli import run
from tests.conftest import PROJECT_ROOT

FAKE = {
    "__init__.py": "",
    "_version.py": "__version__ = '0.0-test'\n",
    "basesdk.py": "class BaseSDK:\n    def do_request(self): ...\n",
    "interactions.py": textwrap.dedent(
        """
        from .basesdk import BaseSDK

        class Interactions(BaseSDK):
            def create(self): ...
            def get(self): ...
            def create_async(self): ...
            def with_raw_response(self): ...

        class Decisions(BaseSDK):
            def create(self): ...
        """
    ),
    "types/__init__.py": "",
    "types/interactions/__init__.py": "",
    "types/interactions/step.py": textwrap.dedent(
        """
        from typing import Literal, Union
        from pydantic import BaseModel

        InteractionStatus = Union[Literal["completed", "in_progress", "future_status"], str]

        class FunctionCallStep(BaseModel):
            type: Literal["function_call"] = "function_call"
            name: str
            arguments: dict
            brand_new_field: int | None = None

        class FutureSearchCallStep(BaseModel):
            type: Literal["future_search_call"] = "future_search_call"
            query: str

        # spelled twice, for a TypedDict twin: read once
        Execution = Union[Literal["server", "client"], str]
        ExecutionTypedDict = Union[Literal["server", "client"], str]

        class AllowlistEntry(BaseModel):  # the spec's EgressRule, renamed by the bindings
            domain: str
            brand_new_rule_field: str | None = None

        class UnknownStep(BaseModel):
            type: Literal["UNKNOWN"] = "UNKNOWN"
            is_unknown: Literal[True] = True

        class Environment(BaseModel):  # the spec's EnvironmentConfig (same_objects)
            type: Literal["remote"] = "remote"
            network: dict | None = None
        """
    ),
    # a nested item union: tags known elsewhere (audio is a content block) in a union that
    # may lack them
    "types/interactions/results.py": textwrap.dedent(
        """
        from typing import Annotated, Any, Dict, List, Literal, Union
        from pydantic import BaseModel
        from typing_extensions import TypeAliasType

        class TextContent(BaseModel):
            type: Literal["text"] = "text"
            text: str

        class AudioContent(BaseModel):
            type: Literal["audio"] = "audio"
            data: str

        class UnknownSubcontent(BaseModel):
            type: str
            is_unknown: Literal[True] = True

        Subcontent = Annotated[Union[AudioContent, TextContent, UnknownSubcontent], "open"]
        ResultUnion = TypeAliasType("ResultUnion", Union[List[Subcontent], Dict[str, Any], str])

        class FunctionResultStep(BaseModel):
            type: Literal["function_result"] = "function_result"
            call_id: str
            result: ResultUnion
        """
    ),
    # the request body of an operation outside interactions, in its own types package, with a
    # name the interactions package also uses for another object
    "types/environments/__init__.py": "",
    "types/environments/bodies.py": textwrap.dedent(
        """
        from typing import Any, Dict, Optional
        from pydantic import BaseModel

        class CreateEnvironmentRequest(BaseModel):
            from_environment: Optional[str] = None
            system_instruction: Optional[str] = None
            custom_config: Optional[Dict[str, Any]] = None

        class Environment(BaseModel):  # the resource; interactions' Environment is a config
            id: str
            environment_key: Optional[str] = None
        """
    ),
}


@pytest.fixture
def fake_bindings(tmp_path: Path) -> Iterator[str]:
    for name, text in FAKE.items():
        path = tmp_path / "fake_genai_bindings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    yield "fake_genai_bindings"
    sys.path.remove(str(tmp_path))
    for module in [m for m in sys.modules if m.startswith("fake_genai_bindings")]:
        del sys.modules[module]


def test_introspection_reads_models_enums_variants_and_operations(fake_bindings: str) -> None:
    _, surface = read_bindings(fake_bindings)
    assert surface.enums["InteractionStatus"] == {"completed", "in_progress", "future_status"}
    assert surface.fields["FunctionCallStep"] == {"type", "name", "arguments", "brand_new_field"}
    assert "UnknownStep" not in surface.fields
    assert surface.variants == {
        "audio",
        "function_call",
        "function_result",
        "future_search_call",
        "remote",
        "text",
    }
    assert "ExecutionTypedDict" not in surface.enums and surface.enums["Execution"]
    assert surface.operations == {
        "interactions.create",
        "interactions.get",
    }, "async twins, raw-response wrappers and base-class helpers are not operations"


def test_the_diff_against_the_current_target_is_deterministic_and_fails_on_gaps(
    fake_bindings: str, scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(scratch_project, "bindings-diff", "--module", fake_bindings, capsys=capsys)
    assert code == 1 and "neither encoded nor listed" in err
    assert "  enum      InteractionStatus: future_status" in out
    assert "  field     FunctionCallStep.brand_new_field" in out
    assert "  object    FutureSearchCallStep" in out and "  variant   future_search_call" in out
    assert "in our target, not in the bindings" in out  # the reverse direction too
    again = run(scratch_project, "bindings-diff", "--module", fake_bindings, capsys=capsys)
    assert again[1] == out


def test_request_bodies_outside_interactions_and_nested_item_unions_are_compared(
    fake_bindings: str, scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # issue 23: the diff read only the interactions package and compared variants as one set,
    # so environment create's fields and the audio items of function results went unreported
    _, surface = read_bindings(fake_bindings)
    assert surface.members["FunctionResultStep.result"] == {"audio", "text"}
    assert surface.fields["environments.Environment"] == {"id", "environment_key"}
    assert surface.fields["Environment"] == {"type", "network"}, "interactions keep plain names"
    november = scratch_project / "overlays/current/56-bindings-november.yaml"
    kept = november.read_text(encoding="utf-8")
    november.unlink()  # the target before the W108 overlay
    _, before, _ = run(scratch_project, "bindings-diff", "--module", fake_bindings, capsys=capsys)
    assert "  member    FunctionResultStep.result: audio" in before
    assert "  field     CreateEnvironmentRequest.system_instruction" in before
    assert "  field     CreateEnvironmentRequest.custom_config" in before
    assert "  field     Environment.environment_key" in before
    assert "  member    FunctionResultStep.result: text" not in before, "known members match"
    november.write_text(kept, encoding="utf-8")
    _, after, _ = run(scratch_project, "bindings-diff", "--module", fake_bindings, capsys=capsys)
    missing = after.split("in our target, not in the bindings")[0]
    assert "FunctionResultStep.result: audio" not in missing
    assert "CreateEnvironmentRequest.system_instruction" not in missing
    assert "CreateEnvironmentRequest.custom_config" not in missing
    assert "Environment.environment_key" not in missing


def test_listed_entries_are_reported_apart_and_do_not_fail(
    fake_bindings: str, scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(scratch_project, "bindings-diff", "--module", fake_bindings, capsys=capsys)
    missing = [line.split(None, 1) for line in out.splitlines() if line.startswith("  ")]
    section = out.split("in our target, not in the bindings")[0]
    listed = [
        f"  - kind: {kind}\n    entry: {entry!r}\n    reason: test\n"
        for kind, entry in missing
        if f"  {kind:<9} {entry}" in section
    ]
    listing = scratch_project / "overlays/bindings-not-encoded.yaml"
    same_objects = listing.read_text(encoding="utf-8").split("not_encoded:")[0]
    listing.write_text(same_objects + "not_encoded:\n" + "".join(listed), encoding="utf-8")
    code, out, _ = run(scratch_project, "bindings-diff", "--module", fake_bindings, capsys=capsys)
    assert code == 0 and "in the bindings, not in our target: 0" in out
    assert "deliberately not encoded: " + str(len(listed)) in out


def test_missing_bindings_exit_2_naming_the_bench_extra(
    scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(scratch_project, "bindings-diff", "--module", "no_such_pkg", capsys=capsys)
    assert code == 2 and "`bench` extra" in err and err.count("\n") == 1


def test_the_not_encoded_list_is_checked() -> None:
    with pytest.raises(BadInputError, match="reason"):
        parse_not_encoded({"not_encoded": [{"kind": "enum", "entry": "X: y"}]})
    with pytest.raises(BadInputError, match="kind"):
        parse_not_encoded({"not_encoded": [{"kind": "colour", "entry": "x", "reason": "r"}]})


def test_same_objects_compare_the_fields_of_objects_named_differently(
    fake_bindings: str, scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(scratch_project, "bindings-diff", "--module", fake_bindings, capsys=capsys)
    # the checked-in listing pairs AllowlistEntry with EgressRule
    assert "  field     EgressRule.brand_new_rule_field" in out
    assert "  object    AllowlistEntry" not in out
    with pytest.raises(BadInputError, match=r"same_objects\[0\]"):
        parse_same_objects({"same_objects": [{"bindings": "A", "ours": "B"}]})
    theirs = Surface({}, {"Renamed": frozenset({"a", "b"})}, frozenset(), frozenset())
    ours = Surface({}, {"Ours": frozenset({"a"})}, frozenset(), frozenset())
    assert compare(theirs, ours, {}).missing == (("object", "Renamed"),)
    assert compare(theirs, ours, {}, {"Renamed": "Ours"}).missing == (("field", "Ours.b"),)


def test_enums_named_differently_are_matched_by_their_values() -> None:
    theirs = Surface(
        {"Task": frozenset({"edit", "extend", "upscale"})}, {}, frozenset(), frozenset()
    )
    ours = Surface({"VideoConfigTask": frozenset({"edit", "extend"})}, {}, frozenset(), frozenset())
    comparison = compare(theirs, ours, {})
    assert comparison.missing == (("enum", "VideoConfigTask: upscale"),)


def test_the_recorded_google_genai_surface_reports_nothing_unexplained(
    scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the recording `make bindings-diff` keeps of the pinned release; CI compares against it
    pinned = re.search(r"^BINDINGS \?= (\S+)$", (PROJECT_ROOT / "Makefile").read_text(), re.M)
    recorded = read_snapshot((PROJECT_ROOT / SNAPSHOT_FILE).read_bytes())
    assert pinned and recorded.version == pinned.group(1), "make bindings-diff refreshes it"
    assert recorded.module == BINDINGS_MODULE and len(recorded.surface.fields) > 100
    code, out, err = run(scratch_project, "bindings-diff", "--snapshot", capsys=capsys)
    assert code == 0, out + err
    assert out.startswith(f"google-genai {recorded.version} ({BINDINGS_MODULE}, recorded in ")
    assert "in the bindings, not in our target: 0" in out


def test_a_snapshot_records_what_introspection_reads_and_compares_the_same(
    fake_bindings: str, scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ("bindings-diff", "--module", fake_bindings)
    live = run(scratch_project, *arguments, "--write-snapshot", capsys=capsys)
    written = (scratch_project / SNAPSHOT_FILE).read_bytes()
    recorded = read_snapshot(written)
    assert (recorded.version, recorded.surface) == read_bindings(fake_bindings)
    assert "class " not in written.decode() and "def " not in written.decode(), "names, not code"
    replayed = run(scratch_project, "bindings-diff", "--snapshot", capsys=capsys)
    assert replayed[0] == live[0] == 1
    assert replayed[1].splitlines()[1:] == live[1].splitlines()[1:]
    run(scratch_project, *arguments, "--write-snapshot", capsys=capsys)
    assert (scratch_project / SNAPSHOT_FILE).read_bytes() == written, "byte-identical"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("{", "not JSON"),
        ('{"format": 1}', "expected exactly the keys"),
        (
            '{"format": 2, "package": "google-genai", "version": "1", "module": "m", '
            '"enums": {"E": [1]}, "fields": {}, "members": {}, "variants": [], '
            '"operations": []}',
            "enums.E: expected a list of strings",
        ),
    ],
)
def test_a_malformed_snapshot_is_refused_naming_the_file_and_field(
    text: str, named: str, scratch_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (scratch_project / SNAPSHOT_FILE).write_text(text, encoding="utf-8")
    code, _, err = run(scratch_project, "bindings-diff", "--snapshot", capsys=capsys)
    assert code == 2 and SNAPSHOT_FILE in err and named in err and "Traceback" not in err
