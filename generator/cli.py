"""The `interactions-codegen` command line: parses options, runs the pipeline, sets exit codes.

Exit codes: 0 success; 1 `check` found a difference or an overlay does not apply; 2 bad input
(unreadable or invalid files, hash mismatches, missing snapshots, template errors).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from generator import __version__
from generator.audit.bindings import (
    BINDINGS_MODULE,
    NOT_ENCODED_FILE,
    compare,
    parse_not_encoded,
    parse_same_objects,
    read_bindings,
    spec_surface,
)
from generator.audit.bindings_snapshot import SNAPSHOT_FILE, read_snapshot, snapshot_text
from generator.emit.writer import check_output, diff_tree, write_tree
from generator.errors import BadInputError, CheckFailedError, GeneratorError
from generator.load.config import (
    LOCK_FILE,
    ProjectConfig,
    check_lock_file_name,
    check_snapshot_name,
    find_project_root,
    load_project_config,
    parse_lock,
)
from generator.load.documents import JsonValue, parse_document
from generator.load.fetch import Fetcher, default_mirrors, http_download, sha256_hex
from generator.pipeline import (
    REPORT_FILE,
    generate_files,
    overlay_report,
    parse_overlays,
    patch_spec,
    read_inputs,
    target_api,
)

__all__ = ["cli", "main"]

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_URL = re.compile(r"^https?://[!-~]+$")


class _State:
    def __init__(self, project: Path | None, mirror: Path | None, offline: bool) -> None:
        self.root = project.resolve() if project else find_project_root(Path.cwd())
        self.config: ProjectConfig = load_project_config(self.root)
        mirrors = default_mirrors(self.root)
        if mirror is not None:
            mirrors["spec"] = mirror
        self.fetcher = Fetcher(self.root, mirrors, download=None if offline else http_download)


_F = TypeVar("_F", bound=Callable[..., Any])

_target_option = click.option(
    "--target", help="Target from codegen.yaml (default: the configured default)."
)
"""`--target NAME`: the commands that build one target take it the same way."""


def _out_option(text: str, *, directory: bool = False) -> Callable[[_F], _F]:
    """`--out PATH`: a file (or, with `directory`, a directory) to write instead of the default."""
    kind = click.Path(file_okay=not directory, dir_okay=directory, path_type=Path)
    return click.option("--out", type=kind, help=text)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="interactions-codegen")
@click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    help="Project root (the directory holding codegen.yaml); default: found from the cwd.",
)
@click.option(
    "--mirror",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory holding spec snapshots (and versions/); default ../shared/upstream or "
    "$INTERACTIONS_SPEC_MIRROR.",
)
@click.option("--offline", is_flag=True, help="Never download; use only the cache and mirror.")
@click.pass_context
def cli(context: click.Context, project: Path | None, mirror: Path | None, offline: bool) -> None:
    """Generate the Gemini Interactions client from the pinned spec plus overlays."""
    context.obj = (project, mirror, offline)


def _state(context: click.Context) -> _State:
    project, mirror, offline = context.obj
    return _State(project, mirror, offline)


@cli.command()
@_target_option
@_out_option(directory=True, text="Write here instead of the target's committed output directory.")
@click.pass_context
def generate(context: click.Context, target: str | None, out: Path | None) -> None:
    """Generate the client and replace the output tree in one swap.

    The output must be new, empty or a tree an earlier run wrote (by its manifest.json); a
    directory holding anything else, the project or a repository is refused untouched.
    """
    state = _state(context)
    chosen = state.config.target(target)
    output = out or (state.root / chosen.output if chosen.output else None)
    if output is None:
        raise BadInputError(
            f"target {chosen.name!r} has no committed output; pass --out DIR to generate it."
        )
    check_output(output, protected=(state.root,))
    result = generate_files(read_inputs(state.config, chosen, state.fetcher))
    write_tree(output, result.files, protected=(state.root,))
    click.echo(f"generated {len(result.files)} files into {output}")
    if result.api_changes is not None:
        click.echo(result.api_changes.summary())


@cli.command()
@_target_option
@click.pass_context
def check(context: click.Context, target: str | None) -> None:
    """Fail with a diff if the committed output differs from a fresh generation."""
    state = _state(context)
    chosen = state.config.target(target)
    if not chosen.output:
        raise BadInputError(f"target {chosen.name!r} has no committed output to check.")
    result = generate_files(read_inputs(state.config, chosen, state.fetcher))
    difference = diff_tree(state.root / chosen.output, result.files)
    if result.api_changes is not None:
        click.echo(result.api_changes.summary())
    if difference:
        click.echo(difference, nl=False)
        raise CheckFailedError(
            f"{chosen.output}/ is not what the spec, overlays and templates generate (diff "
            f"above). Run `make generate` (or `interactions-codegen generate --target "
            f"{chosen.name}`) and commit the result."
        )
    click.echo(f"{chosen.output}/ is current ({len(result.files)} files)")


@cli.command("fetch-spec")
@click.option("--snapshot", "names", multiple=True, help="Only these lock entries (repeatable).")
@click.pass_context
def fetch_spec(context: click.Context, names: tuple[str, ...]) -> None:
    """Resolve and verify pinned snapshots from cache, mirror or the official URL."""
    state = _state(context)
    selected = [state.config.snapshot(name) for name in names] or [
        state.config.lock[name] for name in sorted(state.config.lock)
    ]
    for entry in selected:
        resolved = state.fetcher.resolve(entry)
        click.echo(f"{entry.name}: sha256 {entry.sha256[:12]}… ok ({resolved.origin})")


@cli.command()
@_target_option
@_out_option("Write the patched spec here (default: standard output).")
@click.pass_context
def apply(context: click.Context, target: str | None, out: Path | None) -> None:
    """Write the spec with the target's overlays applied, as JSON, for inspection."""
    state = _state(context)
    chosen = state.config.target(target)
    patch = patch_spec(read_inputs(state.config, chosen, state.fetcher))
    text = _json_text(patch.patched)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote the patched spec of {chosen.name!r} to {out}", err=True)


