"""The public API of the generated package, and what changed in it since the last regeneration.

A generation reads the package's public surface off the intermediate model — every class with
its attributes (Python name, annotation, requiredness), enum values and union members, every
client method with its parameters and return type — and keeps it, in a compact JSON form, in the
file `api_surface.json` (one line per class or method, so its diff reads as an API diff). The
next generation compares its own surface with the one recorded in the
output it is about to replace (`api_surface.json`, beside the manifest, which keeps the list of
changes) and writes `API_CHANGES.md`: breaking changes first, each line
traced to the overlay action(s) that touched the schema or operation, the spec snapshot, or the
generator and its templates. When the surface is unchanged the recorded list is carried over,
so regenerating and `check` give the same bytes (the mechanism of `review.py`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from generator.ir.model import Api, EnumDef, ModelDef, Operation, UnionDef
from generator.ir.types import TypeExpr, required
from generator.load.documents import unescape_token
from generator.overlay.engine import ActionResult
from generator.render.annotations import annotation

__all__ = [
    "API_CHANGES_FILE",
    "API_SURFACE_FILE",
    "ApiChanges",
    "api_changes_of",
    "dump_surface",
    "public_surface",
    "render_changes",
]

API_CHANGES_FILE = "API_CHANGES.md"
API_SURFACE_FILE = "api_surface.json"

_BREAKING = "breaking"
_COMPATIBLE = "compatible"


@dataclass(frozen=True)
class ApiChanges:
    """This run's surface and the changes since the previous one, with what they compare to."""

    surface: dict[str, Any]
    changes: tuple[dict[str, Any], ...]
    baseline: str

    def as_json(self) -> dict[str, Any]:
        """The manifest's `api` entry (the surface itself is `api_surface.json`)."""
        return {"changes": list(self.changes), "baseline": self.baseline}

    @property
    def breaking(self) -> tuple[dict[str, Any], ...]:
        """The changes that can break a caller's code."""
        return tuple(change for change in self.changes if change["severity"] == _BREAKING)

    def summary(self) -> str:
        """One line for `generate` and `check`."""
        if not self.changes:
            return f"no API changes (compared with {self.baseline})"
        breaking = self.breaking
        other = len(self.changes) - len(breaking)
        head = f"{len(breaking)} breaking change{'s' if len(breaking) != 1 else ''}"
        if breaking:
            shown = "; ".join(change["text"] for change in breaking[:3])
            more = f"; … ({len(breaking) - 3} more)" if len(breaking) > 3 else ""
            head += f": {shown}{more}"
        return f"{head}; {other} compatible (see {API_CHANGES_FILE})"


def _text(type_: TypeExpr) -> str:
    return annotation(type_)


def _schema_of(source: str, fallback: str) -> str:
    """The component schema a definition comes from (its `source` names the spec location)."""
    marker = "components/schemas/"
    if marker in source:
        return unescape_token(source.split(marker, 1)[1].split("/", 1)[0])
    return fallback


