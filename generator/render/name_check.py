"""The last look at the rendered package before it is written: no module binds a name twice.

`naming.py` renames spec names that would collide with a name the generated code uses; this
check proves it on the actual output, so a name the rules do not foresee is refused here, with
the module and both lines, instead of being written as a package that does not import (or that
imports but silently calls a field instead of a helper). The pipeline hands it the modules
rendered from the spec (the runtime copies hold no spec name). It looks at each module's top
level — imports, classes, functions and assignments — and at every class body, where a method
defined twice (a resource named like a client method) replaces the first, and a field named like
a name a later line of the class uses (an annotation, a decorator, a default) would rebind it.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from generator.errors import BadInputError

__all__ = ["check_names"]

_HINT = (
    "A schema, property, tag or operation of the spec is named like something the generated "
    "code itself uses, and naming.py does not rename it yet; rename it with an overlay "
    "(x-speakeasy-name-override on a parameter or operation, or a new schema name) and "
    "report the name so the generator learns it."
)


def _top_level(tree: ast.Module) -> list[tuple[str, int, str]]:
    """`(name, line, kind)` for each name the module binds at its top level."""
    bound: list[tuple[str, int, str]] = []
    statements: list[ast.stmt] = list(tree.body)
    for node in tree.body:  # imports made only for type checkers bind the same names
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            statements.extend(node.body)
    for node in statements:
        if isinstance(node, ast.Import | ast.ImportFrom):
            source = node.module if isinstance(node, ast.ImportFrom) else ""
            level = "." * node.level if isinstance(node, ast.ImportFrom) else ""
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                bound.append((name, node.lineno, f"an import from {level}{source or alias.name}"))
        elif isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            bound.append((node.name, node.lineno, "a definition"))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            bound.append((node.target.id, node.lineno, "a definition"))
        elif isinstance(node, ast.Assign):
            bound.extend(
                (target.id, node.lineno, "an assignment")
                for target in node.targets
                if isinstance(target, ast.Name)
            )
    return bound


def _names_in(node: ast.AST) -> set[str]:
    """The names an expression reads; a quoted annotation (a whole string) is read too, but not
    the strings inside one (`Literal["text"]` reads no `text`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval")
        except SyntaxError:
            return set()
    return _plain_names(node)


def _plain_names(node: ast.AST) -> set[str]:
    """The names an expression reads (strings are values here)."""
    return {part.id for part in ast.walk(node) if isinstance(part, ast.Name)}


def _is_overload(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """An `@overload` signature, which a later def of the same name follows by design."""
    return any(
        (isinstance(d, ast.Name) and d.id == "overload")
        or (isinstance(d, ast.Attribute) and d.attr == "overload")
        for d in function.decorator_list
    )


def _is_accessor(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A property's setter or deleter (`@name.setter`), which redefines the name by design."""
    return any(
        isinstance(d, ast.Attribute) and d.attr in ("setter", "deleter")
        for d in function.decorator_list
    )


def _class_problems(module: str, node: ast.ClassDef) -> list[str]:
    problems: list[str] = []
    fields: dict[str, int] = {}
    methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for statement in node.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            earlier = methods.get(statement.name)
            if earlier is not None and not (_is_overload(earlier) or _is_accessor(statement)):
                problems.append(
                    f"{module}:{statement.lineno}: class {node.name} defines {statement.name!r} "
                    f"again (first on line {earlier.lineno})"
                )
            methods[statement.name] = statement
        reads: set[str] = set()
        if isinstance(statement, ast.AnnAssign):
            reads = _names_in(statement.annotation) | (
                _plain_names(statement.value) if statement.value else set()
            )
        elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            reads = set().union(*(_plain_names(d) for d in statement.decorator_list))
        elif isinstance(statement, ast.Assign):
            reads = _plain_names(statement.value)
        for name in sorted(reads & set(fields)):
            problems.append(
                f"{module}:{statement.lineno}: class {node.name} uses {name!r}, which its field "
                f"{name!r} (line {fields[name]}) rebinds"
            )
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            fields.setdefault(statement.target.id, statement.lineno)
    return problems


def check_names(files: Mapping[str, str]) -> None:
    """Refuse the rendered package if any module binds one name twice (see the module doc)."""
    problems: list[str] = []
    for module in sorted(files):
        if not module.endswith(".py"):
            continue
        tree = ast.parse(files[module])
        first: dict[str, tuple[int, str]] = {}
        for name, line, kind in _top_level(tree):
            earlier = first.get(name)
            if earlier is None:
                first[name] = (line, kind)
            elif kind != earlier[1] or kind == "a definition":  # the same import twice is fine
                problems.append(
                    f"{module}:{line}: {name!r} is bound by {kind} and, on line "
                    f"{earlier[0]}, by {earlier[1]}"
                )
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                problems.extend(_class_problems(module, node))
    if problems:
        shown = "; ".join(problems[:5]) + ("; …" if len(problems) > 5 else "")
        raise BadInputError(f"the generated package would not work: {shown}. {_HINT}")
