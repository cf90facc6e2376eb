"""The order of definitions in a module: each after the definitions it names, ties in name order
(so the output is stable). `dependency_order` is strict (every name is evaluated when the module
runs); `definition_order` also places models, whose references may be quoted to cut a cycle."""

from __future__ import annotations

from collections.abc import Collection, Mapping

__all__ = ["DependencyCycleError", "definition_order", "dependency_order"]


class DependencyCycleError(Exception):
    """Definitions that name each other in a ring; `cycle` lists it, first name repeated last."""

    def __init__(self, cycle: tuple[str, ...]) -> None:
        super().__init__(" -> ".join(cycle))
        self.cycle = cycle


def dependency_order(needs: Mapping[str, Collection[str]]) -> list[str]:
    """The names of `needs` in name order, each after the names (of `needs`) it needs."""
    ordered: list[str] = []
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in done:
            return
        if name in trail:
            raise DependencyCycleError((*trail[trail.index(name) :], name))
        for needed in sorted(set(needs[name]) - {name}):
            if needed in needs:
                visit(needed, (*trail, name))
        done.add(name)
        ordered.append(name)

    for name in sorted(needs):
        visit(name, ())
    return ordered


def definition_order(needs: Mapping[str, Collection[str]], evaluated: Collection[str]) -> list[str]:
    """The names of `needs` in name order, each after what it needs where that can be.

    Names in `evaluated` (unions, aliases) are evaluated when their module runs, so each must
    follow everything it needs. The others (models) may name what comes later in a quoted
    annotation, so an edge from a model is followed where it can be and cut where it closes a
    cycle: a model then quotes that name. Following the edges lets a module name its earlier
    definitions unquoted, which pydantic need not evaluate again when the models are completed.
    Raises `DependencyCycleError` for a cycle of evaluated names alone (no model to cut it).
    """
    dependency_order({name: needs[name] for name in evaluated})  # a cycle of them is an error
    ordered: list[str] = []
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> bool:
        """Place `name` after its needs; False when an evaluated name would close a cycle."""
        if name in done:
            return True
        if name in trail:
            return False
        strict = name in evaluated
        for needed in sorted(set(needs[name]) - {name}):
            if needed in needs and not visit(needed, (*trail, name)) and strict:
                return False  # placed later, once the model on the trail is
        done.add(name)
        ordered.append(name)
        return True

    for name in sorted(needs):
        visit(name, ())
    return ordered
