"""The generator's error types and the exit codes the CLI maps them to.

Every failure a user can cause is a `GeneratorError` whose message is one self-contained
paragraph naming the file, the overlay action or the field at fault. The CLI prints the message
and exits with `exit_code`:

- `BadInputError` (2): an input cannot be read or is not what it claims to be — malformed YAML,
  an invalid overlay document or JSONPath, a spec whose hash does not match the lock, a snapshot
  that cannot be found, a template that fails to render.
- `BrokenOverlayError` (1): a well-formed overlay that does not apply to the spec — a target that
  selects nothing, or an update whose value cannot merge with what it targets.
- `CheckFailedError` (1): `check` found that `generated/` differs from what would be generated.
"""

from __future__ import annotations

__all__ = ["BadInputError", "BrokenOverlayError", "CheckFailedError", "GeneratorError"]


class GeneratorError(Exception):
    """Base class of every error the generator reports to its user."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInputError(GeneratorError):
    """An input file, option or template is malformed or cannot be found."""

    exit_code = 2


class BrokenOverlayError(GeneratorError):
    """A valid overlay action does not apply to the spec it is run against."""

    exit_code = 1


class CheckFailedError(GeneratorError):
    """The committed generated tree differs from a fresh render."""

    exit_code = 1
