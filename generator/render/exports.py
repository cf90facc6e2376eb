"""The package root's exports, read from the runtime: `runtime/_exports.py` says which modules
the root serves eagerly or lazily, and each module's own `__all__` (read by `ast` from the file
as it is rendered) says which names exist.

This module owns that reading; `package.py` lays the result into `__init__.py`.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass

from generator.errors import BadInputError

__all__ = ["EXPORTS_FILE", "RootExports", "root_exports"]

EXPORTS_FILE = "runtime/_exports.py"
"""The runtime file that lists the root's exports (an input of the generator, not copied)."""

_Entry = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class RootExports:
    """`(relative module, names)` the root imports eagerly and serves lazily."""

    eager: tuple[_Entry, ...]
    lazy: tuple[_Entry, ...]

    def names(self) -> list[str]:
        """Every exported name."""
        return [name for _, names in (*self.eager, *self.lazy) for name in names]


def _assigned(source: str, where: str) -> dict[str, ast.expr]:
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise BadInputError(f"{where}: not valid Python ({error.msg}).") from None
    found: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            found[node.target.id] = node.value
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value
    return found


def _literal(value: ast.expr | None, what: str) -> object:
    if value is None:
        raise BadInputError(f"{what} is not defined.")
    try:
        return ast.literal_eval(value)
    except ValueError:
        raise BadInputError(f"{what} must be a literal.") from None


def _module_all(files: Mapping[str, str], package: str, module: str, where: str) -> list[str]:
    path = f"{package}/{module.replace('.', '/')}.py"
    if path not in files:
        raise BadInputError(f"{where}: names module `{module}`, which the package does not have.")
    value = _literal(_assigned(files[path], path).get("__all__"), f"{path}: `__all__`")
    if not isinstance(value, list | tuple) or not all(isinstance(n, str) for n in value):
        raise BadInputError(f"{path}: `__all__` must be a list of names.")
    return list(value)


def _entries(
    exports: Mapping[str, ast.expr], key: str, files: Mapping[str, str], package: str
) -> tuple[_Entry, ...]:
    where = f"{EXPORTS_FILE}: {key}"
    value = _literal(exports.get(key), where)
    if not isinstance(value, tuple | list):
        raise BadInputError(f"{where} must be a tuple of (module, names or None).")
    entries = []
    for entry in value:
        if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], str)):
            raise BadInputError(f"{where}: {entry!r} is not a (module, names or None) pair.")
        module, chosen = entry
        declared = _module_all(files, package, module, where)
        if chosen is None:
            names = tuple(declared)
        elif isinstance(chosen, tuple) and all(isinstance(n, str) for n in chosen):
            unknown = [name for name in chosen if name not in declared]
            if unknown:
                raise BadInputError(
                    f"{where}: `{module}` does not list {unknown[0]!r} in its `__all__`."
                )
            names = chosen
        else:
            raise BadInputError(f"{where}: the names of `{module}` must be a tuple or None.")
        entries.append((f".{module}", names))
    return tuple(entries)


def root_exports(source: str | None, files: Mapping[str, str], package: str) -> RootExports:
    """The root's exports for the rendered package `files` (`{path: text}`), from the text of
    `runtime/_exports.py`."""
    if source is None:
        raise BadInputError(f"{EXPORTS_FILE}: missing (it lists what the package root exports).")
    exports = _assigned(source, EXPORTS_FILE)
    result = RootExports(
        _entries(exports, "EAGER", files, package), _entries(exports, "LAZY", files, package)
    )
    seen: set[str] = set()
    for name in result.names():
        if name in seen:
            raise BadInputError(f"{EXPORTS_FILE}: {name!r} is exported twice.")
        seen.add(name)
    return result
