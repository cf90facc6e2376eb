"""The project's configuration: build targets (`codegen.yaml`) and pinned inputs (`spec/lock.yaml`).

Both files are parsed into frozen dataclasses with every field checked, so a typo in a target
or a lock entry is reported with the file and key instead of surfacing later as a crash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import BadInputError
from generator.load.documents import parse_document

__all__ = [
    "CONFIG_FILE",
    "LOCK_FILE",
    "LockEntry",
    "ProjectConfig",
    "Target",
    "check_lock_file_name",
    "check_snapshot_name",
    "find_project_root",
    "load_project_config",
    "parse_lock",
    "parse_targets",
]

CONFIG_FILE = "codegen.yaml"
LOCK_FILE = "spec/lock.yaml"

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_SCHEMA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SNAPSHOT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_FILE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


def check_snapshot_name(name: str, where: str) -> str:
    """`name` when it is a safe snapshot name: letters, digits, `.`, `_`, `-`, no `..`.

    Snapshot names become cache folders and lines of the lock file, so a path separator, `..`
    or a control character could write outside the project or corrupt the lock.
    """
    if not _SNAPSHOT_NAME.match(name) or ".." in name:
        raise BadInputError(
            f"{where}: snapshot name {name!r} is not allowed; use 1-100 letters, digits, '.', "
            f"'_' or '-' (starting with a letter or digit, no '..'), e.g. v1beta-2027-01-15."
        )
    return name


def check_lock_file_name(file: str, where: str) -> str:
    """`file` when it is a relative path of safe parts (as `v1.1/schema.yaml`), without `..`."""
    parts = file.split("/")
    if not all(_FILE_PART.match(part) and ".." not in part for part in parts):
        raise BadInputError(
            f"{where}: file {file!r} is not allowed; a pinned file is a relative path of "
            f"letters, digits, '.', '_' and '-' parts separated by '/', without '..'."
        )
    return file


@dataclass(frozen=True)
class Target:
    """One thing the generator can build: a spec snapshot, its overlays and where output goes."""

    name: str
    description: str
    snapshot: str
    overlays: str
    output: str | None
    package: str
    api_revision: str | None
    model_mixins: tuple[tuple[str, str], ...] = ()
    eager_union_members: tuple[str, ...] | None = None
    """The models built with the unions that hold them; with this list, every other model
    member of a union is built the first time a value of its kind comes (None: all with it)."""
    distribution_name: str | None = None
    package_version: str | None = None

    @property
    def revision(self) -> str:
        """The API revision the facts catalogue names for this target (`launch` without one)."""
        return self.api_revision or "launch"


@dataclass(frozen=True)
class LockEntry:
    """One pinned third-party file: where it comes from and the hash it must have."""

    name: str
    kind: str
    file: str
    sha256: str
    url: str
    url_serves: str
    retrieved: str
    note: str


@dataclass(frozen=True)
class ProjectConfig:
    """Everything read from the project's two configuration files."""

    root: Path
    default_target: str
    targets: dict[str, Target]
    lock: dict[str, LockEntry]

    def target(self, name: str | None) -> Target:
        """Return the named target (the default when `name` is None) or fail naming the choices."""
        chosen = name or self.default_target
        if chosen not in self.targets:
            known = ", ".join(sorted(self.targets))
            raise BadInputError(f"{CONFIG_FILE}: no target named {chosen!r}; known: {known}.")
        return self.targets[chosen]

    @property
    def revisions(self) -> tuple[str, ...]:
        """Every target's API revision, sorted: the revisions a fact may name."""
        return tuple(sorted({target.revision for target in self.targets.values()}))

    def snapshot(self, name: str) -> LockEntry:
        """Return the lock entry for a snapshot name or fail naming the lock file."""
        if name not in self.lock:
            known = ", ".join(sorted(self.lock))
            raise BadInputError(f"{LOCK_FILE}: no pinned snapshot named {name!r}; known: {known}.")
        return self.lock[name]


