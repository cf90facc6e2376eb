"""The intermediate model of the whole API, built once from a normalized spec."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from generator.errors import BadInputError
from generator.ir.deferral import defer_union_members
from generator.ir.groups import model_groups
from generator.ir.model import Api
from generator.ir.operations import build_operations
from generator.ir.requests import request_side_names
from generator.ir.rules import build_rules
from generator.ir.schemas import build_types
from generator.ir.spec_view import SpecView
from generator.load.documents import JsonValue

__all__ = ["build_api"]


def build_api(
    spec: JsonValue,
    api_revision: str | None,
    model_helpers: Mapping[str, frozenset[str]] | None = None,
    runtime_names: frozenset[str] = frozenset(),
    eager_union_members: Collection[str] | None = None,
) -> Api:
    """Types, operations and request rules of `spec`, checked against the target's revision.

    `runtime_names` are the class-like names the runtime modules bind, which no schema's class
    may take (`pipeline.runtime_bound_names`). `model_helpers` names the methods a model class
    gets from its mixin (by class name), which no field of that model may take (see
    `naming.py`). `eager_union_members` names the models built with their unions; every other
    model member of a union is then built on first use (`deferral.py`).
    """
    view = SpecView(spec)
    raw_revision = view.extension.get("x-api-revision")
    revision: dict[str, Any] = raw_revision if isinstance(raw_revision, dict) else {}
    if revision and api_revision and revision.get("value") != api_revision:
        raise BadInputError(
            f"spec: x-api-revision says {revision.get('value')!r} but the target is built for "
            f"{api_revision!r} (codegen.yaml); make them agree."
        )
    types = defer_union_members(
        build_types(view, model_helpers or {}, runtime_names), eager_union_members
    )
    operations = build_operations(view, types)
    return Api(
        title=str(view.info.get("title", "")),
        spec_version=str(view.info.get("version", "")),
        base_url=view.base_url,
        api_revision=api_revision,
        revision_exempt_prefixes=tuple(
            str(prefix) for prefix in revision.get("exempt_path_prefixes") or ()
        ),
        operations=operations,
        types=types,
        rules=build_rules(view),
        annotations=(
            *sorted(view.extension.items()),
            ("security", (view.document.get("components") or {}).get("securitySchemes")),
        ),
        request_side=request_side_names(operations, types),
        type_groups=model_groups(operations, types),
        runtime_names=runtime_names,
    )
