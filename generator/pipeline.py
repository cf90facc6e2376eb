"""The pipeline, and the only place that knows the order of its steps.

    read_inputs (I/O edge: lock-verified spec, overlay files, overlay schemas, templates)
      → apply overlays → build the intermediate model → render → format → add the manifest
      → a file map that `emit` writes or diffs (I/O edge)

`read_inputs` gathers every byte the run depends on into one `Inputs` value; everything after it
is a function of that value alone, which is what makes `check` and determinism possible.
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator import __version__
from generator.audit.probe import PROBE_LOG_FILE, collect_probes, parse_probe_log
from generator.emit.writer import MANIFEST_FILE
from generator.errors import BadInputError
from generator.ir.api import build_api
from generator.ir.discriminators import WrittenDiscriminators, write_discriminators
from generator.ir.model import Api
from generator.ir.schemas import build_types
from generator.ir.spec_view import SpecView
from generator.load.cache import PassedChecks
from generator.load.config import LockEntry, ProjectConfig, Target
from generator.load.documents import JsonValue, canonical_json, parse_document
from generator.load.facts import (
    FACTS_FILE,
    Fact,
    check_citations,
    check_contradictions,
    citations,
    parse_facts,
)
from generator.load.fetch import Fetcher, sha256_hex
from generator.normalize.rewrites import NormalizationReport, normalize_spec
from generator.overlay.engine import ActionResult, OverlayDocument, apply_overlays, parse_overlay
from generator.render.format import format_files
from generator.render.name_check import check_names
from generator.render.package import (
    DistributionSettings,
    RenderInputs,
    render,
    render_pyproject,
)
from generator.render.sync_twins import is_async_source, sync_name, twin_name
from generator.report.api_changes import (
    API_CHANGES_FILE,
    API_SURFACE_FILE,
    ApiChanges,
    api_changes_of,
    dump_surface,
    render_changes,
)
from generator.report.fake_fidelity import FIDELITY_FILE, render_fidelity
from generator.report.overlays import ReportInputs, render_report
from generator.report.review import Review, review_of
from generator.report.surface import describe_changes, ir_surface

__all__ = [
    "API_CHANGES_FILE",
    "API_SURFACE_FILE",
    "MANIFEST_FILE",
    "OVERLAY_SUFFIXES",
    "REPORT_FILE",
    "GenerationResult",
    "Inputs",
    "OverlayFile",
    "PatchResult",
    "generate_files",
    "mixin_members",
    "overlay_report",
    "parse_overlays",
    "patch_spec",
    "read_inputs",
    "read_templates",
]

REPORT_FILE = "OVERLAYS.md"
PYPROJECT_FILE = "pyproject.toml"
OVERLAY_SUFFIXES = (".yaml", ".yml", ".json")
TEMPLATES_DIR = "templates"
RUNTIME_DIR = "runtime"
"""The hand-written runtime, read with the templates under keys starting `runtime/`."""


@dataclass(frozen=True)
class OverlayFile:
    """One overlay document's bytes and its path relative to the project root."""

    path: str
    data: bytes


@dataclass(frozen=True)
class Inputs:
    """Every byte a generation depends on, read once at the edge."""

    target: Target
    spec_entry: LockEntry
    spec_bytes: bytes
    overlay_files: tuple[OverlayFile, ...]
    overlay_schemas: dict[str, JsonValue]
    templates: dict[str, bytes]
    facts: OverlayFile
    other_overlay_files: tuple[OverlayFile, ...] = ()
    generator_version: str = __version__
    template_cache: Path | None = None
    """Where compiled templates may be kept between runs (build/template-cache/)."""
    passed_checks: PassedChecks | None = None
    """Overlay documents that validated on earlier runs (build/passed-checks/)."""
    probe_log: OverlayFile | None = None
    """`overlays/probe-log.yaml`, the results of `make probe`, when it exists."""
    previous_manifest: bytes | None = None
    """The manifest of the output this run would replace, for "since the last regeneration"."""
    previous_surface: bytes | None = None
    """The `api_surface.json` of the output this run would replace, for `API_CHANGES.md`."""
    other_specs: dict[str, bytes] = field(default_factory=dict)
    """Other targets' pinned specs (path of their overlay folder → bytes) that the cache or a
    mirror has, so the report can show what their actions change; never downloaded."""
    revisions: tuple[str, ...] | None = None
    """Every target's API revision (codegen.yaml): the revisions a fact may name."""


