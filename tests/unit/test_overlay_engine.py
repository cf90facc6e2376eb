"""Unit tests of the overlay engine on small documents: merge rules, removal, copy, strictness."""

from __future__ import annotations

from typing import Any

import pytest

from generator.errors import BadInputError, BrokenOverlayError
from generator.load.documents import JsonValue
from generator.overlay.engine import apply_overlays, parse_overlay


def _overlay(
    schemas: dict[str, JsonValue],
    *actions: dict[str, Any],
    version: str = "1.1.0",
    strict: bool = True,
) -> Any:
    document = {
        "overlay": version,
        "info": {"title": "t", "version": "1"},
        "actions": list(actions),
    }
    return parse_overlay(document, "overlays/current/10-test.yaml", schemas, strict=strict)


def _apply(
    schemas: dict[str, JsonValue], spec: JsonValue, *actions: dict[str, Any], strict: bool = True
) -> Any:
    return apply_overlays(spec, [_overlay(schemas, *actions, strict=strict)], strict=strict)


def test_objects_merge_recursively_arrays_concatenate_primitives_replace(
    overlay_schemas: dict[str, JsonValue],
) -> None:
    spec = {"a": {"keep": 1, "list": [1], "inner": {"x": "old"}}}
    patched, results = _apply(
        overlay_schemas,
        spec,
        {
            "target": "$.a",
            "description": "d",
            "update": {"list": [2, 3], "inner": {"x": "new", "y": True}, "added": None},
        },
    )
    assert patched == {
        "a": {"keep": 1, "list": [1, 2, 3], "inner": {"x": "new", "y": True}, "added": None}
    }
    assert spec["a"]["list"] == [1], "the input is never mutated"
    (result,) = results
    assert result.kind == "update"
    assert [m.pointer for m in result.matches] == ["/a"]
    assert result.matches[0].before == spec["a"] and result.matches[0].after == patched["a"]
    assert result.changed


@pytest.mark.parametrize(
    ("update", "expected"), [([3, 4], [1, 2, 3, 4]), ({"k": 1}, [1, 2, {"k": 1}]), (5, [1, 2, 5])]
)
def test_array_targets_concatenate_arrays_and_append_other_values(
    overlay_schemas: dict[str, JsonValue], update: JsonValue, expected: JsonValue
) -> None:
    patched, _ = _apply(
        overlay_schemas, {"xs": [1, 2]}, {"target": "$.xs", "description": "d", "update": update}
    )
    assert patched == {"xs": expected}


def test_primitive_targets_are_replaced(overlay_schemas: dict[str, JsonValue]) -> None:
    patched, results = _apply(
        overlay_schemas,
        {"enum": ["PYTHON", "OTHER"]},
        {"target": "$.enum[?@ == 'PYTHON']", "description": "d", "update": "python"},
    )
    assert patched == {"enum": ["python", "OTHER"]}
    assert results[0].matches[0].pointer == "/enum/0"
    assert (results[0].matches[0].before, results[0].matches[0].after) == ("PYTHON", "python")


def test_update_then_same_value_is_not_a_change(overlay_schemas: dict[str, JsonValue]) -> None:
    _, results = _apply(
        overlay_schemas,
        {"a": {"b": 1}},
        {"target": "$.a", "description": "d", "update": {"b": 1}},
        strict=False,
    )
    assert not results[0].changed


def test_incompatible_merge_names_file_action_and_pointer(
    overlay_schemas: dict[str, JsonValue],
) -> None:
    with pytest.raises(BrokenOverlayError) as raised:
        _apply(
            overlay_schemas,
            {"a": {"b": [1]}},
            {"target": "$.a", "description": "d", "update": {"b": {"c": 1}}},
        )
    message = raised.value.message
    assert "overlays/current/10-test.yaml: action 0" in message
    assert "cannot merge object into array at /a/b" in message


def test_object_target_needs_object_update(overlay_schemas: dict[str, JsonValue]) -> None:
    with pytest.raises(BrokenOverlayError, match="must be an object"):
        _apply(overlay_schemas, {"a": {}}, {"target": "$.a", "description": "d", "update": 3})