def _json_text(value: JsonValue) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


@cli.command("pin-spec")
@click.argument("spec_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--name", required=True, help="Snapshot name, e.g. v1beta-2027-01-15.")
@click.option("--retrieved", required=True, help="Retrieval date, YYYY-MM-DD.")
@click.option("--url", default="https://ai.google.dev/static/api/interactions.openapi.json")
@click.pass_context
def pin_spec(context: click.Context, spec_file: Path, name: str, retrieved: str, url: str) -> None:
    """Add a new spec snapshot to spec/lock.yaml (the file itself is never committed)."""
    state = _state(context)
    check_snapshot_name(name, "pin-spec --name")
    check_lock_file_name(spec_file.name, f"pin-spec {spec_file}")
    if not _DATE.match(retrieved):
        raise BadInputError(f"pin-spec --retrieved: {retrieved!r} is not a date (YYYY-MM-DD).")
    if not _URL.match(url):
        raise BadInputError(
            f"pin-spec --url: {url!r} is not an http(s) URL without spaces or control characters."
        )
    if name in state.config.lock:
        raise BadInputError(f"{LOCK_FILE}: a snapshot named {name!r} is already pinned.")
    data = spec_file.read_bytes()
    try:
        json.loads(data)
    except ValueError:
        raise BadInputError(f"{spec_file}: not a JSON document.") from None
    entry = (
        f"  - name: {name}\n    kind: spec\n    file: {spec_file.name}\n"
        f"    sha256: {sha256_hex(data)}\n    url: {url}\n    url_serves: latest\n"
        f'    retrieved: "{retrieved}"\n    note: pinned with interactions-codegen pin-spec\n'
    )
    lock_path = state.root / LOCK_FILE
    text = lock_path.read_text(encoding="utf-8")
    text = text if not text or text.endswith("\n") else text + "\n"
    # the new lock must read back with exactly one more entry, the one just written
    pinned = parse_lock(parse_document((text + entry).encode("utf-8"), LOCK_FILE))
    if set(pinned) != {*state.config.lock, name}:
        raise BadInputError(f"{LOCK_FILE}: appending {name!r} would not read back; not written.")
    staging = lock_path.with_name(f"{lock_path.name}.tmp")
    staging.write_text(text + entry, encoding="utf-8")
    os.replace(staging, lock_path)
    click.echo(
        f"pinned {name} ({sha256_hex(data)}); put {spec_file.name} in the mirror and point a "
        f"target's snapshot at {name} in codegen.yaml."
    )


@cli.command()
@_target_option
@_out_option("Write the report here (default: standard output).")
@click.pass_context
def report(context: click.Context, target: str | None, out: Path | None) -> None:
    """Render the overlay report (generate writes it to generated/OVERLAYS.md)."""
    state = _state(context)
    chosen = state.config.target(target)
    inputs = read_inputs(state.config, chosen, state.fetcher)
    text = overlay_report(inputs, patch_spec(inputs))
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote the {REPORT_FILE} of {chosen.name!r} to {out}", err=True)


