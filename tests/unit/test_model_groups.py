"""`ir/groups.py`: the order a group's models are completed in (children first, cycles cut)."""

from __future__ import annotations

import pytest

from generator.errors import BadInputError
from generator.ir.deferral import defer_union_members
from generator.ir.groups import _build_needs, _build_order, model_groups
from generator.ir.model import FieldDef, ModelDef, TypeModel, UnionDef, UnionMember
from generator.ir.types import STR, Named


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


def test_each_model_needs_the_models_it_names_that_are_completed_before_it() -> None:
    needs = {
        "Answer": frozenset({"Step", "Usage"}),
        "Step": frozenset({"Content", "Shared"}),  # a union
        "Content": frozenset({"Text", "Image"}),
        "Text": frozenset({"Mime"}),
        "Image": frozenset({"Mime", "Node"}),
        "Mime": frozenset(),  # an enum
        "Usage": frozenset(),
        "Node": frozenset({"Children"}),
        "Children": frozenset({"Node", "Image"}),  # a union that names Node again: a cycle
        "Shared": frozenset(),  # a model of an earlier group
        "Lonely": frozenset({"Mime"}),  # a union of no models
    }
    models = frozenset({"Answer", "Text", "Image", "Usage", "Node", "Shared"})
    group = set(needs) - {"Shared"}
    order = _build_order(group, needs, models)
    entries = _build_needs(group, order, needs, models)
    listed = dict(entries)
    # every model of the group, in completion order, then the unions that name models
    assert tuple(listed)[: len(order)] == order
    assert tuple(listed)[len(order) :] == ("Children", "Content", "Step")  # by name
    assert "Lonely" not in listed and "Shared" not in listed
    # through unions, the earlier group's model first, then the group's, in order
    assert listed["Answer"] == ("Shared", "Image", "Text", "Usage")
    assert listed["Step"] == ("Shared", "Image", "Text")
    position = {name: index for index, name in enumerate(order)}
    for name, needed in entries:
        assert len(set(needed)) == len(needed)
        if name in position:  # nothing listed after the model itself: the needs have no cycle
            assert all(position.get(other, -1) < position[name] for other in needed), name
    # the cycle Image -> Node -> Children -> Image is cut once, where the order met it
    assert ("Node" in listed["Image"]) != ("Image" in listed["Node"])


def _union_types() -> TypeModel:
    text = ModelDef("Text", "", (), (), None, "/text")
    image = ModelDef("Image", "", (), (), None, "/image")
    answer = ModelDef(
        "Answer", "", (FieldDef("content", "content", Named("Content"), False, ""),), (), None, "/a"
    )
    content = UnionDef(
        "Content",
        "",
        (
            UnionMember("text", Named("Text"), ("object",), ("text",)),
            UnionMember("image", Named("Image"), ("object",), ("image",)),
            UnionMember(None, STR, ("string",), ()),
        ),
        "type",
        None,
        "/content",
    )
    return TypeModel((), (answer, image, text), (content,), ())


def test_deferred_members_are_left_to_their_first_value_but_stay_in_the_group() -> None:
    types = defer_union_members(_union_types(), ["Text"])
    (content,) = types.unions
    assert [member.deferred for member in content.members] == [False, True, False]
    assert defer_union_members(_union_types(), None) == _union_types(), "None: all eager"
    (group,) = model_groups((), types)
    assert set(group.names) == {"Answer", "Content", "Image", "Text"}, "Image is still defined"
    needs = dict(group.build_needs)
    assert needs["Answer"] == ("Text",) and needs["Content"] == ("Text",)
    assert "Image" in needs and needs["Image"] == ()


def test_an_eager_name_that_is_no_union_member_is_bad_input() -> None:
    with pytest.raises(BadInputError, match="eager_union_members names 'Answer', 'Txt'"):
        defer_union_members(_union_types(), ["Txt", "Answer", "Text"])
