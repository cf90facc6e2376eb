"""The renderers on small inputs: template data, the sync-twin rewrite, the IR surface."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from generator.errors import BadInputError
from generator.ir.api import build_api
from generator.ir.model import (
    Api,
    FieldDef,
    ModelDef,
    RequestRules,
    TypeModel,
    UnionDef,
    UnionMember,
)
from generator.ir.types import STR, ListOf, Named, Optional
from generator.normalize.rewrites import normalize_spec
from generator.render.client_context import client_context
from generator.render.literals import py_literal
from generator.render.sync_twins import sync_twin, twin_name
from generator.render.types_context import types_context
from generator.render.views import MethodView, ModelView, PathParameterView, WireValueView
from generator.report.surface import describe_changes, ir_surface
from tests.conftest import PROJECT_ROOT


def _types(*models: ModelDef, unions: tuple[UnionDef, ...] = ()) -> TypeModel:
    return TypeModel(enums=(), models=models, unions=unions, aliases=())


def _field(name: str, type_: Any, required: bool = False) -> FieldDef:
    return FieldDef(name, name, type_, required, "")


def test_models_follow_what_they_name_and_only_a_cycle_is_quoted() -> None:
    a = ModelDef("A", "", (_field("b", Optional(Named("B"))),), (), None, "/a")
    b = ModelDef(
        "B", "", (_field("a", Optional(Named("A"))), _field("me", Named("B"), True)), (), None, "/b"
    )
    (module,) = types_context(_types(b, a)).modules
    definitions = {item.name: item for item in module.definitions}
    assert [item.name for item in module.definitions] == ["B", "A"], "A names B: B first"
    model_a, model_b = definitions["A"], definitions["B"]
    assert isinstance(model_a, ModelView) and isinstance(model_b, ModelView)
    assert model_a.fields[0].annotation == "B | None"
    assert model_b.fields[0].annotation == "'A | None'", "the cycle A -> B -> A is cut here"
    assert model_b.fields[1].annotation == "'B'", "a model naming itself"
    assert model_b.fields[1].default is None
    assert model_a.fields[0].default == "None"


def test_union_only_cycles_are_bad_input() -> None:
    x = UnionDef(
        "X", "", (UnionMember(None, ListOf(Named("Y")), ("array",), ()),), None, None, "/x"
    )
    y = UnionDef(
        "Y", "", (UnionMember(None, ListOf(Named("X")), ("array",), ()),), None, None, "/y"
    )
    with pytest.raises(BadInputError, match="contain each other"):
        types_context(_types(unions=(x, y)))


def test_literals_are_data_printed_once() -> None:
    assert py_literal({"a": (1, True), "b": [None, 0.5]}) == "{'a': (1, True), 'b': (None, 0.5)}"
    assert py_literal(("x",)) == "('x',)"


def _small_api() -> Api:
    spec, _ = normalize_spec(
        {
            "openapi": "3.0.3",
            "paths": {
                "/v1/files": {
                    "get": {
                        "operationId": "ListFiles",
                        "tags": ["files"],
                        "parameters": [
                            {"name": "page_token", "in": "query", "schema": {"type": "string"}}
                        ],
                        "responses": {
                            "200": {
                                "content": {
                                    "application/json": {
                                        "schema": {"$ref": "#/components/schemas/Page"}
                                    }
                                }
                            }
                        },
                    },
                },
                "/v1/files/{name}": {
                    "delete": {
                        "operationId": "DeleteFile",
                        "tags": ["files"],
                        "parameters": [{"name": "name", "in": "path", "required": True}],
                        "responses": {"200": {"description": "gone"}},
                    }
                },
            },
            "components": {
                "schemas": {
                    "File": {"type": "object", "properties": {"name": {"type": "string"}}},
                    "Page": {
                        "type": "object",
                        "properties": {
                            "files": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/File"},
                            },
                            "next_page_token": {"type": "string"},
                        },
                    },
                }
            },
        }
    )
    return build_api(spec, None)


def test_client_context_gives_calls_as_data_and_exact_imports() -> None:
    context = client_context(_small_api().operations)
    (module,) = context["resource_modules"]
    assert module.module == "files" and module.type_imports == ("File", "Page")
    imports = module.imports
    assert imports["pages"] and imports["path_parameters"] and not imports["streams"]
    assert not imports["uploads"] and not imports["literal"] and not imports["children"]
    (resource,) = module.resources
    methods: dict[str, MethodView] = {method.name: method for method in resource.methods}
    assert methods["delete"].call.path_parameters == (
        PathParameterView(wire="'name'", name="name", allow_reserved=False),
    )
    assert methods["delete"].returns == "None"
    assert methods["list"].call.query == (WireValueView(wire="'page_token'", value="token"),)
    page = methods["list"].page
    assert page is not None and page.item_type == "File"
    assert [argument.name for argument in methods["list"].keywords] == ["page_token"]


def test_sync_twins_rewrite_tokens_and_keep_everything_else() -> None:
    source = (
        '"""Doc."""\n'
        "from collections.abc import AsyncGenerator, Awaitable, Callable\n"
        "from ._client_base import _asyncio_sleep\n"
        "from ._x import AsyncStream, Other\n\n"
        "async def _async_read(fetch: Callable[[], Awaitable[int]]) -> AsyncGenerator[int, None]:\n"
        "    async for item in fetch():  # the comment stays\n"
        "        yield await item.aread()\n"
        "    await _asyncio_sleep(1)\n"
        '__all__ = ["AsyncStream"]\n'
    )
    twin = sync_twin(source, "t.py")
    assert twin == (
        '"""Doc."""\n'
        "from collections.abc import Generator, Callable\n"
        "from ._x import Stream, Other\n\n"
        "def _sync_read(fetch: Callable[[], int]) -> Generator[int, None, None]:\n"
        "    for item in fetch():  # the comment stays\n"
        "        yield item.read()\n"
        "    time.sleep(1)\n"
        '__all__ = ["Stream"]\n'
    )
    assert twin_name("_async_streaming.py") == "_sync_streaming.py"
    assert twin_name("_core/_async_streaming.py") == "_core/_sync_streaming.py"


@pytest.mark.parametrize(
    "source", sorted((PROJECT_ROOT / "runtime").rglob("_async_*.py")), ids=lambda p: p.name
)
def test_every_runtime_twin_is_python_without_async(source: Path) -> None:
    tree = ast.parse(sync_twin(source.read_text(encoding="utf-8"), source.name))
    kinds = {type(node).__name__ for node in ast.walk(tree)}
    assert not kinds & {"AsyncFunctionDef", "Await", "AsyncFor", "AsyncWith"}


def test_the_ir_surface_describes_what_the_client_changes() -> None:
    before = _small_api()
    model = before.types.models[0]
    renamed = ModelDef(
        model.name, "", (*model.fields, _field("size", Optional(STR))), (), None, model.source
    )
    after = Api(
        before.title,
        before.spec_version,
        before.base_url,
        None,
        (),
        before.operations,
        TypeModel((), (renamed, *before.types.models[1:]), (), (), before.types.components),
        RequestRules((), (), ()),
    )
    assert "field `File.size` added (str)" in describe_changes(
        ir_surface(before), ir_surface(after)
    )


def test_dependency_order_is_by_name_with_each_after_what_it_needs() -> None:
    from generator.render.ordering import DependencyCycleError, dependency_order

    assert dependency_order({"b": {"a"}, "a": set(), "c": {"b", "z"}}) == ["a", "b", "c"]
    assert dependency_order({"b": set(), "a": {"b"}}) == ["b", "a"]
    with pytest.raises(DependencyCycleError) as raised:
        dependency_order({"a": {"b"}, "b": {"a"}})
    assert raised.value.cycle == ("a", "b", "a")


def test_definition_order_puts_models_after_what_they_name_and_cuts_cycles_at_a_model() -> None:
    from generator.render.ordering import DependencyCycleError, definition_order

    # a model after the model it names, a union after its members, though names say otherwise
    assert definition_order({"A": {"B"}, "B": set(), "U": {"A", "B"}}, {"U"}) == ["B", "A", "U"]
    # a model in a cycle through a union: the union must follow its member, so the model's
    # reference to the union is the one cut (quoted), whatever the names say
    needs = {"Node": {"Tree"}, "Tree": {"Node", "Leaf"}, "Leaf": set()}
    assert definition_order(needs, {"Tree"}) == ["Leaf", "Node", "Tree"]
    assert definition_order({"Z": {"U"}, "U": {"Z"}}, {"U"}) == ["Z", "U"]
    # two models naming each other: cut where met, by name
    assert definition_order({"b": {"a"}, "a": {"b"}}, set()) == ["b", "a"]
    with pytest.raises(DependencyCycleError):
        definition_order({"U": {"V"}, "V": {"U"}, "M": set()}, {"U", "V"})


def test_models_name_earlier_definitions_unquoted() -> None:
    """A union and the model that holds it come after their members; only a cycle is quoted."""
    root = Path(__file__).resolve().parents[2]
    committed = (root / "generated/gemini_interactions/_models/interactions.py").read_text()
    assert committed.index("class TextContent(") < committed.index("\nContent: TypeAlias")
    assert committed.index("\nStep: TypeAlias") < committed.index("class Interaction(")
    assert '    steps: "' not in committed
