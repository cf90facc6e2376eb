"""Open enums: a field of a named enum takes its known values and any other string.

Type checkers read `OpenEnum[X]` as `X | str` (checked by mypy over this file), pydantic reads
`str`, and the enum's own name stays the `Literal` of its known values.
"""

from __future__ import annotations

import json
from typing import Literal, assert_type, get_args, get_origin

import gemini_interactions as gi
import pytest
from gemini_interactions.types import GenerationConfig, Interaction, ThinkingLevel


def test_a_field_of_an_enum_is_its_known_values_or_any_string_to_a_type_checker() -> None:
    config = GenerationConfig(thinking_level="low")
    assert_type(config.thinking_level, ThinkingLevel | str | None)
    later: ThinkingLevel | str | None = GenerationConfig(thinking_level="ultra").thinking_level
    assert later == "ultra"


def test_the_enum_keeps_its_known_values_at_run_time() -> None:
    assert get_origin(ThinkingLevel) is Literal
    assert "low" in get_args(ThinkingLevel)
    assert get_origin(gi.types.InteractionStatus) is Literal


def test_pydantic_reads_a_plain_string_and_keeps_any_value_as_it_came() -> None:
    field = GenerationConfig.model_fields["thinking_level"]
    assert field.annotation == str | None
    wire = {"id": "i", "status": "a_status_from_next_year", "generation_config": {}}
    wire["generation_config"] = {"thinking_level": "ultra", "thinking_summaries": "none"}
    parsed = Interaction.model_validate_json(json.dumps(wire))
    assert parsed.status == "a_status_from_next_year"
    assert parsed.generation_config is not None
    assert parsed.generation_config.thinking_level == "ultra"
    assert json.loads(parsed.to_json()) == wire
    assert not parsed.validation_problems


def test_a_value_that_is_no_string_is_still_refused_where_the_caller_builds_it() -> None:
    with pytest.raises(gi.RequestValidationError, match="thinking_level"):
        GenerationConfig(thinking_level=3)  # type: ignore[arg-type]
