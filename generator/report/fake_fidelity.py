"""The fake API's fidelity table (`generated/FAKE.md`): which refusals of the API it reproduces.

The rows come from two sources that a test keeps in step: the catalogue's live facts marked
`refuses: true` (`overlays/facts.yaml`) and the fake's own lists in its runtime module
(`ENFORCED`, fact → what the fake refuses; `NOT_MODELLED`, fact → why not), read from the
module's source as literals so that the generator imports nothing it generates. Python computes
every cell here; `templates/docs/FAKE.md.jinja` lays them out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

import jinja2

from generator.errors import BadInputError
from generator.load.facts import FACTS_FILE, Fact

__all__ = ["FIDELITY_FILE", "FidelityRow", "fake_lists", "fidelity_rows", "render_fidelity"]

FIDELITY_FILE = "FAKE.md"
REFUSALS_MODULE = "runtime/testing/_refusals.py"
TEMPLATE = "docs/FAKE.md.jinja"


@dataclass(frozen=True)
class FidelityRow:
    """One refusing fact: what the API refuses, and whether and how the fake does."""

    fact: str
    statement: str
    verdict: str
    detail: str


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def fake_lists(source: str, path: str = REFUSALS_MODULE) -> tuple[dict[str, str], dict[str, str]]:
    """The fake's `ENFORCED` and `NOT_MODELLED` dicts, read from its module's source."""
    found: dict[str, dict[str, str]] = {}
    try:
        tree = ast.parse(source, path)
    except SyntaxError as error:
        raise BadInputError(f"templates/{path}: not Python ({error.msg}).") from None
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, value = node.target.id, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            name, value = (target.id if isinstance(target, ast.Name) else ""), node.value
        else:
            continue
        if name in ("ENFORCED", "NOT_MODELLED") and value is not None:
            try:
                literal = ast.literal_eval(value)
            except ValueError:
                raise BadInputError(f"templates/{path}: `{name}` must be a literal dict.") from None
            if not isinstance(literal, dict) or not all(
                isinstance(key, str) and isinstance(item, str) for key, item in literal.items()
            ):
                raise BadInputError(f"templates/{path}: `{name}` maps fact ids to text.")
            found[name] = literal
    missing = sorted({"ENFORCED", "NOT_MODELLED"} - set(found))
    if missing:
        raise BadInputError(f"templates/{path}: {', '.join(missing)} not found.")
    return found["ENFORCED"], found["NOT_MODELLED"]


def _order(fact_id: str) -> tuple[str, int]:
    return fact_id[0], int(fact_id[1:]) if fact_id[1:].isdigit() else 0


def fidelity_rows(
    facts: Iterable[Fact],
    enforced: dict[str, str],
    not_modelled: dict[str, str],
    facts_path: str = FACTS_FILE,
) -> list[FidelityRow]:
    """One row per refusing fact of the catalogue and per fact the fake lists, in id order."""
    by_id = {fact.id: fact for fact in facts}
    ids = {fact.id for fact in by_id.values() if fact.refuses} | set(enforced) | set(not_modelled)
    rows = []
    for fact_id in sorted(ids, key=_order):
        fact = by_id.get(fact_id)
        statement = fact.statement if fact else f"(not in {facts_path})"
        if fact_id in enforced:
            verdict, detail = "refuses", enforced[fact_id]
        elif fact_id in not_modelled:
            verdict, detail = "not modelled", not_modelled[fact_id]
        else:
            verdict, detail = "MISSING", "refusing fact the fake neither enforces nor lists"
        rows.append(FidelityRow(fact_id, _cell(statement), verdict, _cell(detail)))
    return rows


def render_fidelity(
    facts: Iterable[Fact], templates: dict[str, str], facts_path: str = FACTS_FILE
) -> str:
    """`FAKE.md` for one run: the rows from the catalogue and the fake's lists, laid out."""
    source = templates.get(REFUSALS_MODULE)
    template = templates.get(TEMPLATE)
    if source is None or template is None:
        missing = REFUSALS_MODULE if source is None else TEMPLATE
        raise BadInputError(f"templates/{missing}: missing (the fake's fidelity table needs it).")
    enforced, not_modelled = fake_lists(source)
    rows = fidelity_rows(facts, enforced, not_modelled, facts_path)
    environment = jinja2.Environment(
        autoescape=False,  # Markdown, not HTML
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return environment.from_string(template).render(
        rows=rows,
        facts_path=facts_path,
        module="gemini_interactions/" + REFUSALS_MODULE.removeprefix("runtime/"),
        enforced=sum(row.verdict == "refuses" for row in rows),
        not_modelled=sum(row.verdict == "not modelled" for row in rows),
    )
