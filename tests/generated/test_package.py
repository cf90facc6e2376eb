"""The generated package as users vendor it: its dependencies, its exports, its typing."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

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
    """(names the module defines, names it imports), public ones only. A module that serves its
    names lazily (`types`) imports them under `if TYPE_CHECKING:`; those count as imported."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    defined: set[str] = set()
    imported: set[str] = set()
    body = list(tree.body)
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            body += [inner for inner in node.body if isinstance(inner, ast.ImportFrom)]
            # a name given one meaning for type checkers and another at run time (`OpenEnum`)
            body += [inner for inner in node.orelse if not isinstance(inner, ast.ImportFrom)]
    for node in body:
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


_FIRST_CREATE = """
import json, sys
import httpx, gemini_interactions as gi
from gemini_interactions import types
body = open(sys.argv[1], "rb").read()
def answer(request):
    assert json.loads(request.content) == {"model": "m", "input": "hi"}
    return httpx.Response(200, headers={"content-type": "application/json"}, content=body)
client = gi.Client(api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(answer)))
result = client.interactions.create(model="m", input="hi")
assert result.id and result.steps and json.loads(result.to_json()) == json.loads(body)
own = ("gemini_interactions._models.", "gemini_interactions.resources.")
print(json.dumps(sorted(m for m in sys.modules if m.startswith(own))))
print(json.dumps(types.__all__ == sorted(types.__all__) and len(dir(types)) >= len(types.__all__)))
live = ("asyncio", "gemini_interactions.lib._sync_live")
print(json.dumps(sorted(m for m in live if m in sys.modules)))
from pydantic import BaseModel
from gemini_interactions._models import interactions as group
def own_model(value):
    return isinstance(value, type) and issubclass(value, BaseModel) and (
        value.__module__ == group.__name__
    )
defined = sorted(name for name, value in vars(group).items() if own_model(value))
listed = sorted(name for name in group._BUILD_NEEDS if own_model(getattr(group, name)))
complete = sorted(name for name in defined if getattr(group, name).__pydantic_complete__)
print(json.dumps([listed == defined, complete, len(defined)]))
"""