def _read_spec(path: Path) -> JsonValue:
    try:
        return parse_document(path.read_bytes(), str(path))
    except OSError as error:
        raise BadInputError(f"{path}: cannot read ({error.strerror}).") from None


@cli.command()
@click.option("--target", "targets", multiple=True, help="Target(s) whose overlays to try.")
@click.option(
    "--spec",
    "specs",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Spec file(s) to try them on (repeatable).",
)
@click.option(
    "--spec-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Try every .json/.yaml spec in this directory too.",
)
@click.option("--no-fail", is_flag=True, help="Exit 0 even when an action is broken.")
@click.pass_context
def drift(
    context: click.Context,
    targets: tuple[str, ...],
    specs: tuple[Path, ...],
    spec_dir: Path | None,
    no_fail: bool,
) -> None:
    """Classify each overlay action against other specs: applied, redundant or broken."""
    from generator.audit.drift import classify_drift

    state = _state(context)
    files = list(specs)
    if spec_dir is not None:
        files += sorted(p for p in spec_dir.iterdir() if p.suffix in (".json", ".yaml", ".yml"))
    if not files:
        raise BadInputError("drift needs --spec FILE or --spec-dir DIR.")
    chosen = [state.config.target(name) for name in targets] or [state.config.target(None)]
    summary = []
    any_broken = False
    for target in chosen:
        inputs = read_inputs(state.config, target, state.fetcher)
        overlays = parse_overlays(inputs)
        for spec_file in files:
            entries = classify_drift(_read_spec(spec_file), overlays)
            counts = {status: 0 for status in ("applied", "redundant", "broken")}
            for entry in entries:
                counts[entry.status] += 1
            any_broken |= counts["broken"] > 0
            summary.append((spec_file.name, target.name, counts))
            if len(files) * len(chosen) == 1:
                for entry in entries:
                    click.echo(
                        f"{entry.status:9}  {entry.source}#{entry.index}  {entry.target}  "
                        f"({entry.detail})"
                    )
                click.echo("")
    width = max(len(name) for name, _, _ in summary)
    click.echo(f"{'spec':{width}}  {'target':8} applied redundant broken")
    for name, target_name, counts in summary:
        click.echo(
            f"{name:{width}}  {target_name:8} {counts['applied']:7} {counts['redundant']:9} "
            f"{counts['broken']:6}"
        )
    if any_broken and not no_fail:
        raise CheckFailedError("some overlay actions are broken against the given spec(s) (above).")


