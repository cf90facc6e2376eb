"""A property named like a helper its model's mixin gives it (`text` on `Interaction`) does not
replace the helper: the field takes a trailing underscore and keeps its wire name."""

from __future__ import annotations

from generator.ir.api import build_api
from generator.load.config import load_project_config
from generator.load.fetch import Fetcher
from generator.normalize.rewrites import normalize_spec
from generator.pipeline import mixin_members, read_inputs
from tests.conftest import PROJECT_ROOT


def test_the_project_mixin_members_are_read_from_the_runtime_source() -> None:
    config = load_project_config(PROJECT_ROOT)
    inputs = read_inputs(config, config.target(None), Fetcher(PROJECT_ROOT, download=None))
    members = mixin_members(inputs)
    assert {"text", "parsed", "function_calls"} <= members["Interaction"]
    assert "output_text" not in members["Interaction"], "a bare annotation declares a field"
    assert not any(name.startswith("_") for name in members["Interaction"])


def test_a_field_named_like_a_mixin_helper_is_renamed_and_keeps_its_wire_name() -> None:
    spec, _ = normalize_spec(
        {
            "openapi": "3.0.3",
            "paths": {},
            "components": {
                "schemas": {
                    "Interaction": {
                        "type": "object",
                        "properties": {"text": {"type": "string"}, "id": {"type": "string"}},
                    },
                    "TextContent": {"type": "object", "properties": {"text": {"type": "string"}}},
                }
            },
        }
    )
    api = build_api(spec, None, {"Interaction": frozenset({"text"})})
    interaction = api.types.model("Interaction")
    content = api.types.model("TextContent")
    assert interaction is not None and content is not None
    assert [(f.python_name, f.wire_name) for f in interaction.fields] == [
        ("id", "id"),
        ("text_", "text"),
    ]
    assert [f.python_name for f in content.fields] == ["text"], "only the mixin's model"


def test_a_flattened_field_never_takes_a_mixin_helper_name() -> None:
    spec, _ = normalize_spec(
        {
            "openapi": "3.0.3",
            "paths": {},
            "components": {
                "schemas": {
                    "Interaction": {
                        "type": "object",
                        "properties": {
                            "output": {
                                "$ref": "#/components/schemas/Output",
                                "x-flatten": True,
                            }
                        },
                    },
                    "Output": {
                        "type": "object",
                        "properties": {"text": {"type": "string"}, "size": {"type": "integer"}},
                    },
                }
            },
        }
    )
    interaction = build_api(spec, None, {"Interaction": frozenset({"text"})}).types.model(
        "Interaction"
    )
    assert interaction is not None
    (flatten,) = interaction.flatten
    assert flatten.pairs == (("size", "size"),), "`text` stays reachable as output.text"
    assert "text" not in {field.python_name for field in interaction.fields}
