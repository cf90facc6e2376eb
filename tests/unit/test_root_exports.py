"""The package root's exports come from the runtime: `runtime/_exports.py` picks modules, and
each module's own `__all__` decides which names exist."""

from __future__ import annotations

import pytest

from generator.errors import BadInputError
from generator.render.exports import EXPORTS_FILE, root_exports
from tests.conftest import GENERATED, PROJECT_ROOT

FILES = {
    "pkg/_core/_errors.py": '__all__ = ["GeminiError", "status_error"]\n',
    "pkg/lib/_parsed.py": '__all__ = ("ParsedInteraction",)\n',
    "pkg/client.py": "__all__ = ['Client']\n",
}


def _exports(eager: str, lazy: str = "()") -> str:
    return f"EAGER: tuple[object, ...] = {eager}\nLAZY = {lazy}\n"


def test_a_module_named_without_names_exports_its_whole_all() -> None:
    exports = root_exports(
        _exports('(("_core._errors", None), ("client", ("Client",)))', '(("lib._parsed", None),)'),
        FILES,
        "pkg",
    )
    assert exports.eager == (
        ("._core._errors", ("GeminiError", "status_error")),
        (".client", ("Client",)),
    )
    assert exports.lazy == ((".lib._parsed", ("ParsedInteraction",)),)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (_exports('(("_core._errors", ("Nope",)),)'), "`_core._errors` does not list 'Nope'"),
        (_exports('(("lib._gone", None),)'), "names module `lib._gone`, which the package"),
        (_exports('(("client", None),)', '(("client", None),)'), "'Client' is exported twice"),
        (_exports('(("client",),)'), r"is not a \(module, names or None\) pair"),
        ("LAZY = ()\n", "EAGER is not defined"),
        (None, "missing"),
    ],
)
def test_a_bad_export_list_is_refused_naming_the_file(source: str | None, message: str) -> None:
    with pytest.raises(BadInputError, match=message) as raised:
        root_exports(source, FILES, "pkg")
    assert raised.value.message.startswith(EXPORTS_FILE)


def test_the_generated_root_serves_what_the_runtime_lists() -> None:
    import importlib

    import gemini_interactions

    files = {
        path.relative_to(GENERATED).as_posix(): path.read_text(encoding="utf-8")
        for path in (GENERATED / "gemini_interactions").rglob("*.py")
    }
    source = (PROJECT_ROOT / EXPORTS_FILE).read_text(encoding="utf-8")
    exports = root_exports(source, files, "gemini_interactions")
    assert "GeminiError" in exports.names() and "Conversation" in exports.names()
    for module, names in (*exports.eager, *exports.lazy):
        home = importlib.import_module("gemini_interactions" + module)
        for name in names:
            assert name in gemini_interactions.__all__, name
            assert getattr(gemini_interactions, name) is getattr(home, name), name
