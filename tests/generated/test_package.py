"""The generated package as users vendor it: its dependencies, its exports, its typing."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import GENERATED, PROJECT_ROOT

PACKAGE = GENERATED / "gemini_interactions"


def _closure(roots: list[str]) -> set[str]:
    """Distribution names needed at run time by `roots` (no extras)."""
    seen: set[str] = set()
    queue = list(roots)
    while queue:
        name = queue.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        seen.add(key)
        for requirement in importlib.metadata.requires(name) or []:
            if "extra ==" in requirement:
                continue
            marker = requirement.split(";", 1)
            if len(marker) == 2 and "python_version" in marker[1]:
                continue
            queue.append(re.split(r"[ <>=!~;\[(]", requirement, maxsplit=1)[0])
    return seen


def _top_level_paths(distribution: str) -> set[Path]:
    dist = importlib.metadata.distribution(distribution)
    paths = set()
    for file in dist.files or []:
        top = file.parts[0]
        if top.endswith((".dist-info", ".data")) or top == "..":
            continue
        paths.add(Path(str(dist.locate_file(top))))
    return paths


def test_the_package_needs_only_httpx_and_pydantic(tmp_path: Path) -> None:
    allowed = tmp_path / "site"
    allowed.mkdir()
    for distribution in sorted(_closure(["httpx", "pydantic"])):
        for path in _top_level_paths(distribution):
            (allowed / path.name).symlink_to(path)
    code = (
        "import sys; "
        f"sys.path[:0] = [{str(allowed)!r}, {str(GENERATED)!r}]; "
        "import gemini_interactions as gi; "
        "i = gi.Interaction.model_validate("
        "{'id': 'i', 'status': 'completed', 'steps': [{'type': 'thought'}]}); "
        "assert i.to_dict()['steps'] == [{'type': 'thought'}]; "
        "import yaml"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True
    )
    assert "No module named 'yaml'" in result.stderr, result.stderr  # everything before it worked
    assert "gemini_interactions" not in result.stderr.split("import yaml")[0]


def _public_names(path: Path) -> tuple[set[str], set[str]]:
    """(names the module defines, names it imports), public ones only."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    defined: set[str] = set()
    imported: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            defined.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom):
            imported.update(alias.asname or alias.name for alias in node.names)
    return (
        {name for name in defined if not name.startswith("_")},
        {name for name in imported if not name.startswith("_")},
    )


def _declared_all(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return list(ast.literal_eval(node.value))
    raise AssertionError(f"{path} has no __all__")


def test_every_module_declares_its_public_names_exactly() -> None:
    # the rooms too (`_core/`, `lib/`, `testing/`, `resources/`): every runtime module
    for module in sorted(PACKAGE.rglob("*.py")):
        if module.name == "__init__.py":
            continue
        declared = _declared_all(module)
        assert declared == sorted(
            declared, key=lambda n: (not n.isupper(), n)
        ) or declared == sorted(declared), module
        defined, imported = _public_names(module)
        aliases = {name for name in defined if name.endswith("Aliases")}
        assert defined - aliases <= set(declared), f"{module.name} leaves names out of __all__"
        assert set(declared) <= defined | imported, f"{module.name} exports unknown names"


TOOL = "interactions-codegen"


def test_every_file_says_where_its_source_is() -> None:
    # rendered modules say "Generated ... Do not edit"; a runtime copy names its source in
    # runtime/ and is that source byte for byte; a sync twin names the async source it rewrites
    runtime = PROJECT_ROOT / "runtime"
    kinds = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        first, _, rest = path.read_text(encoding="utf-8").partition("\n")
        relative = path.relative_to(PACKAGE).as_posix()
        source = runtime / relative
        twin_source = runtime / twin_name_source(relative)
        if source.is_file():
            assert first == f"# Copied from runtime/{relative} by {TOOL}; edit it there."
            assert rest == source.read_text(encoding="utf-8"), f"{relative} is not its source"
            kinds.add("copied")
        elif path.name.startswith("_sync_") and twin_source.is_file():
            assert first == (
                f"# Rewritten from runtime/{twin_name_source(relative)} by {TOOL}; edit it there."
            ), relative
            kinds.add("twin")
        else:
            assert first.startswith("# Generated by interactions-codegen from v1beta-2026-10-07")
            assert first.endswith("Do not edit."), relative
            kinds.add("rendered")
    assert kinds == {"copied", "twin", "rendered"}
    assert (PACKAGE / "testing" / "__init__.py").read_text().startswith("# Copied from runtime/")
    assert (PACKAGE / "py.typed").is_file()


def twin_name_source(relative: str) -> str:
    """`_core/_sync_x.py` → `_core/_async_x.py`."""
    folder, slash, name = relative.rpartition("/")
    return folder + slash + "_async_" + name.removeprefix("_sync_")


def test_a_typed_usage_example_passes_mypy_strict() -> None:
    example = PROJECT_ROOT / "tests" / "typed_usage" / "models_example.py"
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir=/dev/null", str(example)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={"MYPYPATH": str(GENERATED), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_typed_usage_example_runs() -> None:
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "tests" / "typed_usage" / "models_example.py")],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(GENERATED), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")


def test_building_a_client_imports_neither_pydantic_nor_the_models() -> None:
    # the import-time win: models, pydantic and the tolerant parser load on first use
    code = (
        "import sys, gemini_interactions as gi; gi.Client(api_key='k'); "
        "gi.AsyncClient(api_key='k'); "
        "print(sorted(m for m in ('pydantic', 'gemini_interactions.types', "
        "'gemini_interactions._core._tolerant', 'difflib') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=GENERATED, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_everything_a_user_is_handed_or_catches_is_importable_from_the_root() -> None:
    import gemini_interactions as gi

    for name in (
        "Stream",
        "AsyncStream",
        "ResumePolicy",
        "WaitTimeoutError",
        "SyncTransport",
        "AsyncTransport",
        "SyncPager",
        "AsyncPager",
        "RetryPolicy",
        "RequestOptions",
        "RequestRuleWarning",
        "RequestValidationError",
        "APIResponseValidationError",
    ):
        assert name in gi.__all__ and getattr(gi, name) is not None, name
    assert issubclass(gi.WaitTimeoutError, gi.GeminiError)
