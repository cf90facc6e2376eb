"""Fixtures for tests of the committed generated package."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from generator.load.config import load_project_config
from generator.load.fetch import Fetcher
from generator.pipeline import patch_spec, read_inputs
from tests.conftest import PROJECT_ROOT


@cache
def patched_target(target: str) -> dict[str, Any]:
    config = load_project_config(PROJECT_ROOT)
    inputs = read_inputs(config, config.target(target), Fetcher(PROJECT_ROOT, download=None))
    patched = patch_spec(inputs).patched
    assert isinstance(patched, dict)
    return patched


@pytest.fixture(scope="session")
def patched_spec() -> dict[str, Any]:
    """The current target's patched, normalized spec (what generated/ was built from)."""
    return patched_target("current")
