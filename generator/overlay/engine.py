"""The OpenAPI Overlay engine: Overlay Specification 1.1 semantics over RFC 9535 JSONPath.

Map of the module:
- `parse_overlay` turns a parsed document into an `OverlayDocument`, validating it against the
  official Overlay JSON Schema of its version (1.0 documents get 1.1 semantics) and compiling
  every JSONPath up front, so a bad expression is reported with its position before anything runs.
- `apply_overlays` applies documents in order to a copy of a spec and returns the patched spec
  plus one `ActionResult` per action: the matched JSON Pointers with the value before and after.
- Merging follows the specification: objects merge recursively, arrays concatenate, primitives
  replace, any other combination is an error. An array target takes an array (concatenated) or
  any other value (appended); a primitive target takes a primitive (replaced).

Strict mode (the project's default) adds rules the specification leaves to tooling: every action
needs a `description`; a target that selects nothing is an error rather than a no-op, because a
correction that no longer matches is a correction that silently stopped working; and an action
that changes nothing is an error too, because upstream already says what it would add.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import jsonpath_rfc9535 as jsonpath

from generator.errors import BadInputError, BrokenOverlayError
from generator.ir.extensions import Confidence
from generator.load.cache import PassedChecks
from generator.load.documents import JsonValue, copy_json, json_pointer

__all__ = [
    "ActionResult",
    "Match",
    "OverlayAction",
    "OverlayDocument",
    "SelectedNode",
    "apply_action",
    "apply_overlays",
    "parse_overlay",
    "select",
    "validate_overlay_document",
]

_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_ABSENT: Any = object()


@dataclass(frozen=True)
class OverlayAction:
    """One action of an overlay document, with its target already compiled."""

    index: int
    target: str
    description: str | None
    update: JsonValue = field(default=_ABSENT, compare=False)
    copy_from: str | None = None
    remove: bool = False
    extensions: dict[str, JsonValue] = field(default_factory=dict, compare=False)

    @property
    def kind(self) -> str:
        """Which modifier takes effect: remove beats update and copy, as the spec says."""
        if self.remove:
            return "remove"
        if self.update is not _ABSENT:
            return "update"
        if self.copy_from is not None:
            return "copy"
        return "none"


@dataclass(frozen=True)
class OverlayDocument:
    """A validated overlay document; `source` names it in every message."""

    source: str
    version: str
    title: str
    actions: tuple[OverlayAction, ...]
    extensions: dict[str, JsonValue] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Match:
    """One node an action touched: its JSON Pointer and its value before and after.

    `after` is None for a removed node (`removed` is True then).
    """

    pointer: str
    before: JsonValue
    after: JsonValue
    removed: bool = False


@dataclass(frozen=True)
class ActionResult:
    """What one action did, for the report and for drift classification."""

    source: str
    index: int
    kind: str
    target: str
    description: str | None
    extensions: dict[str, JsonValue]
    matches: tuple[Match, ...]

    @property
    def changed(self) -> bool:
        """Whether the action changed anything at all."""
        return any(match.removed or match.before != match.after for match in self.matches)


@dataclass(frozen=True)
class SelectedNode:
    """A node a JSONPath query selected: its location from the root and its value."""

    location: tuple[str | int, ...]
    value: JsonValue


def select(document: JsonValue, expression: str, where: str = "query") -> list[SelectedNode]:
    """Evaluate an RFC 9535 JSONPath `expression`; nodes come in the query's result order."""
    query = _compile(expression, where, "JSONPath")
    return [SelectedNode(tuple(node.location), node.value) for node in query.find(document)]


def _where(source: str, index: int | None = None) -> str:
    return source if index is None else f"{source}: action {index}"


def _schema_path(path: Any) -> str:
    text = "$"
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _compile(expression: str, where: str, role: str) -> jsonpath.JSONPathQuery:
    try:
        return jsonpath.compile(expression)
    except jsonpath.JSONPathError as error:
        token = getattr(error, "token", None)
        position = f" at position {token.index}" if token is not None else ""
        message = str(error.args[0]) if error.args else str(error)
        raise BadInputError(
            f"{where}: invalid JSONPath in {role} {expression!r}{position}: {message}."
        ) from None