@dataclass(frozen=True)
class PatchResult:
    """The spec at each stage: as published, after the overlays, after normalization, and with
    the discriminators the IR's unions imply (`patched`, what validators and Prism read)."""

    spec: JsonValue
    overlaid: JsonValue
    normalized: JsonValue
    """The spec after normalization: what the IR is built from."""
    patched: JsonValue
    overlays: tuple[OverlayDocument, ...]
    actions: tuple[ActionResult, ...]
    normalization: NormalizationReport
    discriminators: WrittenDiscriminators


@dataclass(frozen=True)
class GenerationResult:
    """What one run produced: the patched spec, each action's effect, the model and the files."""

    patch: PatchResult
    api: Api
    files: dict[str, bytes]
    api_changes: ApiChanges | None = None
    """The public API's changes since the replaced output (`API_CHANGES.md`)."""


def _read_overlay_files(root: Path, directory: str) -> tuple[OverlayFile, ...]:
    folder = root / directory
    if not folder.is_dir():
        raise BadInputError(f"{directory}: overlay directory does not exist.")
    return tuple(
        OverlayFile(path=path.relative_to(root).as_posix(), data=path.read_bytes())
        for path in sorted(folder.iterdir())
        if path.is_file() and path.suffix in OVERLAY_SUFFIXES
    )