def test_mixed_node_kinds_are_refused(overlay_schemas: dict[str, JsonValue]) -> None:
    with pytest.raises(BrokenOverlayError, match="mix of"):
        _apply(
            overlay_schemas,
            {"a": {}, "b": [1]},
            {"target": "$.*", "description": "d", "update": {}},
        )


def test_remove_array_elements_keeps_indices_right(overlay_schemas: dict[str, JsonValue]) -> None:
    spec = {"xs": [{"n": 0}, {"n": 1, "drop": True}, {"n": 2}, {"n": 3, "drop": True}]}
    patched, results = _apply(
        overlay_schemas, spec, {"target": "$.xs[?@.drop]", "description": "d", "remove": True}
    )
    assert patched == {"xs": [{"n": 0}, {"n": 2}]}
    assert [m.pointer for m in results[0].matches] == ["/xs/1", "/xs/3"]
    assert all(m.removed and m.after is None for m in results[0].matches)


def test_remove_nested_selection_with_descendant(overlay_schemas: dict[str, JsonValue]) -> None:
    spec = {"a": {"x": {"x": 1}}, "b": 2}
    patched, _ = _apply(
        overlay_schemas, spec, {"target": "$..x", "description": "d", "remove": True}
    )
    assert patched == {"a": {}, "b": 2}


def test_remove_beats_update(overlay_schemas: dict[str, JsonValue]) -> None:
    patched, results = _apply(
        overlay_schemas,
        {"a": 1, "b": 2},
        {"target": "$.a", "description": "d", "remove": True, "update": 5},
    )
    assert patched == {"b": 2}
    assert results[0].kind == "remove"


def test_copy_merges_the_single_source_node(overlay_schemas: dict[str, JsonValue]) -> None:
    spec = {"src": {"x": 1, "list": [9]}, "dst": {"list": [0]}}
    patched, results = _apply(
        overlay_schemas, spec, {"target": "$.dst", "description": "d", "copy": "$.src"}
    )
    assert patched["dst"] == {"x": 1, "list": [0, 9]}
    assert results[0].kind == "copy"


def test_copy_source_must_select_exactly_one_node(overlay_schemas: dict[str, JsonValue]) -> None:
    with pytest.raises(BrokenOverlayError, match="exactly one node, selected 2"):
        _apply(
            overlay_schemas,
            {"a": {}, "b": {}, "c": {}},
            {"target": "$.c", "description": "d", "copy": "$['a','b']"},
        )


def test_zero_match_is_an_error_in_strict_mode(overlay_schemas: dict[str, JsonValue]) -> None:
    with pytest.raises(BrokenOverlayError) as raised:
        _apply(
            overlay_schemas,
            {"a": 1},
            {"target": "$.components.schemas.Gone", "description": "d", "update": {}},
        )
    assert (
        "overlays/current/10-test.yaml: action 0 (target $.components.schemas.Gone)"
        in raised.value.message
    )
    assert "selects nothing" in raised.value.message
    assert raised.value.exit_code == 1


def test_zero_match_is_a_no_op_when_lenient(overlay_schemas: dict[str, JsonValue]) -> None:
    patched, results = _apply(
        overlay_schemas, {"a": 1}, {"target": "$.nothing", "update": {}}, strict=False
    )
    assert patched == {"a": 1} and results[0].matches == ()


def test_strict_mode_requires_descriptions(overlay_schemas: dict[str, JsonValue]) -> None:
    with pytest.raises(
        BadInputError, match=r"action 1 \(target '\$.b'\): every action needs a description"
    ):
        _overlay(
            overlay_schemas,
            {"target": "$.a", "description": "fine", "update": {}},
            {"target": "$.b", "update": {}},
        )


def test_an_unknown_x_confidence_names_the_file_and_action(
    overlay_schemas: dict[str, JsonValue],
) -> None:
    # a typo in an action's confidence used to reach the report unchecked ("spec only")
    good = {"target": "$.a", "description": "d", "update": {}, "x-confidence": "spec-only"}
    bad = {"target": "$.b", "description": "d", "update": {}, "x-confidence": "spec only"}
    _overlay(overlay_schemas, good)
    with pytest.raises(BadInputError) as raised:
        _overlay(overlay_schemas, good, bad)
    assert raised.value.message.startswith(
        "overlays/current/10-test.yaml: action 1 (target '$.b'): `x-confidence` must be one of "
        "live, spec-only, modeled, reported, conflict (got 'spec only')."
    )