def _type_entry(definition: Any, request_classes: frozenset[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"schema": _schema_of(definition.source, definition.name)}
    if isinstance(definition, ModelDef):
        entry["kind"] = "model"
        entry["request"] = definition.name in request_classes
        entry["fields"] = {
            field.python_name: {
                "type": _text(required(field.type)),
                "required": field.required,
            }
            for field in definition.fields
            if not field.excluded
        }
    elif isinstance(definition, EnumDef):
        entry["kind"] = "enum"
        entry["values"] = list(definition.values)
    elif isinstance(definition, UnionDef):
        entry["kind"] = "union"
        entry["members"] = sorted(
            annotation(member.type)
            for member in definition.members
            if definition.unknown is None or annotation(member.type) != definition.unknown
        )
    else:
        entry["kind"] = "alias"
        entry["type"] = _text(definition.type)
    return entry


def _returns(operation: Operation, api: Api) -> str:
    response = api.types.class_for(operation.response_schema) if operation.response_schema else ""
    if operation.stream is not None:
        return (
            f"{response or 'None'} | Stream[{api.types.class_for(operation.stream.event_schema)}]"
        )
    if operation.page is not None:
        return f"Page[{_text(operation.page.item_type)}]"
    return response or "None"


def _method_entry(operation: Operation, api: Api) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for parameter in operation.parameters:
        params[parameter.python_name] = {
            "type": _text(required(parameter.type)),
            "required": parameter.required,
        }
    for body in operation.body_fields:
        params[body.python_name] = {"type": _text(required(body.type)), "required": body.required}
    return {
        "operation": operation.operation_id or f"{operation.http_method} {operation.path}",
        "route": [operation.http_method.lower(), operation.path],
        "body": list(operation.request_schemas),
        "params": dict(sorted(params.items())),
        "returns": _returns(operation, api),
    }


def public_surface(api: Api) -> dict[str, Any]:
    """The package's public surface, as JSON: classes by name, methods by dotted path."""
    types = api.types
    request_classes = frozenset(
        types.class_for(name)
        for operation in api.operations
        for name in (
            *operation.request_schemas,
            *(schema for _, schemas in operation.body_schemas for schema in schemas),
        )
    )
    definitions = [
        definition
        for table in (types.enums, types.models, types.unions, types.aliases)
        for definition in table
    ]
    return {
        "types": {
            definition.name: _type_entry(definition, request_classes)
            for definition in sorted(definitions, key=lambda d: d.name)
        },
        "methods": {
            ".".join(("client", *operation.resource, operation.method_name)): _method_entry(
                operation, api
            )
            for operation in sorted(
                api.operations, key=lambda o: (o.resource, o.method_name, o.operation_id)
            )
        },
    }


# -- comparing -------------------------------------------------------------------------------------


def _change(severity: str, text: str, subjects: Sequence[str]) -> dict[str, Any]:
    """One change; `subjects` are the keys (`schema:S#field`, `operation:verb\tpath`) that
    trace it to the overlay actions touching them."""
    return {"severity": severity, "text": text, "subjects": sorted(subjects)}


def _values_changes(
    where: str, what: str, old: Sequence[str], new: Sequence[str], subject: list[str]
) -> list[dict[str, Any]]:
    changes = [
        _change(_BREAKING, f"{where} lost {what} `{value}`", subject)
        for value in old
        if value not in new
    ]
    changes.extend(
        _change(_COMPATIBLE, f"{where} gained {what} `{value}`", subject)
        for value in new
        if value not in old
    )
    return changes


def _field_changes(
    name: str, old: dict[str, Any], new: dict[str, Any], schema: str
) -> list[dict[str, Any]]:
    changes = []
    request = bool(new.get("request"))
    old_fields: dict[str, Any] = old.get("fields") or {}
    new_fields: dict[str, Any] = new.get("fields") or {}
    for field in sorted(set(old_fields) | set(new_fields)):
        where = f"field `{name}.{field}`"
        subject = [f"schema:{schema}#{field}"]
        before, after = old_fields.get(field), new_fields.get(field)
        if before == after:
            continue
        if after is None:
            changes.append(_change(_BREAKING, f"{where} removed", subject))
        elif before is None:
            need = after["required"] and request
            label = "required" if after["required"] else "optional"
            changes.append(
                _change(
                    _BREAKING if need else _COMPATIBLE,
                    f"{where} added ({after['type']}, {label})",
                    subject,
                )
            )
        else:
            if before["type"] != after["type"]:
                text = f"{where} changed type: {before['type']} → {after['type']}"
                changes.append(_change(_BREAKING, text, subject))
            if before["required"] and not after["required"]:
                # a response field that may now be absent reads as None
                changes.append(_change(_BREAKING, f"{where} became optional", subject))
            elif after["required"] and not before["required"]:
                severity = _BREAKING if request else _COMPATIBLE
                changes.append(_change(severity, f"{where} became required", subject))
    return changes


def _type_changes(name: str, old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    schema = str(new.get("schema") or old.get("schema") or name)
    subject = [f"schema:{schema}"]
    if old.get("kind") != new.get("kind"):
        text = f"`{name}` changed from {old.get('kind')} to {new.get('kind')}"
        return [_change(_BREAKING, text, subject)]
    changes = _field_changes(name, old, new, schema)
    changes.extend(
        _values_changes(
            f"enum `{name}`", "value", old.get("values") or [], new.get("values") or [], subject
        )
    )
    changes.extend(
        _values_changes(
            f"union `{name}`", "member", old.get("members") or [], new.get("members") or [], subject
        )
    )
    if old.get("type") != new.get("type"):
        text = f"alias `{name}` changed: {old.get('type')} → {new.get('type')}"
        changes.append(_change(_BREAKING, text, subject))
    return changes


def _options(annotation: str) -> frozenset[str]:
    """The top-level members of a union annotation (`list[A | B] | None` → two)."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(annotation):
        depth += (char == "[") - (char == "]")
        if char == "|" and depth == 0:
            parts.append(annotation[start:index].strip())
            start = index + 1
    parts.append(annotation[start:].strip())
    return frozenset(parts)


def _method_changes(name: str, old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    operation = "operation:" + "\t".join(new["route"])
    bodies = new.get("body") or []
    changes = []
    old_params: dict[str, Any] = old.get("params") or {}
    new_params: dict[str, Any] = new.get("params") or {}
    for param in sorted(set(old_params) | set(new_params)):
        where = f"parameter `{param}` of `{name}()`"
        subject = [operation, *(f"schema:{body}#{param}" for body in bodies)]
        before, after = old_params.get(param), new_params.get(param)
        if before == after:
            continue
        if after is None:
            changes.append(_change(_BREAKING, f"{where} removed", subject))
        elif before is None:
            label = "required" if after["required"] else "optional"
            severity = _BREAKING if after["required"] else _COMPATIBLE
            changes.append(_change(severity, f"{where} added ({after['type']}, {label})", subject))
        else:
            if before["type"] != after["type"]:
                # a parameter only sends: one that accepts more than before breaks no call
                widened = _options(before["type"]) < _options(after["type"])
                text = f"{where} {'widened' if widened else 'changed'} type: "
                text += f"{before['type']} → {after['type']}"
                changes.append(_change(_COMPATIBLE if widened else _BREAKING, text, subject))
            if after["required"] != before["required"]:
                severity = _BREAKING if after["required"] else _COMPATIBLE
                label = "required" if after["required"] else "optional"
                changes.append(_change(severity, f"{where} became {label}", subject))
    if old.get("returns") != new.get("returns"):
        text = f"`{name}()` returns {new.get('returns')} (was {old.get('returns')})"
        changes.append(_change(_BREAKING, text, [operation]))
    return changes


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Every change from surface `old` to `new`, breaking ones first, each in a stable order."""
    changes: list[dict[str, Any]] = []
    old_types: dict[str, Any] = old.get("types") or {}
    new_types: dict[str, Any] = new.get("types") or {}
    for name in sorted(set(old_types) | set(new_types)):
        before: Any = old_types.get(name)
        after: Any = new_types.get(name)
        if before == after:
            continue
        if after is None:
            subject = [f"schema:{before.get('schema') or name}"]
            changes.append(_change(_BREAKING, f"`{name}` removed", subject))
        elif before is None:
            subject = [f"schema:{after.get('schema') or name}"]
            changes.append(_change(_COMPATIBLE, f"`{name}` added ({after['kind']})", subject))
        else:
            changes.extend(_type_changes(name, before, after))
    old_methods: dict[str, Any] = old.get("methods") or {}
    new_methods: dict[str, Any] = new.get("methods") or {}
    for name in sorted(set(old_methods) | set(new_methods)):
        before, after = old_methods.get(name), new_methods.get(name)
        if before == after:
            continue
        if after is None:
            subject = ["operation:" + "\t".join(before["route"])]
            changes.append(_change(_BREAKING, f"method `{name}()` removed", subject))
        elif before is None:
            subject = ["operation:" + "\t".join(after["route"])]
            changes.append(_change(_COMPATIBLE, f"method `{name}()` added", subject))
        else:
            changes.extend(_method_changes(name, before, after))
    return [c for c in changes if c["severity"] == _BREAKING] + [
        c for c in changes if c["severity"] != _BREAKING
    ]


# -- tracing a change to its cause -----------------------------------------------------------------


def _schema_touches(name: str, rest: list[str], before: Any, after: Any) -> set[str]:
    """`schema:S` for a change to the schema as a whole, `schema:S#field` for one property."""
    if not rest:
        old = before if isinstance(before, dict) else {}
        new = after if isinstance(after, dict) else {}
        keys = {key for key in set(old) | set(new) if old.get(key) != new.get(key)}
        found = _schema_touches(name, ["properties"], old.get("properties"), new.get("properties"))
        return found if keys == {"properties"} else found | {f"schema:{name}"}
    if rest[0] == "properties":
        if len(rest) > 1:
            return {f"schema:{name}#{rest[1]}"}
        old = before if isinstance(before, dict) else {}
        new = after if isinstance(after, dict) else {}
        return {
            f"schema:{name}#{key}" for key in set(old) | set(new) if old.get(key) != new.get(key)
        }
    return {f"schema:{name}"}


def touches(action: ActionResult) -> list[str]:
    """The schemas, properties and operations an action's matched nodes lie in, as keys."""
    found: set[str] = set()
    for match in action.matches:
        parts = [unescape_token(part) for part in match.pointer.split("/")[1:]]
        if parts[:2] == ["components", "schemas"]:
            if len(parts) > 2:
                found |= _schema_touches(parts[2], parts[3:], match.before, match.after)
            else:
                before = match.before if isinstance(match.before, dict) else {}
                after = match.after if isinstance(match.after, dict) else {}
                found.update(
                    f"schema:{key}"
                    for key in set(before) | set(after)
                    if before.get(key) != after.get(key)
                )
        elif parts[:1] == ["paths"] and len(parts) > 1:
            if len(parts) > 2:
                found.add(f"operation:{parts[2]}\t{parts[1]}")
            else:
                found.update(f"operation:{method}\t{parts[1]}" for method in _METHODS)
    return sorted(found)


_METHODS = ("get", "post", "put", "patch", "delete")


def _action_state(actions: Sequence[ActionResult], digests: dict[str, str]) -> dict[str, Any]:
    return {
        key: {"digest": digests.get(key, ""), "touches": touches(action)}
        for action in actions
        for key in (f"{action.source}#{action.index}",)
    }


def _touched(entry: dict[str, Any], subjects: Sequence[str], exact: bool) -> bool:
    keys = entry.get("touches") or []
    if exact:
        return any(subject in keys for subject in subjects)
    wholes = {subject.split("#", 1)[0] for subject in subjects}
    return any(key.split("#", 1)[0] in wholes for key in keys)


def _causes(
    change: dict[str, Any],
    old_actions: dict[str, Any],
    new_actions: dict[str, Any],
    spec_moved: str | None,
) -> list[str]:
    """The overlay actions added, changed or removed since the baseline that touched the
    change's schema property or operation (else its schema), and the spec snapshot if it moved."""
    subjects = change["subjects"]
    old_digests = {entry.get("digest") for entry in old_actions.values()}
    new_digests = {entry.get("digest") for entry in new_actions.values()}
    fresh = {k: e for k, e in new_actions.items() if e.get("digest") not in old_digests}
    gone = {k: e for k, e in old_actions.items() if e.get("digest") not in new_digests}
    causes: list[str] = []
    for exact in (True, False):
        causes = [
            f"overlay action `{key}` ({'changed' if key in old_actions else 'added'})"
            for key, entry in sorted(fresh.items())
            if _touched(entry, subjects, exact)
        ]
        causes.extend(
            f"overlay action `{key}` (removed)"
            for key, entry in sorted(gone.items())
            if key not in new_actions and _touched(entry, subjects, exact)
        )
        if causes:
            break
    if spec_moved:
        causes.append(spec_moved)
    return causes or ["the generator or its templates (no overlay action or spec change)"]


def api_changes_of(
    api: Api,
    actions: Sequence[ActionResult],
    action_digests: dict[str, str],
    spec: str,
    previous_manifest: bytes | None,
    previous_surface: bytes | None,
) -> ApiChanges:
    """This run's surface, and what changed since the output it replaces (None: no output).

    `action_digests` are the review state's digests per action key (`review.py`); `spec` names
    the spec snapshot this run reads.
    """
    surface = {
        **public_surface(api),
        "actions": _action_state(actions, action_digests),
        "spec": spec,
    }
    if previous_manifest is None:
        return ApiChanges(surface, (), "nothing: there is no previous generation of this target")
    try:
        recorded = json.loads(previous_manifest).get("api")
        old = json.loads(previous_surface) if previous_surface is not None else None
    except (ValueError, AttributeError):
        recorded = old = None
    if not isinstance(recorded, dict) or not isinstance(old, dict):
        return ApiChanges(
            surface, (), "nothing: the generation this one replaced recorded no API surface"
        )
    shown = {key: value for key, value in surface.items() if key != "actions"}
    old_shown = {key: value for key, value in old.items() if key != "actions"}
    if {k: v for k, v in shown.items() if k != "spec"} == {
        k: v for k, v in old_shown.items() if k != "spec"
    }:
        # the public API did not move: keep the recorded list, so regenerating is a fixed point
        carried = tuple(c for c in recorded.get("changes") or [] if isinstance(c, dict))
        return ApiChanges(surface, carried, str(recorded.get("baseline") or ""))
    old_spec = str(old.get("spec") or "")
    spec_moved = f"the spec snapshot (`{old_spec}` → `{spec}`)" if old_spec != spec else None
    changes = []
    try:
        for change in compare(old, surface):
            change["causes"] = _causes(
                change, old.get("actions") or {}, surface["actions"], spec_moved
            )
            changes.append(change)
    except (KeyError, TypeError, AttributeError, ValueError):
        # a hand-edited or truncated file: compare with nothing rather than stop the run
        return ApiChanges(
            surface, (), f"nothing: the recorded {API_SURFACE_FILE} is not one this generator wrote"
        )
    return ApiChanges(
        surface, tuple(changes), f"the generation this one replaced (spec `{old_spec}`)"
    )


def dump_surface(surface: dict[str, Any]) -> str:
    """`api_surface.json`: sorted, one line per class, method or overlay action."""
    sections = []
    for section in sorted(surface):
        value = surface[section]
        if isinstance(value, dict) and value:
            entries = ",\n".join(
                f"    {json.dumps(name, ensure_ascii=False)}: "
                f"{json.dumps(value[name], sort_keys=True, ensure_ascii=False)}"
                for name in sorted(value)
            )
            sections.append(f"  {json.dumps(section)}: {{\n{entries}\n  }}")
        else:
            sections.append(f"  {json.dumps(section)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(sections) + "\n}\n"


def render_changes(target: str, changes: ApiChanges) -> str:
    """`API_CHANGES.md`: breaking changes first, each with its cause."""
    lines = [
        f"# API changes — target `{target}`",
        "",
        "What changed in the generated package's public API (classes, fields, enum values, union",
        "members, methods, parameters, return types) since the generation this one replaced.",
        "Regenerate and review this file before vendoring; a breaking change can fail your code.",
        "",
        f"Compared with: {changes.baseline}.",
        "",
        changes.summary(),
        "",
    ]
    breaking = changes.breaking
    compatible = [change for change in changes.changes if change not in breaking]
    for title, group in (("Breaking changes", breaking), ("Compatible changes", compatible)):
        lines.append(f"## {title}")
        lines.append("")
        if not group:
            lines.append("None.")
        for change in group:
            mark = "**breaking**: " if change in breaking else ""
            causes = "; ".join(change.get("causes") or [])
            lines.append(f"- {mark}{change['text']} — cause: {causes}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
