"""The Overlay Specification's own fixtures: compliant sets and schema pass/fail documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import BadInputError
from generator.load.documents import JsonValue, parse_document
from generator.overlay.engine import apply_overlays, parse_overlay, validate_overlay_document
from tests.conftest import SHARED

OVERLAY_FIXTURES = SHARED / "conformance" / "overlay"
COMPLIANT_SETS = sorted(p for p in (OVERLAY_FIXTURES / "compliant-sets").glob("*") if p.is_dir())
SCHEMA_FIXTURES = sorted((OVERLAY_FIXTURES / "tests").glob("v1.*/*/*.yaml"))


def _load(path: Path) -> JsonValue:
    return parse_document(path.read_bytes(), path.name)


def test_fixture_counts() -> None:
    assert len(COMPLIANT_SETS) == 8
    assert len([p for p in SCHEMA_FIXTURES if p.parent.name == "pass"]) == 25
    assert len([p for p in SCHEMA_FIXTURES if p.parent.name == "fail"]) == 42


@pytest.mark.parametrize("case", COMPLIANT_SETS, ids=[p.name for p in COMPLIANT_SETS])
def test_compliant_set(case: Path, overlay_schemas: dict[str, JsonValue]) -> None:
    overlay = parse_overlay(
        _load(case / "overlay.yaml"), "overlay.yaml", overlay_schemas, strict=False
    )
    patched, results = apply_overlays(_load(case / "openapi.yaml"), [overlay], strict=False)
    assert patched == _load(case / "output.yaml")
    assert all(result.matches for result in results), "every compliant action matches something"


@pytest.mark.parametrize(
    "document",
    SCHEMA_FIXTURES,
    ids=[f"{p.parent.parent.name}-{p.parent.name}-{p.stem}" for p in SCHEMA_FIXTURES],
)
def test_schema_fixture(document: Path, overlay_schemas: dict[str, JsonValue]) -> None:
    data = _load(document)
    version = document.parent.parent.name.removeprefix("v")
    if document.parent.name == "pass":
        assert validate_overlay_document(data, document.name, overlay_schemas) == version
    else:
        with pytest.raises(BadInputError, match=document.name):
            validate_overlay_document(data, document.name, overlay_schemas)


# The traits example targets `$.paths.*.get[?@.x-oai-traits.paged]`: schema-valid, but
# `x-oai-traits` is not a valid RFC 9535 member-name shorthand, so our compiler rejects it.
NOT_RFC9535 = {"actions-traits-example"}


@pytest.mark.parametrize(
    "document",
    [p for p in SCHEMA_FIXTURES if p.parent.name == "pass"],
    ids=lambda p: f"{p.parent.parent.name}-{p.stem}",
)
def test_valid_documents_compile(document: Path, overlay_schemas: dict[str, JsonValue]) -> None:
    data = _load(document)
    if document.stem in NOT_RFC9535:
        with pytest.raises(BadInputError, match=r"invalid JSONPath in target .* at position 18"):
            parse_overlay(data, document.name, overlay_schemas, strict=False)
    else:
        assert parse_overlay(data, document.name, overlay_schemas, strict=False).actions
