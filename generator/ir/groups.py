"""Which module of the generated models each definition lives in.

Building a pydantic class costs about as much as the rest of a first call, so the models are
split: a first `create` imports (and builds) only the classes it can meet, not the stream events,
the other resources, Live or the webhook payloads. Each group is what an ordered list of roots
reaches that no earlier root reached:

1. each resource that streams (`interactions`): the request and response schemas of its
   operations, their parameters and pages;
2. the stream events of every operation (`stream_events`);
3. every other resource, in operation order (`agents`, `environments_files`, ...);
4. the Live session's events (`live_events`);
5. whatever no operation reaches (`other`: webhook payloads, Live client messages...).

A definition goes to the first group that reaches it, so a group names only its own
definitions and those of earlier groups: the modules import each other in one direction. Groups
that reach nothing new are left out. Each group also lists, per model, the models completed
before it (`_BUILD_NEEDS`); those follow only what is built with a definition, so a union's
deferred members (`deferral.py`) and what only they hold are left to their first value. The
render stage only lays the groups out
(`render/types_context.py`); `types` stays the public home of every name.
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.errors import BadInputError
from generator.ir.model import ModelGroup, Operation, TypeModel
from generator.ir.types import TypeExpr, names_in

__all__ = ["model_groups"]

STREAM_EVENTS = "stream_events"
LIVE_EVENTS = "live_events"
OTHER = "other"


def _needs(types: TypeModel, *, built: bool = False) -> dict[str, frozenset[str]]:
    """Each definition with the definitions it names directly; with `built`, those built with it
    (a union's deferred members are built on their first value, not with the union)."""
    needs: dict[str, frozenset[str]] = {enum.name: frozenset() for enum in types.enums}
    for model in types.models:
        needs[model.name] = frozenset().union(*(names_in(field.type) for field in model.fields))
    for union in types.unions:
        needs[union.name] = frozenset().union(
            *(names_in(member.type) for member in union.members if not (built and member.deferred))
        )
    for alias in types.aliases:
        needs[alias.name] = names_in(alias.type)
    return needs


def _operation_types(operation: Operation) -> list[TypeExpr]:
    """The types an operation's own call names (not its stream or Live events)."""
    named = [parameter.type for parameter in operation.parameters]
    named += [field.type for field in operation.body_fields]
    if operation.page is not None:
        named.append(operation.page.item_type)
    return named


def _operation_roots(operation: Operation, types: TypeModel) -> set[str]:
    roots = {types.class_for(schema) for schema in operation.request_schemas}
    if operation.response_schema:
        roots.add(types.class_for(operation.response_schema))
    for type_ in _operation_types(operation):
        roots |= names_in(type_)
    return roots


def model_groups(operations: Iterable[Operation], types: TypeModel) -> tuple[ModelGroup, ...]:
    """The definitions of `types` in groups, in import order (see the module docstring)."""
    operations = tuple(operations)
    needs = _needs(types)
    built = _needs(types, built=True)
    models = frozenset(model.name for model in types.models)
    resources: dict[tuple[str, ...], set[str]] = {}
    streaming: set[tuple[str, ...]] = set()
    stream_roots: set[str] = set()
    live_roots: set[str] = set()
    for operation in operations:
        resources.setdefault(operation.resource, set()).update(_operation_roots(operation, types))
        if operation.stream is not None:
            streaming.add(operation.resource)
            stream_roots.add(types.class_for(operation.stream.event_schema))
        if operation.live is not None:
            live_roots.add(types.class_for(operation.live.event_schema))
    ordered: list[tuple[str, str, set[str]]] = [
        ("_".join(resource), f"The `{'.'.join(resource)}` calls' requests and answers.", roots)
        for resource, roots in resources.items()
        if resource in streaming
    ]
    ordered.append((STREAM_EVENTS, "The events of streamed calls.", stream_roots))
    ordered += [
        ("_".join(resource), f"The `{'.'.join(resource)}` calls' requests and answers.", roots)
        for resource, roots in resources.items()
        if resource not in streaming
    ]
    ordered.append((LIVE_EVENTS, "The events of Live sessions.", live_roots))
    ordered.append((OTHER, "What no call names (webhook payloads and the like).", set(needs)))
    home_of: dict[str, str] = {}  # each definition placed so far, with its group's module
    groups: list[ModelGroup] = []
    for module, summary, roots in ordered:
        reached: set[str] = set()
        pending = sorted(roots & needs.keys())
        while pending:
            name = pending.pop()
            if name not in reached and name not in home_of:
                reached.add(name)
                pending.extend(sorted(needs[name]))
        if not reached:
            continue
        if any(group.module == module for group in groups):
            raise BadInputError(
                f"spec: two groups of models would both be called {module!r} (a resource is "
                f"named like {STREAM_EVENTS!r}, {LIVE_EVENTS!r} or {OTHER!r}); rename one."
            )
        order = _build_order(reached, built, models)
        groups.append(
            ModelGroup(
                module=module,
                summary=summary,
                names=tuple(sorted(reached)),
                build_needs=_build_needs(reached, order, built, models),
            )
        )
        home_of.update(dict.fromkeys(reached, module))
    return tuple(groups)


def _models_named(name: str, needs: dict[str, frozenset[str]], models: frozenset[str]) -> set[str]:
    """The models `name` names, directly or through enums, unions and aliases (of any group)."""
    found: set[str] = set()
    seen: set[str] = set()
    pending = sorted(needs.get(name, ()))
    while pending:
        child = pending.pop()
        if child in seen:
            continue
        seen.add(child)
        if child in models:
            found.add(child)
        else:
            pending.extend(sorted(needs.get(child, ())))
    return found


def _build_needs(
    group: set[str],
    order: tuple[str, ...],
    needs: dict[str, frozenset[str]],
    models: frozenset[str],
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each model of the group in `order`, then each union or alias of it that names models, with
    the models to complete before it: those of earlier groups, and those of the group that come
    before it in `order` (one that comes after is further up a cycle: that edge is where the
    cycle is cut). Earlier groups' models come first, by name, then the group's, in order."""
    position = {name: index for index, name in enumerate(order)}

    def first(names: set[str]) -> tuple[str, ...]:
        return tuple(
            sorted(names, key=lambda name: (name in position, position.get(name, 0), name))
        )

    entries = [
        (
            model,
            first(
                {
                    child
                    for child in _models_named(model, needs, models)
                    if child not in position or position[child] < position[model]
                }
            ),
        )
        for model in order
    ]
    for name in sorted(group - models):
        named = _models_named(name, needs, models)
        if named:
            entries.append((name, first(named)))
    return tuple(entries)


def _build_order(
    group: set[str], needs: dict[str, frozenset[str]], models: frozenset[str]
) -> tuple[str, ...]:
    """The group's models, each after the models of the group it names through fields, unions
    and aliases (a depth-first postorder in name order; a cycle is cut where it is met)."""
    order: list[str] = []
    visited: set[str] = set()
    for root in sorted(group):
        if root in visited:
            continue
        visited.add(root)
        stack = [(root, iter(sorted(needs[root] & group)))]
        while stack:
            name, pending = stack[-1]
            child = next((item for item in pending if item not in visited), None)
            if child is None:
                stack.pop()
                if name in models:
                    order.append(name)
            else:
                visited.add(child)
                stack.append((child, iter(sorted(needs[child] & group))))
    return tuple(order)
