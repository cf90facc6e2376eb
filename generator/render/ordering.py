"""One ordering rule for definitions that Python evaluates when a module runs: each after the
definitions it names, ties in name order (so the output is stable and a change stays local)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

__all__ = ["DependencyCycleError", "dependency_order"]


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
