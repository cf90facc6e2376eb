"""datamodel-code-generator as an independent oracle for our models.

Its models are generated from the same patched spec with options tuned to this spec (literal
enums, annotated fields, collapsed root models). Wherever its model accepts an example from the
spec, ours must accept it too — and give the same JSON back. (It rejects unknown tags and enum
values, which ours accept by design, so the comparison runs in one direction.)
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import gemini_interactions.types as ours
import pytest
from pydantic import TypeAdapter, ValidationError

from tests.generated.test_roundtrip import _response_examples, _schema_examples
from tests.json_exact import assert_json_exact

ORACLE_OPTIONS = [
    "--input-file-type",
    "openapi",
    "--output-model-type",
    "pydantic_v2.BaseModel",
    "--target-python-version",
    "3.11",
    "--use-annotated",
    "--enum-field-as-literal",
    "all",
    "--use-union-operator",
    "--collapse-root-models",
    "--disable-timestamp",
]


@pytest.fixture(scope="module")
def oracle(patched_spec: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    folder = tmp_path_factory.mktemp("oracle")
    spec_file = folder / "patched.json"
    spec_file.write_text(json.dumps(patched_spec), encoding="utf-8")
    output = folder / "oracle_models.py"
    command = [
        str(Path(sys.executable).with_name("datamodel-codegen")),
        "--input",
        str(spec_file),
        "--output",
        str(output),
        *ORACLE_OPTIONS,
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    spec = importlib.util.spec_from_file_location("oracle_models", output)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["oracle_models"] = module
    spec.loader.exec_module(module)
    return module


def _ours(name: str) -> TypeAdapter[Any]:
    target = getattr(ours, name)
    if getattr(target, "__origin__", None) is Literal:
        return TypeAdapter(target | str)
    return TypeAdapter(target)


def test_everything_the_oracle_accepts_we_accept(
    oracle: ModuleType, patched_spec: dict[str, Any]
) -> None:
    cases = [(name, name, example) for name, example in _schema_examples(patched_spec)]
    cases += _response_examples(patched_spec)
    compared = 0
    for label, name, example in cases:
        theirs = getattr(oracle, name, None)
        if theirs is None:
            continue
        try:
            TypeAdapter(theirs).validate_python(example)
        except ValidationError:
            continue
        compared += 1
        adapter = _ours(name)
        value = adapter.validate_python(example)
        dumped = json.loads(adapter.dump_json(value, by_alias=True, exclude_unset=True))
        assert_json_exact(dumped, example, label)
    assert compared >= 40, f"only {compared} examples compared"


def test_the_oracle_is_stricter_where_we_are_open(oracle: ModuleType) -> None:
    payload = {"id": "i", "status": "completed", "steps": [{"type": "hologram_call", "id": "x"}]}
    with pytest.raises(ValidationError):
        oracle.Interaction.model_validate(payload)
    parsed = ours.Interaction.model_validate(payload)
    assert parsed.steps and isinstance(parsed.steps[0], ours.UnknownStep)
    assert_json_exact(parsed.to_dict(), payload)
