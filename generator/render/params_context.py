"""Template context for the generated `params` module: request dicts that type-check.

Every object a request can carry (the closure of the operations' body fields over model
fields, union members and aliases) gets a `TypedDict` twin named `<Model>Param` with the
object's wire keys, so `tools=[{"type": "function", "name": "f"}]` passes `mypy --strict` with
its keys and values checked. Unions and aliases get a `<Name>Param` alias over their members'
twins (the unknown arm is left out: a dict of an unknown shape is sent with `extra_body`).
Which definitions are twinned and the types inside a dict are decided in the IR
(`ir/requests.py`: `Api.request_side`, `param_type`); this module lays them out.

Aliases come in dependency order, so each is a plain runtime expression. A dict is
sent as written (the keys are wire names), so the twin of a flattened model has the nested wire
object.
"""

from __future__ import annotations

import keyword

from generator.ir.model import Api, ModelDef
from generator.ir.naming import ANNOTATION_BUILTINS
from generator.ir.requests import PARAM_SUFFIX, param_type
from generator.ir.types import TypeExpr, UnionOf, names_in, required
from generator.ir.unions import UNKNOWN_TAG
from generator.render.annotations import annotation
from generator.render.literals import docstring, py_literal
from generator.render.ordering import dependency_order
from generator.render.views import ParamAliasView, ParamsView, TypedDictKeyView, TypedDictView

__all__ = ["params_context"]


def _typed_dict(model: ModelDef, params: frozenset[str]) -> TypedDictView:
    keys = []
    for field in model.fields:
        if field.excluded:
            continue
        # a key is present or absent: a dict never needs to send null for "not given"
        keys.append(
            TypedDictKeyView(
                key=field.wire_name,
                quoted_key=py_literal(field.wire_name),
                annotation=annotation(param_type(required(field.type), params)),
                required=field.constant is not None or field.required,
                docstring=docstring(field.description, "    ") if field.description else None,
            )
        )
    # class syntax only when every key is an identifier no annotation reads (a key `str`
    # would rebind `str` for the keys after it); otherwise the functional form
    identifiers = all(
        field.wire_name.isidentifier()
        and not keyword.iskeyword(field.wire_name)
        and field.wire_name not in ANNOTATION_BUILTINS
        for field in model.fields
        if not field.excluded
    )
    return TypedDictView(
        name=model.name + PARAM_SUFFIX,
        docstring=docstring(
            f"`{model.name}` as a request dict (wire keys).\n\n{model.description}".strip(),
            "    ",
        ),
        entries=tuple(keys),
        class_syntax=identifiers,
    )


def _dependency_order(aliases: list[tuple[str, TypeExpr]]) -> list[tuple[str, TypeExpr]]:
    """Aliases in name order, each after the aliases its value names (a union of unions)."""
    by_name = {name + PARAM_SUFFIX: (name, type_) for name, type_ in aliases}
    needs = {param: names_in(type_) for param, (_, type_) in by_name.items()}
    return [by_name[param] for param in dependency_order(needs)]


def params_context(api: Api) -> ParamsView:
    """The data `templates/package/params.py.jinja` lays out, in name order."""
    types = api.types
    params = api.request_side
    dicts = tuple(_typed_dict(model, params) for model in types.models if model.name in params)
    alias_types: list[tuple[str, TypeExpr]] = [
        (
            union.name,
            UnionOf(
                tuple(
                    param_type(member.type, params)
                    for member in union.members
                    if member.tag != UNKNOWN_TAG
                )
            ),
        )
        for union in types.unions
        if union.name in params
    ] + [
        (alias.name, param_type(alias.type, params))
        for alias in types.aliases
        if alias.name in params
    ]
    aliases = tuple(
        ParamAliasView(name=name + PARAM_SUFFIX, value=annotation(type_))
        for name, type_ in _dependency_order(alias_types)
    )
    return ParamsView(typed_dicts=dicts, aliases=aliases)
