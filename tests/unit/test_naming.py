"""Name computation: casing, keywords, never numbered."""

from __future__ import annotations

import pytest

from generator.ir.naming import (
    CLIENT_MEMBERS,
    RESERVED_CLASS_NAMES,
    class_name,
    member_name,
    pascal_case,
    python_field_name,
    safe_identifier,
    snake_case,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CreateInteraction", "create_interaction"),
        ("rotateSigningSecret", "rotate_signing_secret"),
        ("getInteractionById", "get_interaction_by_id"),
        ("interactionsId", "interactions_id"),
        ("X-Goog-Upload-Command", "x_goog_upload_command"),
        ("HTTPBody", "http_body"),
        ("image_size_4K", "image_size_4_k"),
    ],
)
def test_snake_case(name: str, expected: str) -> None:
    assert snake_case(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("url_context_call", "UrlContextCall"),
        ("deep-research", "DeepResearch"),
        ("step.delta", "StepDelta"),
    ],
)
def test_pascal_case(name: str, expected: str) -> None:
    assert pascal_case(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"), [("from", "from_"), ("type", "type"), ("match", "match_"), ("1k", "_1k")]
)
def test_safe_identifier(name: str, expected: str) -> None:
    assert safe_identifier(name) == expected


def test_reserved_field_names_match_the_installed_pydantic() -> None:
    from pydantic import BaseModel

    from generator.ir.naming import _RESERVED_FIELDS, python_field_name

    public = {name for name in dir(BaseModel) if not name.startswith("_")}
    assert public == _RESERVED_FIELDS, "update generator/ir/naming.py for this pydantic"
    assert python_field_name("schema") == "schema_" and python_field_name("json") == "json_"


def test_spec_names_that_the_generated_code_uses_get_a_trailing_underscore() -> None:
    assert [class_name(n) for n in ("Literal", "Field", "Tag", "Stream", "Thing")] == [
        "Literal_",
        "Field_",
        "Tag_",
        "Stream_",
        "Thing",
    ]
    assert [python_field_name(n) for n in ("str", "to_dict", "list", "model_dump", "type")] == [
        "str_",
        "to_dict_",
        "list_",
        "model_dump_",
        "type",  # the API's tag field: no annotation of a model reads `type`
    ]
    assert python_field_name("text", frozenset({"text", "parsed"})) == "text_"
    assert python_field_name("text") == "text"
    assert member_name("close", CLIENT_MEMBERS) == "close_"
    assert member_name("interactions", CLIENT_MEMBERS) == "interactions"


def test_reserved_lists_cover_what_the_committed_package_binds() -> None:
    """Every capitalized name a generated module imports (other than the models, from `types`,
    `params` or a module of `_models`) is in RESERVED_CLASS_NAMES or bound by a runtime module
    (read from its source each run), and every public attribute of the client is in
    CLIENT_MEMBERS, so the lists cannot fall behind the runtime silently."""
    import ast

    from tests.conftest import GENERATED

    imported = set()
    for path in sorted((GENERATED / "gemini_interactions").rglob("*.py")):
        in_models = path.parent.name == "_models"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            module = node.module or ""
            if module.endswith(("types", "params")) or module.startswith("_models."):
                continue
            if in_models and node.level == 1:  # another module of models
                continue
            imported |= {alias.asname or alias.name for alias in node.names}
    derived = {name for name in imported if name.endswith(("Resource", "RawResponse", "Param"))}
    from generator.pipeline import runtime_bound_names
    from tests.conftest import PROJECT_ROOT

    runtime = runtime_bound_names(
        {
            f"runtime/{path.relative_to(PROJECT_ROOT / 'runtime').as_posix()}": path.read_bytes()
            for path in (PROJECT_ROOT / "runtime").rglob("*.py")
        }
    )
    assert "ParsedInteraction" in runtime and "Call" in runtime, "read from the runtime source"
    reserved = RESERVED_CLASS_NAMES | runtime
    assert {n for n in imported if n[:1].isupper()} - derived <= reserved

    import gemini_interactions

    client = gemini_interactions.Client(api_key="k")
    resources = {"agents", "credentials", "environments", "interactions", "triggers"}
    resources |= {"voices", "webhooks"}
    public = {name for name in dir(client) if not name.startswith("_")}
    assert public - resources <= CLIENT_MEMBERS
    client.close()


def test_a_name_the_runtime_binds_under_a_top_level_if_is_reserved_too() -> None:
    from generator.pipeline import runtime_bound_names

    source = b"""
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    OpenThing = str
else:
    class OpenThing: ...
    if True:
        Nested = 1
def helper() -> None:
    Inner = 2
"""
    bound = runtime_bound_names({"runtime/_core/_x.py": source, "runtime/notes.txt": b"Ignored"})
    assert bound == {"OpenThing", "Nested", "TYPE_CHECKING"}