def validate_overlay_document(
    data: JsonValue,
    source: str,
    schemas: dict[str, JsonValue],
    passed: PassedChecks | None = None,
) -> str:
    """Validate `data` against the official Overlay JSON Schema of its version; return "1.x".

    This is the specification's own notion of a valid document. JSONPath expressions inside it
    are checked by `parse_overlay`, which compiles them. `passed` remembers documents that
    validated before (see `load.cache`), so an unchanged overlay skips the validator.
    """
    if not isinstance(data, dict):
        raise BadInputError(f"{source}: an overlay document must be a mapping at the top level.")
    version = data.get("overlay")
    parsed = _VERSION.match(version) if isinstance(version, str) else None
    minor = f"{parsed.group(1)}.{parsed.group(2)}" if parsed else None
    if minor not in schemas:
        supported = ", ".join(f"{known}.x" for known in sorted(schemas))
        raise BadInputError(
            f"{source}: unsupported overlay version {version!r}; supported: {supported}."
        )
    digest = PassedChecks.digest(schemas[minor], data) if passed is not None else ""
    if passed is not None and passed.passed(digest):
        assert minor is not None
        return minor
    import jsonschema  # ~150 ms to import: only when a document was not validated before

    validator = jsonschema.Draft202012Validator(schemas[minor])
    errors = sorted(
        validator.iter_errors(data), key=lambda error: _removal_order(tuple(error.absolute_path))
    )
    if errors:
        details = "; ".join(
            f"at {_schema_path(error.absolute_path)}: {error.message}" for error in errors[:5]
        )
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise BadInputError(f"{source}: not a valid Overlay {minor} document: {details}{more}.")
    assert minor is not None
    if passed is not None:
        passed.remember(digest)
    return minor


def parse_overlay(
    data: JsonValue,
    source: str,
    schemas: dict[str, JsonValue],
    *,
    strict: bool = True,
    passed: PassedChecks | None = None,
) -> OverlayDocument:
    """Validate overlay `data` against the official schema of its version and compile it.

    `schemas` maps "1.0" / "1.1" to the official Overlay JSON Schemas. In strict mode every
    action must also carry a non-empty `description`.
    """
    validate_overlay_document(data, source, schemas, passed)
    assert isinstance(data, dict)
    version = str(data["overlay"])
    actions = []
    for index, raw in enumerate(data["actions"]):
        where = _where(source, index)
        description = raw.get("description")
        if strict and not (isinstance(description, str) and description.strip()):
            raise BadInputError(
                f"{where} (target {raw['target']!r}): every action needs a description saying "
                f"what the spec claims, what the wire does and why it matters."
            )
        _compile(raw["target"], where, "target")
        if "x-confidence" in raw:
            Confidence.parse(
                raw["x-confidence"], f"{where} (target {raw['target']!r})", "x-confidence"
            )
        if "copy" in raw:
            _compile(raw["copy"], where, "copy")
        actions.append(
            OverlayAction(
                index=index,
                target=raw["target"],
                description=description,
                update=raw.get("update", _ABSENT),
                copy_from=raw.get("copy"),
                remove=bool(raw.get("remove", False)),
                extensions={key: value for key, value in raw.items() if key.startswith("x-")},
            )
        )
    return OverlayDocument(
        source=source,
        version=version,
        title=data["info"]["title"],
        actions=tuple(actions),
        extensions={key: value for key, value in data.items() if key.startswith("x-")},
    )


def _shape(value: JsonValue) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "primitive"


def _merge(target: dict[str, Any], update: dict[str, Any], where: str, pointer: str) -> None:
    for key, value in update.items():
        child = f"{pointer}/{key}"
        if key not in target:
            target[key] = copy_json(value)
            continue
        existing = target[key]
        shapes = (_shape(existing), _shape(value))
        if shapes == ("primitive", "primitive"):
            target[key] = copy_json(value)
        elif shapes == ("array", "array"):
            existing.extend(copy_json(value))
        elif shapes == ("object", "object"):
            _merge(existing, value, where, child)
        else:
            raise BrokenOverlayError(
                f"{where}: cannot merge {shapes[1]} into {shapes[0]} at {child or '/'}; the "
                f"Overlay Specification allows object into object, array into array and "
                f"primitive over primitive."
            )


