"""Contract tests share the patched-spec fixture of the generated-package tests."""

from tests.generated.conftest import patched_spec  # noqa: F401
