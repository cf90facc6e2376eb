"""The last check before writing: a rendered module that binds one name twice is refused."""

from __future__ import annotations

import pytest

from generator.emit.writer import read_tree
from generator.errors import BadInputError
from generator.render.name_check import check_names
from tests.conftest import GENERATED


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        (  # a schema named like an import of types.py
            "from typing import Literal\n\nclass Literal:\n    pass\n",
            "'Literal' is bound by a definition and, on line 1, by an import from typing",
        ),
        (  # a schema named like a runtime helper the module imports
            "from .._streaming import Stream\nfrom ..types import Stream\n",
            "'Stream' is bound by an import from ..types and, on line 1, by an import from",
        ),
        (  # a property named like a builtin its later fields are annotated with
            "class A:\n    str: str | None = None\n    name: str | None = None\n",
            "class A uses 'str', which its field 'str' (line 2) rebinds",
        ),
        (  # the same in a quoted annotation
            "class A:\n    list: int = 0\n    items: 'list[int] | None' = None\n",
            "class A uses 'list', which its field 'list' (line 2) rebinds",
        ),
        (  # a tag named like a client method: the resource replaces close()
            "class Client:\n    def close(self) -> None: ...\n"
            "    @property\n    def close(self) -> int: ...\n",
            "class Client defines 'close' again (first on line 2)",
        ),
        (  # an operation named like a resource helper, with overloads after the helper
            "from typing import overload\n\nclass R:\n    def wait(self) -> None: ...\n"
            "    @overload\n    def wait(self, x: int) -> int: ...\n"
            "    def wait(self, x: object = None) -> object: ...\n",
            "class R defines 'wait' again (first on line 4)",
        ),
    ],
    ids=[
        "import-vs-class",
        "two-imports",
        "field-vs-builtin",
        "quoted",
        "method-twice",
        "helper-then-overloads",
    ],
)
def test_a_name_bound_twice_is_refused_naming_module_and_line(source: str, problem: str) -> None:
    with pytest.raises(BadInputError) as raised:
        check_names({"pkg/mod.py": source})
    assert problem in raised.value.message
    assert raised.value.message.startswith("the generated package would not work: pkg/mod.py:")
    assert "\n" not in raised.value.message


def test_overloads_setters_literals_and_defaults_are_not_collisions() -> None:
    check_names(
        {
            "pkg/mod.py": "from typing import Literal, overload\n\n"
            "class A:\n"
            '    text: str = "text"\n'
            '    kind: Literal["text"] = "text"\n'
            "    @overload\n    def f(self, x: int) -> int: ...\n"
            "    def f(self, x: object) -> object: ...\n"
            "    @property\n    def p(self) -> int: ...\n"
            "    @p.setter\n    def p(self, v: int) -> None: ...\n",
        }
    )


def test_the_committed_package_passes() -> None:
    files = read_tree(GENERATED)
    check_names({name: data.decode() for name, data in files.items() if name.endswith(".py")})
