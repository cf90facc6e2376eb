"""`ir/groups.py`: the order a group's models are completed in (children first, cycles cut)."""

from __future__ import annotations

from generator.ir.groups import _build_order


def test_each_model_comes_after_the_models_it_names_through_unions_and_aliases() -> None:
    needs = {
        "Answer": frozenset({"Step", "Usage"}),
        "Step": frozenset({"Content"}),  # a union
        "Content": frozenset({"Text", "Image"}),
        "Text": frozenset({"Annotation"}),  # an alias of a model
        "Annotation": frozenset({"Citation"}),
        "Citation": frozenset(),
        "Image": frozenset({"Mime"}),  # an enum
        "Mime": frozenset(),
        "Usage": frozenset(),
    }
    models = frozenset({"Answer", "Text", "Citation", "Image", "Usage"})
    order = _build_order(set(needs), needs, models)
    assert sorted(order) == sorted(models)
    position = {name: index for index, name in enumerate(order)}

    def named(name: str) -> set[str]:  # the models `name` reaches, through non-models too
        found: set[str] = set()
        for child in needs[name]:
            found |= {child} if child in models else named(child)
        return found

    for model in models:
        assert all(position[child] < position[model] for child in named(model)), model
    assert order == ("Citation", "Image", "Text", "Usage", "Answer")  # name order breaks ties


def test_a_cycle_is_cut_where_it_is_met_and_other_groups_are_left_out() -> None:
    needs = {
        "Node": frozenset({"Children", "Earlier"}),
        "Children": frozenset({"Node", "Leaf"}),  # a union that names Node again
        "Leaf": frozenset(),
        "Earlier": frozenset({"Leaf"}),  # in an earlier group: completed before this one
    }
    models = frozenset({"Node", "Leaf", "Earlier"})
    order = _build_order({"Node", "Children", "Leaf"}, needs, models)
    assert order == ("Leaf", "Node")
    assert _build_order({"Node", "Children", "Leaf"}, needs, models) == order  # stable
