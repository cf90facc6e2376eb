"""The strict YAML/JSON reader: JSON-compatible typing and errors that name file and line."""

from __future__ import annotations

import time

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


def _alias_bomb(levels: int, fan_out: int = 10) -> str:
    """Each anchor repeats the previous one `fan_out` times: fan_out**levels values in total."""
    lines = ["a0: &a0 [" + ",".join(["lol"] * fan_out) + "]"]
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * fan_out) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_fast_naming_the_file() -> None:
    started = time.perf_counter()
    with pytest.raises(
        BadInputError, match=r"^overlays/x\.yaml:[0-9]+:5: YAML anchors and aliases"
    ):
        parse_document(_alias_bomb(12).encode(), "overlays/x.yaml")
    assert time.perf_counter() - started < 1.0


def test_modest_aliases_and_self_references() -> None:
    assert parse_document(b"a: &x [1, 2]\nb: *x\nc: {d: *x}\n", "ok.yaml") == {
        "a": [1, 2],
        "b": [1, 2],
        "c": {"d": [1, 2]},
    }
    assert len(parse_document(_alias_bomb(5).encode(), "ok.yaml")["a4"]) == 10  # 10**5 values
    with pytest.raises(BadInputError, match=r"^loop\.yaml: a YAML alias refers to itself"):
        parse_document(b"a: &x [1, *x]\n", "loop.yaml")


def test_a_lone_surrogate_escape_is_refused_naming_the_file() -> None:
    assert parse_document(b'{"a": "\\ud83d\\ude00"}', "pair.json") == {"a": "\U0001f600"}
    with pytest.raises(BadInputError, match=r"^spec\.json: holds a lone UTF-16 surrogate"):
        parse_document(b'{"info": {"description": "x\\ud800y"}}', "spec.json")