def test_invalid_jsonpath_names_its_position(overlay_schemas: dict[str, JsonValue]) -> None:
    with pytest.raises(BadInputError) as raised:
        _overlay(overlay_schemas, {"target": "$.a[?@.b ==]", "description": "d", "update": {}})
    assert "action 0: invalid JSONPath in target '$.a[?@.b ==]' at position" in raised.value.message
    assert raised.value.exit_code == 2


def test_unknown_action_key_is_rejected_by_the_official_schema(
    overlay_schemas: dict[str, JsonValue],
) -> None:
    with pytest.raises(
        BadInputError, match=r"at \$.actions\[0\]: Unevaluated properties .*'updte'"
    ):
        _overlay(overlay_schemas, {"target": "$.a", "description": "d", "updte": {}})


def test_extensions_are_kept_on_actions(overlay_schemas: dict[str, JsonValue]) -> None:
    overlay = _overlay(
        overlay_schemas,
        {
            "target": "$.a",
            "description": "d",
            "update": {},
            "x-facts": ["W32"],
            "x-observed": "2026-08-10",
        },
    )
    assert overlay.actions[0].extensions == {"x-facts": ["W32"], "x-observed": "2026-08-10"}


def test_version_1_0_documents_get_1_1_semantics(overlay_schemas: dict[str, JsonValue]) -> None:
    overlay = _overlay(
        overlay_schemas, {"target": "$.xs", "description": "d", "update": [2]}, version="1.0.0"
    )
    patched, _ = apply_overlays({"xs": [1]}, [overlay])
    assert patched == {"xs": [1, 2]}


def test_unsupported_version_is_named(overlay_schemas: dict[str, JsonValue]) -> None:
    with pytest.raises(BadInputError, match=r"unsupported overlay version '2\.0\.0'"):
        _overlay(
            overlay_schemas, {"target": "$", "description": "d", "update": {}}, version="2.0.0"
        )


def test_actions_apply_in_order_to_the_previous_result(
    overlay_schemas: dict[str, JsonValue],
) -> None:
    patched, _ = _apply(
        overlay_schemas,
        {"required": ["id", "steps"]},
        {"target": "$.required", "description": "drop the wrong list", "remove": True},
        {"target": "$", "description": "put the right one", "update": {"required": ["model"]}},
    )
    assert patched == {"required": ["model"]}


def test_a_redundant_action_is_an_error_in_strict_mode(
    overlay_schemas: dict[str, JsonValue],
) -> None:
    with pytest.raises(BrokenOverlayError, match="matched but changed nothing"):
        _apply(
            overlay_schemas,
            {"a": {"b": 1}},
            {"target": "$.a", "description": "d", "update": {"b": 1}},
        )


def test_passed_checks_skip_only_documents_that_validated_before(
    overlay_schemas: dict[str, JsonValue], tmp_path: Any
) -> None:
    from generator.load.cache import PassedChecks

    passed = PassedChecks(tmp_path / "passed")
    good = {
        "overlay": "1.1.0",
        "info": {"title": "t", "version": "1"},
        "actions": [{"target": "$.info", "description": "d", "update": {"x": 1}}],
    }
    bad = {**good, "info": {"title": "t"}}  # `version` is required by the official schema
    parse_overlay(good, "overlays/a.yaml", overlay_schemas, passed=passed)
    assert len(list((tmp_path / "passed").iterdir())) == 1
    for _ in range(2):  # a failure is never remembered: it is reported every time
        with pytest.raises(BadInputError, match=r"not a valid Overlay 1\.1 document"):
            parse_overlay(bad, "overlays/b.yaml", overlay_schemas, passed=passed)
    assert len(list((tmp_path / "passed").iterdir())) == 1
    digest = PassedChecks.digest(overlay_schemas["1.1"], good)
    assert passed.passed(digest) and not PassedChecks(None).passed(digest)
