"""`ParsedInteraction[T]`: the interaction a `create(..., response_format=T)` returns.

It is an `Interaction` in every respect (same fields, same wire JSON, `isinstance` holds) whose
`.parsed` a type checker knows as `T`. The generated `interactions.create` overloads name it;
at run time `_structured.attach` gives the answer this class when a type was asked for. The
module imports the models, so it loads only with the first structured answer (or a checker).
"""

from __future__ import annotations

import sys
from typing import Generic, TypeVar, cast

from ..types import Interaction

__all__ = ["ParsedInteraction"]

_T = TypeVar("_T")


class ParsedInteraction(Interaction, Generic[_T]):
    """An `Interaction` whose answer was asked for as a type: `.parsed` is that type's value."""

    @property
    def parsed(self) -> _T:
        """The answer's text validated as the `response_format` type; `StructuredOutputError`
        (naming the fields that failed, with the raw `.text`) when it is not a valid value."""
        from ._structured import parse_text

        return cast("_T", parse_text(self, self.text()))


# the annotations it inherits name the models of `Interaction`'s own module
ParsedInteraction.model_rebuild(_types_namespace=vars(sys.modules[Interaction.__module__]))
