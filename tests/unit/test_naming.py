"""Name computation: casing, keywords, never numbered."""

from __future__ import annotations

import pytest

from generator.ir.naming import pascal_case, safe_identifier, snake_case


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
