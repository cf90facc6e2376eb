# Copied from runtime/pytest_plugin.py by interactions-codegen; edit it there.
"""A pytest fixture for the fake API: `gemini_fake`.

Enable it in a `conftest.py` with `pytest_plugins = ["gemini_interactions.pytest_plugin"]`, then:

    def test_greets(gemini_fake):
        gemini_fake.reply("Hello!")
        answer = gemini_fake.client().interactions.create(model="gemini-3.7-flash", input="hi")
        assert answer.text() == "Hello!"
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .testing import FakeGemini

__all__ = ["gemini_fake"]


@pytest.fixture
def gemini_fake() -> Iterator[FakeGemini]:
    """A fresh `FakeGemini` for one test."""
    yield FakeGemini()
