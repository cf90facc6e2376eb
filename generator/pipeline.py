"""The pipeline, and the only place that knows the order of its steps.

    read_inputs (I/O edge: lock-verified spec, overlay files, overlay schemas, templates)
      → apply overlays → build the intermediate model → render → format → add the manifest
      → a file map that `emit` writes or diffs (I/O edge)

`read_inputs` gathers every byte the run depends on into one `Inputs` value; everything after it
is a function of that value alone, which is what makes `check` and determinism possible.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from generator import __version__
from generator.build import build_api
from generator.config import LockEntry, ProjectConfig, Target
from generator.documents import JsonValue, canonical_json, parse_document
from generator.errors import BadInputError
from generator.fetch import Fetcher, sha256_hex
from generator.format import format_files
from generator.ir import Api
from generator.overlay import ActionResult, OverlayDocument, apply_overlays, parse_overlay
from generator.render import RenderInputs, render

__all__ = [
    "MANIFEST_FILE",
    "OVERLAY_SUFFIXES",
    "GenerationResult",
    "Inputs",
    "OverlayFile",
    "generate_files",
    "parse_overlays",
    "patch_spec",
    "read_inputs",
]

MANIFEST_FILE = "manifest.json"
OVERLAY_SUFFIXES = (".yaml", ".yml", ".json")
TEMPLATES_DIR = "templates"


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
    generator_version: str = __version__


@dataclass(frozen=True)
class GenerationResult:
    """What one run produced: the patched spec, each action's effect, the model and the files."""

    spec: JsonValue
    patched_spec: JsonValue
    actions: tuple[ActionResult, ...]
    api: Api
    files: dict[str, bytes]


def _read_overlay_files(root: Path, directory: str) -> tuple[OverlayFile, ...]:
    folder = root / directory
    if not folder.is_dir():
        raise BadInputError(f"{directory}: overlay directory does not exist.")
    return tuple(
        OverlayFile(path=path.relative_to(root).as_posix(), data=path.read_bytes())
        for path in sorted(folder.iterdir())
        if path.is_file() and path.suffix in OVERLAY_SUFFIXES
    )


def _read_templates(root: Path) -> dict[str, bytes]:
    folder = root / TEMPLATES_DIR
    if not folder.is_dir():
        raise BadInputError(f"{TEMPLATES_DIR}/: template directory does not exist.")
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


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
    return Inputs(
        target=target,
        spec_entry=entry,
        spec_bytes=spec_bytes,
        overlay_files=_read_overlay_files(config.root, target.overlays),
        overlay_schemas=schemas,
        templates=_read_templates(config.root),
    )


def parse_overlays(inputs: Inputs, *, strict: bool = True) -> list[OverlayDocument]:
    """Parse and validate the target's overlay documents, in file-name order."""
    return [
        parse_overlay(
            parse_document(overlay.data, overlay.path),
            overlay.path,
            inputs.overlay_schemas,
            strict=strict,
        )
        for overlay in inputs.overlay_files
    ]


def patch_spec(
    inputs: Inputs, *, strict: bool = True
) -> tuple[JsonValue, JsonValue, tuple[ActionResult, ...]]:
    """Parse the spec and apply the overlays: (spec, patched spec, action results)."""
    spec = parse_document(inputs.spec_bytes, inputs.spec_entry.file)
    patched, actions = apply_overlays(spec, parse_overlays(inputs, strict=strict), strict=strict)
    return spec, patched, actions


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


def _manifest(inputs: Inputs, patched: JsonValue, files: dict[str, bytes]) -> bytes:
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
        "template_tree_sha256": _tree_hash(inputs.templates),
        "files": {name: sha256_hex(data) for name, data in sorted(files.items())},
    }
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def generate_files(inputs: Inputs) -> GenerationResult:
    """Run every pure step and return the complete output file map."""
    spec, patched, actions = patch_spec(inputs)
    api = build_api(patched, inputs.target.api_revision)
    try:
        templates = {name: data.decode("utf-8") for name, data in inputs.templates.items()}
    except UnicodeDecodeError as error:
        raise BadInputError(f"{TEMPLATES_DIR}/: a template is not UTF-8 text ({error}).") from None
    rendered = render(
        api,
        inputs.target.package,
        _header(inputs),
        RenderInputs(templates),
        inputs.generator_version,
    )
    formatted = format_files(rendered)
    files = {name: text.encode("utf-8") for name, text in formatted.items()}
    files[MANIFEST_FILE] = _manifest(inputs, patched, files)
    return GenerationResult(
        spec=spec, patched_spec=patched, actions=actions, api=api, files=dict(sorted(files.items()))
    )