def _run_action(
    document: JsonValue, action: OverlayAction, source: str, strict: bool
) -> tuple[JsonValue, tuple[Match, ...]]:
    where = f"{_where(source, action.index)} (target {action.target})"
    nodes = jsonpath.compile(action.target).find(document)
    unique = {node.location: node for node in nodes}
    if not unique:
        if strict:
            raise BrokenOverlayError(
                f"{where}: the target selects nothing in the spec. The correction no longer "
                f"applies: the spec may have fixed it (retire the action) or moved the node "
                f"(update the target)."
            )
        return document, ()
    if action.kind == "none":
        if strict:
            raise BadInputError(f"{where}: the action has no update, copy or remove.")
        return document, ()
    if action.kind == "remove":
        return _remove(document, list(unique.values()), where)
    if action.kind == "copy":
        assert action.copy_from is not None
        sources = jsonpath.compile(action.copy_from).find(document)
        if len(sources) != 1:
            raise BrokenOverlayError(
                f"{where}: copy source {action.copy_from!r} must select exactly one node, "
                f"selected {len(sources)}."
            )
        value = sources[0].value
    else:
        value = action.update
    shapes = {_shape(node.value) for node in unique.values()}
    if len(shapes) > 1:
        raise BrokenOverlayError(
            f"{where}: the target selects a mix of {', '.join(sorted(shapes))} nodes; an update "
            f"or copy needs them all of one kind."
        )
    matches = []
    for location, node in unique.items():
        pointer = json_pointer(*location)
        before = copy_json(node.value)
        document = _update_node(document, node, value, where, pointer)
        after = copy_json(_value_at(document, location))
        matches.append(Match(pointer=pointer, before=before, after=after))
    return document, tuple(matches)


def apply_action(
    document: JsonValue, action: OverlayAction, source: str
) -> tuple[JsonValue, ActionResult]:
    """Apply one action leniently (a zero match is a no-op) to `document`, which it mutates.

    Used by drift classification, which needs every action's fate rather than the first error;
    an impossible merge still raises `BrokenOverlayError`.
    """
    document, matches = _run_action(document, action, source, strict=False)
    return document, _result(source, action, matches)


def _result(source: str, action: OverlayAction, matches: tuple[Match, ...]) -> ActionResult:
    return ActionResult(
        source=source,
        index=action.index,
        kind=action.kind,
        target=action.target,
        description=action.description,
        extensions=action.extensions,
        matches=matches,
    )


def _value_at(document: JsonValue, location: tuple[str | int, ...]) -> JsonValue:
    current = document
    for part in location:
        current = current[part]
    return current


def _update_node(
    document: JsonValue, node: jsonpath.JSONPathNode, value: JsonValue, where: str, pointer: str
) -> JsonValue:
    target: Any = node.value
    shape = _shape(target)
    if shape == "object":
        if not isinstance(value, dict):
            raise BrokenOverlayError(
                f"{where}: {pointer or '/'} is an object, so the update must be an object, "
                f"got {_shape(value)}."
            )
        _merge(target, value, where, pointer)
    elif shape == "array":
        if isinstance(value, list):
            target.extend(copy_json(value))
        else:
            target.append(copy_json(value))
    else:
        if _shape(value) != "primitive":
            raise BrokenOverlayError(
                f"{where}: {pointer} is a primitive, so the update must be a primitive, "
                f"got {_shape(value)}."
            )
        if not node.location:
            return copy_json(value)
        parent = _value_at(document, node.location[:-1])
        parent[node.location[-1]] = copy_json(value)
    return document


def _remove(
    document: JsonValue, nodes: list[jsonpath.JSONPathNode], where: str
) -> tuple[JsonValue, tuple[Match, ...]]:
    if any(not node.location for node in nodes):
        raise BrokenOverlayError(f"{where}: the document root cannot be removed.")
    matches = [
        Match(
            pointer=json_pointer(*node.location),
            before=copy_json(node.value),
            after=None,
            removed=True,
        )
        for node in nodes
    ]
    # Remove deepest and highest-index nodes first so earlier removals never shift later ones.
    ordered = sorted(nodes, key=lambda node: _removal_order(node.location), reverse=True)
    for node in ordered:
        try:
            parent = _value_at(document, node.location[:-1])
            del parent[node.location[-1]]
        except (KeyError, IndexError, TypeError):
            continue  # already removed together with an ancestor selected by the same target
    return document, tuple(matches)


def _removal_order(location: tuple[str | int, ...]) -> tuple[Any, ...]:
    return tuple((0, part) if isinstance(part, int) else (1, part) for part in location)


def apply_overlays(
    spec: JsonValue, overlays: list[OverlayDocument], *, strict: bool = True
) -> tuple[JsonValue, tuple[ActionResult, ...]]:
    """Apply `overlays` in order to a deep copy of `spec`; return it and every action's result."""
    document = copy_json(spec)
    results = []
    for overlay in overlays:
        for action in overlay.actions:
            document, matches = _run_action(document, action, overlay.source, strict)
            result = _result(overlay.source, action, matches)
            if strict and not result.changed:
                raise BrokenOverlayError(
                    f"{overlay.source}: action {action.index} (target {action.target}): the "
                    f"action matched but changed nothing — the spec already says this. Retire "
                    f"the correction (`interactions-codegen drift` lists the redundant ones)."
                )
            results.append(result)
    return document, tuple(results)
