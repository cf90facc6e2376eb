"""The one function that turns a type tree (`ir.types`) into a Python annotation."""

from __future__ import annotations

from generator.ir.types import (
    EnumRef,
    ListOf,
    LiteralOf,
    MapOf,
    Named,
    Optional,
    Scalar,
    TypeExpr,
    UnionOf,
)

__all__ = ["annotation"]


def annotation(type_: TypeExpr, *, builtin_list: bool = False, evaluated: bool = False) -> str:
    """The annotation for `type_`; `builtin_list` writes `builtins.list` (for classes that
    define a method named `list`). An open enum is `X | str`, or `OpenEnum[X]` where the
    annotation is `evaluated` when its module runs (the models): type checkers read the same
    type, and pydantic reads `str` (see `OpenEnum` in the runtime's `_base`)."""

    def render(node: TypeExpr) -> str:
        if isinstance(node, Scalar):
            return node.name
        if isinstance(node, Named):
            return node.name
        if isinstance(node, EnumRef):
            open_enum = f"OpenEnum[{node.name}]" if evaluated else f"{node.name} | str"
            return f"Annotated[{open_enum}, {node.name}Aliases]" if node.aliased else open_enum
        if isinstance(node, LiteralOf):
            return "Literal[" + ", ".join(repr(value) for value in node.values) + "]"
        if isinstance(node, ListOf):
            container = "Sequence" if node.covariant else "list"
            if builtin_list and not node.covariant:
                container = "builtins.list"
            return f"{container}[{render(node.item)}]"
        if isinstance(node, MapOf):
            return f"dict[str, {render(node.value)}]"
        if isinstance(node, UnionOf):
            return " | ".join(render(option) for option in node.options)
        if isinstance(node, Optional):
            return f"{render(node.inner)} | None"
        raise TypeError(f"not a type: {node!r}")

    return render(type_)
