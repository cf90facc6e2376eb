"""Targets and the lock file: every field checked, every mistake named."""

from __future__ import annotations

from typing import Any

import pytest

from generator.errors import BadInputError
from generator.load.config import load_project_config, parse_lock, parse_targets
from tests.conftest import PROJECT_ROOT


def _target(**overrides: Any) -> dict[str, Any]:
    base = {
        "description": "d",
        "snapshot": "s",
        "overlays": "overlays/current",
        "output": "generated",
        "package": "gemini_interactions",
        "api_revision": "2026-05-20",
    }
    return {**base, **overrides}


def test_the_project_configuration_loads() -> None:
    config = load_project_config(PROJECT_ROOT)
    assert config.default_target == "current"
    current, launch = config.target("current"), config.target("launch")
    assert (current.snapshot, current.output, current.api_revision) == (
        "v1beta-2026-10-07",
        "generated",
        "2026-05-20",
    )
    assert (launch.snapshot, launch.output) == ("v1beta-2025-12-20", None)
    assert sum(entry.kind == "spec" for entry in config.lock.values()) == 7


def test_the_revisions_a_fact_may_name_come_from_the_targets() -> None:
    # a third target with a new Api-Revision: its facts are named by that revision, and a
    # target without one is the launch era (the report used to hard-code both names)
    default, targets = parse_targets(
        {
            "default": "a",
            "targets": {
                "a": _target(),
                "b": _target(api_revision="2026-11-01"),
                "c": _target(api_revision=None, output=None),
            },
        }
    )
    config = load_project_config(PROJECT_ROOT)
    config = type(config)(config.root, default, targets, config.lock)
    assert [targets[name].revision for name in "abc"] == ["2026-05-20", "2026-11-01", "launch"]
    assert config.revisions == ("2026-05-20", "2026-11-01", "launch")


def test_unknown_target_key_is_named() -> None:
    with pytest.raises(BadInputError, match=r"target 'x': unknown key\(s\) 'overlay'"):
        parse_targets({"default": "x", "targets": {"x": {**_target(), "overlay": "o"}}})


def test_unknown_target_is_named_with_choices() -> None:
    default, targets = parse_targets({"default": "x", "targets": {"x": _target()}})
    assert default == "x" and set(targets) == {"x"}
    config = load_project_config(PROJECT_ROOT)
    with pytest.raises(BadInputError, match="no target named 'nope'; known: current, launch"):
        config.target("nope")


def test_lock_entries_are_checked() -> None:
    entry = {
        "name": "n",
        "kind": "spec",
        "file": "f.json",
        "sha256": "A" * 64,
        "url": "u",
        "url_serves": "latest",
        "retrieved": "2026-01-01",
        "note": "",
    }
    with pytest.raises(BadInputError, match=r"snapshots\[0\]: sha256 must be 64 lowercase hex"):
        parse_lock({"snapshots": [entry]})
    with pytest.raises(BadInputError, match=r"snapshots\[0\]: missing required key 'url'"):
        parse_lock({"snapshots": [{k: v for k, v in entry.items() if k != "url"}]})


def test_model_mixins_must_name_a_runtime_class() -> None:
    _, targets = parse_targets(
        {
            "default": "x",
            "targets": {"x": {**_target(), "model_mixins": {"Interaction": "_helpers.H"}}},
        }
    )
    assert targets["x"].model_mixins == (("Interaction", "_helpers.H"),)
    with pytest.raises(BadInputError, match="model_mixins maps a schema name"):
        parse_targets(
            {"default": "x", "targets": {"x": {**_target(), "model_mixins": {"I": "os.system"}}}}
        )


def test_eager_union_members_is_a_list_of_model_names() -> None:
    _, targets = parse_targets(
        {
            "default": "x",
            "targets": {"x": {**_target(), "eager_union_members": ["Text", "Image", "Text"]}},
        }
    )
    assert targets["x"].eager_union_members == ("Image", "Text")
    _, targets = parse_targets({"default": "x", "targets": {"x": _target()}})
    assert targets["x"].eager_union_members is None, "absent: every member built with its union"
    for bad in ("Text", ["Text", 3], ["a.b"]):
        with pytest.raises(BadInputError, match="target 'x': eager_union_members is a list"):
            parse_targets(
                {"default": "x", "targets": {"x": {**_target(), "eager_union_members": bad}}}
            )
