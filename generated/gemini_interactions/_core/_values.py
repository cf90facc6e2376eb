# Copied from runtime/_core/_values.py by interactions-codegen; edit it there.
"""`Value`: the base of the runtime's small internal value classes (a call, a rule, a deadline).

They are plain classes with `__slots__` and an `__init__` written out, not dataclasses: building
a dataclass compiles its generated methods from source text, about 0.4 ms a class, and twelve of
them sat on every cold start (the public option classes, `RetryPolicy`, `RequestOptions`, ...,
stay dataclasses: users may `dataclasses.replace` them). A `Value` is shown and compared by its
public slots; slots named with a leading underscore are derived and left out of both.
"""

from __future__ import annotations

__all__ = ["Value"]


class Value:
    """Shown as `Name(field=value, ...)` and equal to a value of its class with equal fields."""

    __slots__ = ()

    def _fields(self) -> tuple[str, ...]:
        slots: tuple[str, ...] = type(self).__slots__
        return tuple(name for name in slots if not name.startswith("_"))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields())
        return f"{type(self).__name__}({shown})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._fields())

    __hash__ = None  # type: ignore[assignment]  # equal by fields, some of them mutable
