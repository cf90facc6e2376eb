"""The fake's fidelity table (`generated/FAKE.md`): rows from the catalogue and the fake's lists."""

from __future__ import annotations

import re

import pytest

from generator.errors import BadInputError
from generator.load.facts import parse_facts
from generator.report.fake_fidelity import fake_lists, fidelity_rows, render_fidelity
from tests.conftest import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "templates"


def _fact(fact_id: str, statement: str, refuses: bool | None) -> dict[str, object]:
    entry: dict[str, object] = {
        "id": fact_id,
        "statement": statement,
        "observed": "2026-07",
        "revision": "2026-05-20",
        "confidence": "live",
        "status": "not-encoded",
        "reason": "r",
    }
    if refuses is not None:
        entry["refuses"] = refuses
    return entry


def test_the_generated_table_has_a_row_for_every_refusing_fact() -> None:
    table = (PROJECT_ROOT / "generated" / "FAKE.md").read_text(encoding="utf-8")
    rows = dict(
        re.findall(r"^\| ([SW]\d+) \| .*? \| (refuses|not modelled|MISSING) \|", table, re.M)
    )
    assert rows["W17"] == "refuses" and rows["W55"] == "not modelled"
    assert "MISSING" not in rows.values()


def test_a_refusing_fact_the_fake_does_not_list_shows_as_missing() -> None:
    facts = parse_facts(
        {
            "facts": [
                _fact("W15", "Empty input | is rejected.", True),
                _fact("W99", "A new refusal.", True),
                _fact("W12", "Transient 400s.", False),
            ]
        }
    )
    rows = fidelity_rows(facts, {"W15": "empty input"}, {"W55": "agents not modelled"})
    assert [(row.fact, row.verdict) for row in rows] == [
        ("W15", "refuses"),
        ("W55", "not modelled"),
        ("W99", "MISSING"),
    ]
    assert rows[0].statement == "Empty input \\| is rejected."
    assert rows[1].statement == "(not in overlays/facts.yaml)"


def test_the_fakes_lists_are_read_as_literals_and_bad_ones_are_named() -> None:
    assert fake_lists('ENFORCED: dict[str, str] = {"W15": "x"}\nNOT_MODELLED = {}\n') == (
        {"W15": "x"},
        {},
    )
    with pytest.raises(BadInputError, match=r"_refusals.py: NOT_MODELLED not found"):
        fake_lists('ENFORCED = {"W15": "x"}\n')
    with pytest.raises(BadInputError, match="`ENFORCED` must be a literal dict"):
        fake_lists("ENFORCED = dict(a=1)\nNOT_MODELLED = {}\n")
    templates = {"docs/FAKE.md.jinja": (TEMPLATES / "docs/FAKE.md.jinja").read_text()}
    with pytest.raises(BadInputError, match=r"runtime/testing/_refusals\.py: missing"):
        render_fidelity((), templates)