def test_a_first_create_builds_only_the_models_it_can_meet(shared_dir: Path) -> None:
    # the cold-start win: a first `create` imports the module of the interaction's own models,
    # not those of stream events, the other resources, Live or the webhook payloads
    payload = shared_dir / "bench" / "payloads" / "small_interaction.json"
    result = subprocess.run(
        [sys.executable, "-c", _FIRST_CREATE, str(payload)],
        cwd=GENERATED,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    loaded, listed, live, built = (json.loads(line) for line in result.stdout.splitlines())
    # nor the modules of the other resources
    assert loaded == [
        "gemini_interactions._models.interactions",
        "gemini_interactions.resources.interactions",
    ]
    assert listed is True
    assert live == []  # Live (and asyncio with it) loads with the first `connect()`
    # the models were completed one by one, children first (each schema generated once), not
    # root by root; those a text request and its answer can meet are complete, and only those:
    # the agent request (another member of the request union), the tools, agents, citations and
    # unknown variants (union members built on first use) are not
    listed_all, complete, defined = built
    assert listed_all is True
    assert complete == [
        "AudioContent",
        "DocumentContent",
        "Error",
        "Function",
        "FunctionCallStep",
        "FunctionResultStep",
        "GenerationConfig",
        "GroundingToolCount",
        "ImageConfig",
        "ImageContent",
        "Interaction",
        "ModalityTokens",
        "ModelInteraction",
        "ModelInteractionToolConfig",
        "ModelOutputStep",
        "SafetySetting",
        "SpeechConfig",
        "Status",
        "TextContent",
        "ThoughtStep",
        "TranscriptionConfig",
        "Usage",
        "UserInputStep",
        "VideoConfig",
        "VideoContent",
        "WebhookConfig",
    ]
    assert len(complete) * 4 < defined  # of 129 today
    names = {name: module for module in _model_modules() for name in _declared_all(module)}
    assert {module.stem for module in names.values()} >= {
        "interactions",
        "stream_events",
        "agents",
        "live_events",
        "other",
    }
    assert names["Interaction"].stem == "interactions"
    assert names["InteractionSseStreamEvent"].stem == "stream_events"


def _model_modules() -> list[Path]:
    return sorted(path for path in (PACKAGE / "_models").glob("*.py") if path.stem != "__init__")


def test_types_serves_every_model_from_the_module_it_lives_in() -> None:
    # `types` stays the public home: every name of `__all__` resolves (lazily), `from ... import`
    # works, the modules import each other in one direction, and models pickle by their home
    import copy
    import pickle

    from gemini_interactions import types
    from gemini_interactions.types import Interaction, StepDelta

    homes = {name: module.stem for module in _model_modules() for name in _declared_all(module)}
    assert sorted(homes) == sorted(types.__all__)
    for name in types.__all__:
        value = getattr(types, name)  # a class, or a union / enum / alias (typing forms)
        if isinstance(value, type):
            assert value.__module__ == f"gemini_interactions._models.{homes[name]}", name
    imports = {
        module.stem: {
            str(node.module)
            for node in ast.parse(module.read_text(encoding="utf-8")).body
            if isinstance(node, ast.ImportFrom) and node.level == 1
        }
        for module in _model_modules()
    }
    done: set[str] = set()
    while len(done) < len(imports):  # peel the modules whose imports are all done: no cycle
        ready = {name for name, needed in imports.items() if name not in done and needed <= done}
        assert ready, f"the model modules import each other in a ring: {imports}"
        done |= ready
    missing = "NoSuchModel"  # a type checker refuses `types.NoSuchModel` itself
    with pytest.raises(AttributeError, match=missing):
        getattr(types, missing)
    interaction = Interaction.model_validate(
        {"id": "i", "status": "completed", "steps": [{"type": "thought"}]}
    )
    assert pickle.loads(pickle.dumps(interaction)) == interaction
    assert copy.deepcopy(interaction) == interaction
    assert repr(interaction).startswith("Interaction(")
    assert StepDelta is types.StepDelta


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


def test_the_model_bases_have_no_annotations_at_run_time() -> None:
    # pydantic evaluates a base's annotations again for every model built on it (~90k
    # instructions per model for ApiModel's two ClassVars): the flags are class keywords instead
    from gemini_interactions._core._base import ApiModel, UnknownVariant

    for base in (ApiModel, UnknownVariant):
        assert not vars(base).get("__annotations__")


def test_class_keywords_set_the_flags_and_a_subclass_keeps_them() -> None:
    from gemini_interactions import types

    assert types.TextContent._wire_constants == ("type",)
    assert not types.TextContent._open_variant and types.UnknownContent._open_variant
    assert "_wire_constants" not in types.TextContent.__private_attributes__

    class Quoted(types.TextContent):  # a user's subclass: the tag still travels
        note: str | None = None

    assert Quoted(text="hi").to_dict() == {"text": "hi", "type": "text"}
    assert Quoted._wire_constants == ("type",) and not Quoted._open_variant


_COMPLETE_EVERY_NAME = """
import json, random, sys
from importlib import import_module
from pydantic import BaseModel
from gemini_interactions import types
from gemini_interactions._core._api_client import _complete
def model(value):
    return isinstance(value, type) and issubclass(value, BaseModel)
needs = {}
for group in sorted(set(types._HOMES.values())):
    module = import_module(f"gemini_interactions._models.{group}")
    needs.update(module._BUILD_NEEDS)
order = sorted(needs)
random.Random(int(sys.argv[1])).shuffle(order)
wrong = []
for name in order:
    _complete("gemini_interactions", name)
    pending, seen = [name], set()
    while pending:  # the name, and everything its needs reach, is complete now
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        value = getattr(types, current)
        if model(value) and not value.__pydantic_complete__:
            wrong.append([name, current])
        pending.extend(needs.get(current, ()))
_complete("gemini_interactions", "NoSuchName")  # a name no module holds: nothing to do
print(json.dumps([len(order), wrong]))
"""


@pytest.mark.parametrize("seed", [0, 1])
def test_completing_any_name_completes_everything_it_needs(seed: int) -> None:
    # every entry of every module's `_BUILD_NEEDS` (models, and unions that name models), in
    # an arbitrary order: each leaves itself and all it reaches complete, across the groups
    result = subprocess.run(
        [sys.executable, "-c", _COMPLETE_EVERY_NAME, str(seed)],
        cwd=GENERATED,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    count, wrong = json.loads(result.stdout)
    assert count > 200 and wrong == []
