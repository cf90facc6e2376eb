"""The strict YAML/JSON reader: JSON-compatible typing and errors that name file and line."""

from __future__ import annotations

import pytest

from generator.errors import BadInputError
from generator.load.documents import canonical_json, parse_document


def test_yaml_is_read_json_compatibly() -> None:
    data = parse_document(
        b"responses:\n  200: ok\nobserved: 2026-08-10\nflag: yes\non: true\nversion: 1.1.0\n",
        "x.yaml",
    )
    assert data == {
        "responses": {"200": "ok"},
        "observed": "2026-08-10",
        "flag": "yes",
        "on": True,
        "version": "1.1.0",
    }


def test_malformed_yaml_names_file_and_line() -> None:
    with pytest.raises(BadInputError) as raised:
        parse_document(
            b"overlay: 1.1.0\nactions:\n  - target: $.a\n   update: [\n",
            "overlays/current/20-bad.yaml",
        )
    assert raised.value.message.startswith("overlays/current/20-bad.yaml:4:")
    assert "malformed YAML" in raised.value.message


def test_duplicate_keys_are_errors_not_overwrites() -> None:
    with pytest.raises(BadInputError, match=r"x.yaml:3:1: malformed YAML: found duplicate key 'a'"):
        parse_document(b"a: 1\nb: 2\na: 3\n", "x.yaml")


def test_malformed_json_names_line_and_column() -> None:
    with pytest.raises(BadInputError, match=r"spec.json:2:3: malformed JSON"):
        parse_document(b'{"a": 1,\n  }', "spec.json")


def test_non_utf8_is_refused() -> None:
    with pytest.raises(BadInputError, match="not UTF-8"):
        parse_document(b"\xff\xfe", "x.yaml")


def test_canonical_json_ignores_key_order() -> None:
    assert canonical_json({"b": [1, {"d": 1, "c": "é"}], "a": 1}) == canonical_json(
        {"a": 1, "b": [1, {"c": "é", "d": 1}]}
    )


def test_the_strict_loader_leaves_pyyaml_itself_alone() -> None:
    import yaml

    parse_document(b"a: yes\n", "x.yaml")
    assert yaml.safe_load("a: yes\nb: 2026-01-01\n") == {
        "a": True,
        "b": __import__("datetime").date(2026, 1, 1),
    }