def _read_tree(folder: Path, prefix: str) -> dict[str, bytes]:
    return {
        prefix + path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def read_templates(root: Path) -> dict[str, bytes]:
    """The Jinja templates keyed by their path under `templates/`, and the runtime's files keyed
    `runtime/<path>`: both are inputs of every run (the manifest's template-tree hash covers
    them)."""
    folder = root / TEMPLATES_DIR
    if not folder.is_dir():
        raise BadInputError(f"{TEMPLATES_DIR}/: template directory does not exist.")
    runtime = root / RUNTIME_DIR
    if not runtime.is_dir():
        raise BadInputError(f"{RUNTIME_DIR}/: runtime directory does not exist.")
    templates = _read_tree(folder, "")
    stray = sorted(name for name in templates if name.startswith(f"{RUNTIME_DIR}/"))
    if stray:
        raise BadInputError(
            f"{TEMPLATES_DIR}/{stray[0]}: the runtime lives in {RUNTIME_DIR}/, not under "
            f"{TEMPLATES_DIR}/."
        )
    return {**templates, **_read_tree(runtime, f"{RUNTIME_DIR}/")}


def read_inputs(
    config: ProjectConfig, target: Target, fetcher: Fetcher, spec_file: Path | None = None
) -> Inputs:
    """Gather every input of a run: the I/O edge. `spec_file` replaces the pinned spec (drift)."""
    entry = config.snapshot(target.snapshot)
    if spec_file is not None:
        try:
            spec_bytes = spec_file.read_bytes()
        except OSError as error:
            raise BadInputError(f"{spec_file}: cannot read ({error.strerror}).") from None
        entry = LockEntry(
            name=spec_file.name,
            kind="spec",
            file=spec_file.name,
            sha256=sha256_hex(spec_bytes),
            url=str(spec_file),
            url_serves="fixed",
            retrieved="",
            note="an unpinned spec file given on the command line",
        )
    else:
        spec_bytes = fetcher.resolve(entry).data
    schemas = {}
    for name in sorted(config.lock):
        schema_entry = config.lock[name]
        if schema_entry.kind == "overlay-schema":
            version = name.rsplit("-", 1)[-1]
            schemas[version] = parse_document(fetcher.resolve(schema_entry).data, schema_entry.file)
    facts_path = config.root / FACTS_FILE
    try:
        facts = OverlayFile(FACTS_FILE, facts_path.read_bytes())
    except OSError as error:
        raise BadInputError(f"{FACTS_FILE}: cannot read ({error.strerror}).") from None
    probe_log_path = config.root / PROBE_LOG_FILE
    probe_log = (
        OverlayFile(PROBE_LOG_FILE, probe_log_path.read_bytes())
        if probe_log_path.is_file()
        else None
    )
    manifest_path = config.root / target.output / MANIFEST_FILE if target.output else None
    previous = manifest_path.read_bytes() if manifest_path and manifest_path.is_file() else None
    surface_path = config.root / target.output / API_SURFACE_FILE if target.output else None
    surface = surface_path.read_bytes() if surface_path and surface_path.is_file() else None
    other_specs = {}
    for name, other in sorted(config.targets.items()):
        if name != target.name and spec_file is None:
            local = fetcher.local(config.snapshot(other.snapshot))
            if local is not None:
                other_specs[other.overlays] = local.data
    others = tuple(
        overlay
        for name, other in sorted(config.targets.items())
        if name != target.name
        for overlay in _read_overlay_files(config.root, other.overlays)
    )
    return Inputs(
        target=target,
        spec_entry=entry,
        spec_bytes=spec_bytes,
        overlay_files=_read_overlay_files(config.root, target.overlays),
        overlay_schemas=schemas,
        templates=read_templates(config.root),
        facts=facts,
        other_overlay_files=others,
        template_cache=config.root / "build" / "template-cache",
        passed_checks=PassedChecks(config.root / "build" / "passed-checks"),
        probe_log=probe_log,
        previous_manifest=previous,
        previous_surface=surface,
        other_specs=other_specs,
        revisions=config.revisions,
    )


def parse_overlays(inputs: Inputs, *, strict: bool = True) -> list[OverlayDocument]:
    """Parse and validate the target's overlay documents, in file-name order."""
    return [
        parse_overlay(
            parse_document(overlay.data, overlay.path),
            overlay.path,
            inputs.overlay_schemas,
            strict=strict,
            passed=inputs.passed_checks,
        )
        for overlay in inputs.overlay_files
    ]


def patch_spec(inputs: Inputs, *, strict: bool = True) -> PatchResult:
    """Parse the spec, apply the overlays, normalize (see `normalize.py`), then write the
    discriminators the IR's union decisions imply (`ir/discriminators.py`)."""
    spec = parse_document(inputs.spec_bytes, inputs.spec_entry.file)
    overlays = parse_overlays(inputs, strict=strict)
    overlaid, actions = apply_overlays(spec, overlays, strict=strict)
    normalized, normalization = normalize_spec(overlaid)
    patched, written = write_discriminators(normalized, build_types(SpecView(normalized)))
    return PatchResult(
        spec, overlaid, normalized, patched, tuple(overlays), actions, normalization, written
    )


def read_facts(inputs: Inputs) -> tuple[Fact, ...]:
    """The facts catalogue, checked."""
    data = parse_document(inputs.facts.data, inputs.facts.path)
    return parse_facts(data, inputs.facts.path, inputs.revisions)


def review(inputs: Inputs, patch: PatchResult, facts: tuple[Fact, ...] | None = None) -> Review:
    """What changed since the output this run replaces (see `report/review.py`)."""
    return review_of(
        patch.overlays,
        facts if facts is not None else read_facts(inputs),
        inputs.previous_manifest,
        {overlay.path: sha256_hex(overlay.data) for overlay in inputs.overlay_files},
        sha256_hex(inputs.facts.data),
    )


def overlay_report(
    inputs: Inputs,
    patch: PatchResult,
    api: Api | None = None,
    since: Review | None = None,
    facts: tuple[Fact, ...] | None = None,
) -> str:
    """Render the overlay report for one run, checking every citation on the way.

    "What changes for a client" compares the intermediate model built from the published spec
    with the one built from the patched spec (`api`, built here when not given). `generate`
    passes what it already computed (`api`, `facts`); a lone `report` reads them here.
    """
    facts = facts if facts is not None else read_facts(inputs)
    check_citations(facts, patch.actions)
    check_contradictions(facts, patch.actions)
    other_documents: dict[str, list[OverlayDocument]] = {}
    for overlay in inputs.other_overlay_files:
        document = parse_overlay(
            parse_document(overlay.data, overlay.path),
            overlay.path,
            inputs.overlay_schemas,
            passed=inputs.passed_checks,
        )
        other_documents.setdefault(overlay.path.rsplit("/", 1)[0], []).append(document)
    other_actions: list[ActionResult] = []
    for folder, documents in other_documents.items():
        spec = inputs.other_specs.get(folder)
        if spec is not None:  # applied leniently: another target's drift never stops this run
            _, results = apply_overlays(parse_document(spec, folder), documents, strict=False)
            other_actions.extend(results)
        else:
            other_actions.extend(
                ActionResult(d.source, a.index, a.kind, a.target, a.description, a.extensions, ())
                for d in documents
                for a in d.actions
            )
    check_contradictions(facts, [action for action in other_actions if action.matches])
    probe_log = (
        parse_probe_log(parse_document(inputs.probe_log.data, inputs.probe_log.path))
        if inputs.probe_log is not None
        else {}
    )
    upstream, _ = normalize_spec(patch.spec)
    patched_api = api or target_api(inputs, patch)
    changes = describe_changes(
        ir_surface(build_api(upstream, None, None, patched_api.runtime_names)),
        ir_surface(patched_api),
    )
    return render_report(
        ReportInputs(
            target=inputs.target.name,
            revision=inputs.target.revision,
            snapshot=inputs.spec_entry.name,
            overlays_dir=inputs.target.overlays,
            overlay_titles={overlay.source: overlay.title for overlay in patch.overlays},
            actions=patch.actions,
            normalization=patch.normalization,
            unions=patched_api.types.unions,
            discriminators=patch.discriminators,
            client_changes=tuple(changes),
            facts=facts,
            all_citations=citations([*patch.actions, *other_actions]),
            rules=patched_api.rules,
            probes=tuple(collect_probes(patch.actions, patched_api.rules)),
            probe_log=probe_log,
            review=since or review(inputs, patch),
            other_actions=tuple(other_actions),
        )
    )


def _tree_hash(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + files[name] + b"\0")
    return digest.hexdigest()


def _header(inputs: Inputs) -> str:
    return (
        f"# Generated by interactions-codegen from {inputs.spec_entry.name} + "
        f"{inputs.target.overlays}/. Do not edit."
    )


def _manifest(
    inputs: Inputs,
    patched: JsonValue,
    files: dict[str, bytes],
    since: Review,
    api_changes: ApiChanges,
) -> bytes:
    manifest = {
        "generator": "interactions-codegen",
        "generator_version": inputs.generator_version,
        "target": inputs.target.name,
        "package": inputs.target.package,
        "api_revision": inputs.target.api_revision,
        "spec": {
            "snapshot": inputs.spec_entry.name,
            "file": inputs.spec_entry.file,
            "sha256": inputs.spec_entry.sha256,
            "url": inputs.spec_entry.url,
        },
        "patched_spec_sha256": sha256_hex(canonical_json(patched)),
        "overlays": [
            {"file": overlay.path, "sha256": sha256_hex(overlay.data)}
            for overlay in inputs.overlay_files
        ],
        "facts_sha256": sha256_hex(inputs.facts.data),
        "template_tree_sha256": _tree_hash(inputs.templates),
        "files": {name: sha256_hex(data) for name, data in sorted(files.items())},
        "review": since.as_json(),
        "api": api_changes.as_json(),
    }
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _top_level_statements(tree: ast.Module) -> list[ast.stmt]:
    """The module's statements, with those of its top-level `if` blocks (both branches): a name
    bound under `if TYPE_CHECKING:` / `else:` is bound at the top level all the same."""
    found: list[ast.stmt] = []
    pending = list(tree.body)
    while pending:
        node = pending.pop(0)
        found.append(node)
        if isinstance(node, ast.If):
            pending[:0] = [*node.body, *node.orelse]
    return found


def runtime_bound_names(templates: Mapping[str, bytes]) -> frozenset[str]:
    """The capitalized names the runtime modules bind at their top level (classes, constants,
    imports; under a top-level `if` too), read from their source: a schema's class must not take
    one, since the rendered modules import them from the runtime (`Call`, `ParsedInteraction`,
    `ResponseLimits`...).
    An async source's names count in their sync twin's spelling too (`SyncClientBase`)."""
    names: set[str] = set()
    for path, data in sorted(templates.items()):
        if not (path.startswith("runtime/") and path.endswith(".py")):
            continue
        try:
            tree = ast.parse(data.decode("utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError) as error:
            raise BadInputError(f"{path}: not valid Python ({error}).") from None
        found: set[str] = set()
        for node in _top_level_statements(tree):
            if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                found.add(node.name)
            elif isinstance(node, ast.Assign):
                found.update(target.id for target in node.targets if isinstance(target, ast.Name))
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                found.add(node.target.id)
            elif isinstance(node, ast.Import) or (
                isinstance(node, ast.ImportFrom) and not node.level
            ):
                # a relative import names a runtime module (bound where it is defined) or a
                # generated one (`.types`: the spec's own names), so only absolute ones count
                found.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        names |= found
        if is_async_source(path):
            names.update(sync_name(name) for name in found)
    return frozenset(name for name in names if name[:1].isupper())


def mixin_members(inputs: Inputs) -> dict[str, frozenset[str]]:
    """The public members each mixin class of the target gives its model, read from the runtime
    source: `{model class: names}`; a field may not take one (`text` on `Interaction`)."""
    members: dict[str, frozenset[str]] = {}
    for model, reference in inputs.target.model_mixins:
        module, class_name = reference.rsplit(".", 1)
        path = f"{RUNTIME_DIR}/{module.replace('.', '/')}.py"
        source = inputs.templates.get(path)
        if source is None:
            raise BadInputError(
                f"codegen.yaml: model_mixins maps {model!r} to {reference!r}, but "
                f"{path} does not exist."
            )
        found = [
            node
            for node in ast.parse(source).body
            if isinstance(node, ast.ClassDef) and node.name == class_name
        ]
        if not found:
            raise BadInputError(
                f"codegen.yaml: model_mixins maps {model!r} to {reference!r}, but "
                f"{path} defines no class {class_name}."
            )
        names = set()
        for node in found[0].body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names.add(node.name)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                if node.value is not None:  # a bare annotation declares a field it reads
                    names.add(node.target.id)
            elif isinstance(node, ast.Assign):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        members[model] = frozenset(name for name in names if not name.startswith("_"))
    return members


def target_api(inputs: Inputs, patch: PatchResult) -> Api:
    """The target's IR exactly as `generate` builds it (mixins and runtime names included)."""
    return build_api(
        patch.normalized,
        inputs.target.api_revision,
        mixin_members(inputs),
        runtime_bound_names(inputs.templates),
        inputs.target.eager_union_members,
    )


def generate_files(inputs: Inputs) -> GenerationResult:
    """Run every pure step and return the complete output file map."""
    patch = patch_spec(inputs)
    api = target_api(inputs, patch)
    try:
        templates = {name: data.decode("utf-8") for name, data in inputs.templates.items()}
    except UnicodeDecodeError as error:
        raise BadInputError(f"{TEMPLATES_DIR}/: a template is not UTF-8 text ({error}).") from None
    rendered = render(
        api,
        inputs.target.package,
        _header(inputs),
        RenderInputs(templates, inputs.template_cache),
        inputs.generator_version,
        inputs.target.model_mixins,
    )
    # the runtime is copied as written (and tested as such): only rendered modules hold spec names
    runtime = list(RenderInputs(templates).runtime_modules())
    copies = {f"{inputs.target.package}/{name}" for name in runtime} | {
        f"{inputs.target.package}/{twin_name(name)}" for name in runtime if is_async_source(name)
    }
    # ruff formats in a subprocess while this process writes the report: both are pure
    # functions of their inputs, so running them side by side changes nothing but the time
    with ThreadPoolExecutor(max_workers=1) as formatter:
        formatting = formatter.submit(format_files, rendered)
        facts = read_facts(inputs)  # parsed once per run: the review, report and table share it
        since = review(inputs, patch, facts)
        report = overlay_report(inputs, patch, api, since, facts)
        formatted = formatting.result()
    check_names({name: text for name, text in formatted.items() if name not in copies})
    formatted[PYPROJECT_FILE] = render_pyproject(
        api,
        inputs.target.package,
        _header(inputs),
        RenderInputs(templates, inputs.template_cache),
        DistributionSettings(
            snapshot=inputs.spec_entry.name,
            name=inputs.target.distribution_name,
            version=inputs.target.package_version,
        ),
        formatted,
    )
    formatted[REPORT_FILE] = report
    formatted[FIDELITY_FILE] = render_fidelity(facts, templates, inputs.facts.path)
    digests = {key: str(entry["digest"]) for key, entry in since.state["actions"].items()}
    changes = api_changes_of(
        api,
        patch.actions,
        digests,
        inputs.spec_entry.name,
        inputs.previous_manifest,
        inputs.previous_surface,
    )
    formatted[API_CHANGES_FILE] = render_changes(inputs.target.name, changes)
    formatted[API_SURFACE_FILE] = dump_surface(changes.surface)
    files = {name: text.encode("utf-8") for name, text in formatted.items()}
    files[MANIFEST_FILE] = _manifest(inputs, patch.patched, files, since, changes)
    return GenerationResult(
        patch=patch, api=api, files=dict(sorted(files.items())), api_changes=changes
    )