@cli.command("spec-diff")
@click.argument("old", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def spec_diff_command(old: Path, new: Path) -> None:
    """Summarize what changed between two spec files, as a client sees it."""
    from generator.audit.drift import spec_diff

    lines = spec_diff(_read_spec(old), _read_spec(new))
    for line in lines:
        click.echo(f"- {line}")
    click.echo(f"{len(lines)} change(s) from {old.name} to {new.name}")


@cli.command("bindings-diff")
@_target_option
@click.option(
    "--module",
    default=BINDINGS_MODULE,
    show_default=True,
    help="The bindings package to introspect (google-genai's by default).",
)
@click.option(
    "--snapshot",
    "from_snapshot",
    is_flag=True,
    help=f"Compare with the recorded surface in {SNAPSHOT_FILE} instead of installed bindings.",
)
@click.option(
    "--write-snapshot",
    is_flag=True,
    help=f"Record the installed bindings' surface in {SNAPSHOT_FILE}, then compare.",
)
@click.pass_context
def bindings_diff(
    context: click.Context,
    target: str | None,
    module: str,
    from_snapshot: bool,
    write_snapshot: bool,
) -> None:
    """Compare a target's patched spec with Google's bindings (installed google-genai).

    Prints enum values, object fields, union variants and operations that the bindings have and
    the target does not, the reverse, and what overlays/bindings-not-encoded.yaml lists as
    deliberately not encoded. Exit 0 when nothing is missing, 1 otherwise, 2 when the bindings
    are not installed. `--snapshot` compares with the recorded surface instead (what CI does);
    `--write-snapshot` refreshes that recording from the installed bindings.
    """
    state = _state(context)
    chosen = state.config.target(target)
    snapshot_path = state.root / SNAPSHOT_FILE
    if from_snapshot and write_snapshot:
        raise BadInputError("--snapshot reads the recording and --write-snapshot replaces it.")
    if from_snapshot:
        if not snapshot_path.is_file():
            raise BadInputError(f"{SNAPSHOT_FILE} is missing: `make bindings-diff` records it.")
        recorded = read_snapshot(snapshot_path.read_bytes())
        version, module, theirs = recorded.version, recorded.module, recorded.surface
    else:
        try:
            version, theirs = read_bindings(module)
        except ImportError as error:
            raise BadInputError(
                f"cannot import {module} ({error}): google-genai is not installed here; install "
                f"the `bench` extra (pip install -e '.[bench]', as `make bindings-diff` does)."
            ) from None
        if write_snapshot:
            snapshot_path.write_text(snapshot_text(version, module, theirs), encoding="utf-8")
    inputs = read_inputs(state.config, chosen, state.fetcher)
    ours = spec_surface(target_api(inputs, patch_spec(inputs)))
    listed = state.root / NOT_ENCODED_FILE
    listing = parse_document(listed.read_bytes(), NOT_ENCODED_FILE) if listed.is_file() else {}
    not_encoded = parse_not_encoded(listing) if listing else {}
    comparison = compare(theirs, ours, not_encoded, parse_same_objects(listing))
    source = f"{module}, recorded in {SNAPSHOT_FILE}" if from_snapshot else module
    title = f"google-genai {version} ({source}) against target {chosen.name!r}"
    for line in comparison.lines(title):
        click.echo(line)
    if comparison.missing:
        raise CheckFailedError(
            f"{len(comparison.missing)} entr(y/ies) of the bindings are neither encoded nor "
            f"listed in {NOT_ENCODED_FILE}."
        )


@cli.command()
@_target_option
@click.pass_context
def probe(context: click.Context, target: str | None) -> None:
    """Run every overlay's x-probe against the real API (needs GEMINI_API_KEY)."""
    import os
    from datetime import UTC, datetime

    import yaml

    from generator.audit.probe import PROBE_LOG_FILE, collect_probes, probe_log_run, run_probes

    state = _state(context)
    chosen = state.config.target(target)
    inputs = read_inputs(state.config, chosen, state.fetcher)
    patch = patch_spec(inputs)
    probes = collect_probes(patch.actions, target_api(inputs, patch).rules)
    key = os.environ.get("GEMINI_API_KEY")
    if not key:
        click.echo(
            f"skipped: GEMINI_API_KEY is not set, so none of the {len(probes)} probes was sent "
            f"and none is reported as passing."
        )
    outcomes = run_probes(probes, key, chosen.api_revision)
    for outcome in outcomes:
        facts = ",".join(outcome.probe.facts)
        click.echo(
            f"{outcome.verdict:7}  {facts:12}  {outcome.probe.source}#{outcome.probe.index}  "
            f"expected {outcome.expected}; observed {outcome.observed}"
        )
    if key:  # only a run that sent something is logged: "never run" stays true otherwise
        log_path = state.root / PROBE_LOG_FILE
        log = yaml.safe_load(log_path.read_text(encoding="utf-8")) if log_path.is_file() else None
        runs = list((log or {}).get("runs") or [])
        ran = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        runs.append(probe_log_run(outcomes, ran, chosen.name))
        header = "".join(
            line + "\n"
            for line in (
                log_path.read_text(encoding="utf-8") if log_path.is_file() else ""
            ).splitlines()
            if line.startswith("#")
        )
        log_path.write_text(
            header + yaml.safe_dump({"runs": runs}, sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )
        click.echo(f"logged this run in {PROBE_LOG_FILE}")
    failed = [outcome for outcome in outcomes if outcome.verdict in ("fail", "error")]
    if failed:
        raise CheckFailedError(f"{len(failed)} probe(s) did not observe what the overlays claim.")


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn `GeneratorError`s into a message and exit code."""
    try:
        cli.main(args=argv, prog_name="interactions-codegen", standalone_mode=False)
    except GeneratorError as error:
        click.echo(f"error: {error.message}", err=True)
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(2)
    except click.exceptions.Exit as error:
        sys.exit(error.exit_code)
    except Exception as error:  # a bug, still reported as one paragraph (never a traceback)
        if os.environ.get("INTERACTIONS_CODEGEN_DEBUG"):
            raise
        click.echo(
            f"error: internal error {type(error).__name__}: {error} — this is a bug in "
            f"interactions-codegen; rerun with INTERACTIONS_CODEGEN_DEBUG=1 for the traceback.",
            err=True,
        )
        sys.exit(2)
