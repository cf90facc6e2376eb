"""The official JSONPath Compliance Test Suite, run through the overlay engine's `select`.

Every case must behave as the suite says: invalid selectors are rejected with `BadInputError`;
valid ones select exactly the listed values at exactly the listed normalized paths (for the
few cases whose result order is not fixed, any one of the listed orders).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.errors import BadInputError
from generator.load.documents import json_pointer
from generator.overlay.engine import select
from tests.conftest import SHARED

CTS_FILE = SHARED / "conformance" / "jsonpath-cts.json"


def _cases() -> list[dict[str, Any]]:
    if not CTS_FILE.is_file():
        return []
    tests: list[dict[str, Any]] = json.loads(Path(CTS_FILE).read_text(encoding="utf-8"))["tests"]
    return tests


_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "/": "/", "\\": "\\", "'": "'"}


def normalized_path_to_pointer(path: str) -> str:
    """Parse an RFC 9535 normalized path (`$['a'][0]`) into a JSON Pointer, independently."""
    assert path.startswith("$")
    position, parts = 1, []
    while position < len(path):
        assert path[position] == "["
        position += 1
        if path[position] == "'":
            position += 1
            name = []
            while path[position] != "'":
                char = path[position]
                if char == "\\":
                    escape = path[position + 1]
                    if escape == "u":
                        code = int(path[position + 2 : position + 6], 16)
                        position += 6
                        if 0xD800 <= code < 0xDC00 and path[position : position + 2] == "\\u":
                            low = int(path[position + 2 : position + 6], 16)
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            position += 6
                        name.append(chr(code))
                        continue
                    name.append(_ESCAPES[escape])
                    position += 2
                    continue
                name.append(char)
                position += 1
            parts.append("".join(name))
            position += 2  # closing quote and bracket
        else:
            end = path.index("]", position)
            parts.append(int(path[position:end]))  # type: ignore[arg-type]
            position = end + 1
    return json_pointer(*parts)


CASES = _cases()


def test_the_suite_is_present_and_complete() -> None:
    assert len(CASES) == 703, f"expected the 703-case suite at {CTS_FILE}"


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_case(case: dict[str, Any]) -> None:
    if case.get("invalid_selector"):
        with pytest.raises(BadInputError, match="invalid JSONPath"):
            select(case.get("document", {}), case["selector"])
        return
    nodes = select(case.get("document", {}), case["selector"])
    values = [node.value for node in nodes]
    pointers = [json_pointer(*node.location) for node in nodes]
    if "result" in case:
        expected = [(case["result"], case["result_paths"])]
    else:
        expected = list(zip(case["results"], case["results_paths"], strict=True))
    assert any(
        values == result and pointers == [normalized_path_to_pointer(p) for p in paths]
        for result, paths in expected
    ), f"selected {values} at {pointers}"