def _require(mapping: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in mapping:
        raise BadInputError(f"{where}: missing required key {key!r}.")
    value = mapping[key]
    if not isinstance(value, kind):
        raise BadInputError(
            f"{where}: key {key!r} must be a {kind.__name__}, got {type(value).__name__}."
        )
    return value


def _optional_str(mapping: dict[str, Any], key: str, where: str) -> str | None:
    value = mapping.get(key)
    if value is not None and not isinstance(value, str):
        raise BadInputError(f"{where}: key {key!r} must be a string or null.")
    return value


def _reject_unknown(mapping: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        raise BadInputError(
            f"{where}: unknown key(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(sorted(allowed))}."
        )


def parse_targets(data: Any, source: str = CONFIG_FILE) -> tuple[str, dict[str, Target]]:
    """Parse `codegen.yaml` data into the default target name and the targets by name."""
    if not isinstance(data, dict):
        raise BadInputError(f"{source}: expected a mapping at the top level.")
    _reject_unknown(data, {"default", "targets"}, source)
    default = _require(data, "default", str, source)
    raw_targets = _require(data, "targets", dict, source)
    targets: dict[str, Target] = {}
    for name, raw in sorted(raw_targets.items()):
        where = f"{source}: target {name!r}"
        if not isinstance(raw, dict):
            raise BadInputError(f"{where}: expected a mapping.")
        _reject_unknown(
            raw,
            {
                "description",
                "snapshot",
                "overlays",
                "output",
                "package",
                "api_revision",
                "model_mixins",
                "eager_union_members",
                "distribution_name",
                "package_version",
            },
            where,
        )
        package = _require(raw, "package", str, where)
        if not _IDENTIFIER.match(package):
            raise BadInputError(f"{where}: package {package!r} is not a Python package name.")
        mixins = raw.get("model_mixins") or {}
        if not isinstance(mixins, dict) or not all(
            isinstance(value, str) and re.match(r"^(?:[a-z_]+\.)?_[a-z_]+\.[A-Za-z_]+$", value)
            for value in mixins.values()
        ):
            raise BadInputError(
                f"{where}: model_mixins maps a schema name to `room._module.ClassName` "
                f"of runtime/ (`lib._helpers.InteractionHelpers`)."
            )
        eager = raw.get("eager_union_members")
        if eager is not None and (
            not isinstance(eager, list)
            or not all(isinstance(item, str) and _SCHEMA_NAME.match(item) for item in eager)
        ):
            raise BadInputError(
                f"{where}: eager_union_members is a list of model names (`[TextContent, ...]`)."
            )
        targets[name] = Target(
            name=name,
            description=_require(raw, "description", str, where),
            snapshot=_require(raw, "snapshot", str, where),
            overlays=_require(raw, "overlays", str, where),
            output=_optional_str(raw, "output", where),
            package=package,
            api_revision=_optional_str(raw, "api_revision", where),
            model_mixins=tuple(sorted((str(k), str(v)) for k, v in mixins.items())),
            eager_union_members=None if eager is None else tuple(sorted(set(eager))),
            distribution_name=_matching(
                raw,
                "distribution_name",
                _DISTRIBUTION_NAME,
                "a valid distribution name (letters, digits, '.', '_' and '-', starting and "
                "ending with a letter or digit)",
                where,
            ),
            package_version=_matching(
                raw,
                "package_version",
                _PUBLIC_VERSION,
                "a PEP 440 public version (like 1.4.0, 2026.10.7 or 1.0.0rc1)",
                where,
            ),
        )
    if default not in targets:
        raise BadInputError(f"{source}: default target {default!r} is not defined.")
    return default, targets


_DISTRIBUTION_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
_PUBLIC_VERSION = re.compile(r"^\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?$")


def _matching(
    raw: dict[str, Any], key: str, pattern: re.Pattern[str], what: str, where: str
) -> str | None:
    """The optional string `key`, refused naming the target unless it matches `pattern`."""
    value = _optional_str(raw, key, where)
    if value is not None and not pattern.match(value):
        raise BadInputError(f"{where}: {key} {value!r} is not {what}.")
    return value


def parse_lock(data: Any, source: str = LOCK_FILE) -> dict[str, LockEntry]:
    """Parse `spec/lock.yaml` data into lock entries by name."""
    if not isinstance(data, dict):
        raise BadInputError(f"{source}: expected a mapping at the top level.")
    _reject_unknown(data, {"snapshots"}, source)
    entries: dict[str, LockEntry] = {}
    for index, raw in enumerate(_require(data, "snapshots", list, source)):
        where = f"{source}: snapshots[{index}]"
        if not isinstance(raw, dict):
            raise BadInputError(f"{where}: expected a mapping.")
        fields = {"name", "kind", "file", "sha256", "url", "url_serves", "retrieved", "note"}
        _reject_unknown(raw, fields, where)
        entry = LockEntry(**{key: _require(raw, key, str, where) for key in sorted(fields)})
        check_snapshot_name(entry.name, where)
        check_lock_file_name(entry.file, where)
        if entry.kind not in ("spec", "overlay-schema"):
            raise BadInputError(f"{where}: kind must be 'spec' or 'overlay-schema'.")
        if entry.url_serves not in ("latest", "fixed"):
            raise BadInputError(f"{where}: url_serves must be 'latest' or 'fixed'.")
        if not _SHA256.match(entry.sha256):
            raise BadInputError(f"{where}: sha256 must be 64 lowercase hex digits.")
        if entry.name in entries:
            raise BadInputError(f"{where}: duplicate snapshot name {entry.name!r}.")
        entries[entry.name] = entry
    return entries


def find_project_root(start: Path) -> Path:
    """Walk up from `start` to the directory that holds `codegen.yaml`."""
    for candidate in (start, *start.parents):
        if (candidate / CONFIG_FILE).is_file():
            return candidate
    raise BadInputError(
        f"no {CONFIG_FILE} found in {start} or any parent; "
        f"run inside the project or pass --project."
    )


def load_project_config(root: Path) -> ProjectConfig:
    """Read and check `codegen.yaml` and `spec/lock.yaml` under `root` (an I/O edge)."""
    files = {}
    for relative in (CONFIG_FILE, LOCK_FILE):
        path = root / relative
        try:
            files[relative] = parse_document(path.read_bytes(), relative)
        except OSError as error:
            raise BadInputError(f"{relative}: cannot read ({error.strerror}).") from None
    default, targets = parse_targets(files[CONFIG_FILE])
    lock = parse_lock(files[LOCK_FILE])
    for target in targets.values():
        if target.snapshot not in lock or lock[target.snapshot].kind != "spec":
            raise BadInputError(
                f"{CONFIG_FILE}: target {target.name!r} names snapshot {target.snapshot!r}, "
                f"which {LOCK_FILE} does not pin as a spec."
            )
    return ProjectConfig(root=root, default_target=default, targets=targets, lock=lock)
