"""The runtime's rooms keep their import rules (read with `ast` from `runtime/`):

- `_core` imports nothing from `lib`, `testing` or the generated modules (`types`, `rules`,
  `client`, `params`, `resources`), and names none of them in an `importlib` call: where the
  core needs a feature it asks `_core/_registry.py`, which the generated client fills;
- `lib` may import `_core` and the generated modules, never `testing`;
- `testing` and the public root modules may import anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

RUNTIME = PROJECT_ROOT / "runtime"
GENERATED_MODULES = frozenset({"types", "rules", "client", "params", "resources"})
FORBIDDEN = {
    "_core": frozenset({"lib", "testing"}) | GENERATED_MODULES,
    "lib": frozenset({"testing"}),
}


def imported_top_modules(path: Path, root: Path = RUNTIME) -> set[str]:
    """The package-level modules (`lib`, `types`, `_core`, ...) that `path` imports relatively,
    resolved from its folder to the package root."""
    relative = path.relative_to(root)
    depth = len(relative.parts) - 1  # 0 for a root module, 1 inside a room
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom) or not node.level:
            continue
        if node.level - 1 > depth:
            found.add("<outside the package>")
            continue
        here = list(relative.parts[: depth - (node.level - 1)])
        dotted = [*here, *(node.module.split(".") if node.module else [])]
        if dotted:
            found.add(dotted[0])
        else:  # `from .. import types`
            found.update(alias.name for alias in node.names)
    return found


def importlib_calls(path: Path) -> list[int]:
    """Lines of `path` that call `importlib.import_module` / `import_module`."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            function = node.func
            name = (
                function.attr
                if isinstance(function, ast.Attribute)
                else getattr(function, "id", "")
            )
            if name == "import_module":
                lines.append(node.lineno)
    return lines


SOURCES = sorted(RUNTIME.rglob("*.py"))


def broken_rules(path: Path, root: Path = RUNTIME) -> list[str]:
    """What `path` imports against its room's rule."""
    relative = path.relative_to(root)
    room = relative.parts[0] if len(relative.parts) > 1 else ""
    imported = imported_top_modules(path, root)
    return sorted(imported & (FORBIDDEN.get(room, frozenset()) | {"<outside the package>"}))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(RUNTIME).as_posix())
def test_each_room_imports_only_what_its_rule_allows(path: Path) -> None:
    assert broken_rules(path) == [], f"runtime/{path.relative_to(RUNTIME).as_posix()}"


def test_the_core_looks_generated_modules_up_only_through_its_registry() -> None:
    calls = {
        path.relative_to(RUNTIME).as_posix(): importlib_calls(path)
        for path in sorted((RUNTIME / "_core").glob("*.py"))
    }
    assert {name for name, lines in calls.items() if lines} == {"_core/_registry.py"}


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    # the rule reads real relative imports: a core module reaching into lib or types is caught,
    # the same import from lib is allowed, and lib reaching into the fake is caught
    (tmp_path / "_core").mkdir()
    (tmp_path / "lib").mkdir()
    text = "from ..lib._structured import attach\nfrom .. import types\nfrom ._errors import X\n"
    core = tmp_path / "_core" / "_probe.py"
    core.write_text(text, encoding="utf-8")
    assert imported_top_modules(core, tmp_path) == {"lib", "types", "_core"}
    assert broken_rules(core, tmp_path) == ["lib", "types"]
    feature = tmp_path / "lib" / "_probe.py"
    feature.write_text(text + "from ..testing import FakeGemini\n", encoding="utf-8")
    assert broken_rules(feature, tmp_path) == ["testing"]
    root_module = tmp_path / "public.py"
    root_module.write_text("from ...elsewhere import x\nfrom .testing import y\n", encoding="utf-8")
    assert broken_rules(root_module, tmp_path) == ["<outside the package>"]
