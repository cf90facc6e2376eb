"""Python source literals and docstrings for generated code, safe for any spec text."""

from __future__ import annotations

import json
import textwrap
import unicodedata

__all__ = ["LINE_LENGTH", "docstring", "py_literal", "py_string"]

LINE_LENGTH = 100


def py_literal(value: object) -> str:
    """A Python literal for a str, bool, int, float, None, or a tuple, list or string-keyed dict
    of those (lists become tuples: generated constants are immutable)."""
    if isinstance(value, tuple | list):
        inner = ", ".join(py_literal(item) for item in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return "{" + ", ".join(f"{key!r}: {py_literal(item)}" for key, item in value.items()) + "}"
    if value is None or isinstance(value, bool | int | float | str):
        return repr(value)
    raise TypeError(f"no literal for {type(value).__name__}")


def py_string(text: str, width: int = 64) -> str:
    """A string literal, split into implicitly concatenated pieces when longer than `width`."""
    if len(repr(text)) <= width:
        return repr(text)
    pieces = textwrap.wrap(
        text, width, drop_whitespace=False, break_long_words=False, break_on_hyphens=False
    )
    return "(" + " ".join(repr(piece) for piece in pieces) + ")"


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's string escapes are a subset of TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _wrap(lines: list[str], width: int) -> list[str]:
    wrapped: list[str] = []
    in_code = False
    for line in lines:
        if line.lstrip().startswith("```"):
            in_code = not in_code
        if in_code or len(line) <= width:
            wrapped.append(line)
            continue
        lead = line[: len(line) - len(line.lstrip())]
        continuation = lead + ("  " if line.lstrip()[:2] in ("- ", "* ") else "")
        wrapped.extend(
            textwrap.wrap(
                line,
                width,
                subsequent_indent=continuation,
                break_long_words=False,
                break_on_hyphens=False,
            )
            or [""]
        )
    return wrapped


def _escape_controls(text: str) -> str:
    """Control characters (a NUL, a bell, an escape…) and lone surrogates as `\\xNN`/`\\uNNNN`
    escapes, so the docstring keeps them but the source holds none: a NUL byte makes a module
    unimportable, and a surrogate cannot be written as UTF-8. Newlines and tabs stay."""
    text = text.replace("\r\n", "\n")
    return "".join(
        character
        if character in "\n\t" or unicodedata.category(character) not in ("Cc", "Cs")
        else (f"\\x{ord(character):02x}" if ord(character) < 0x100 else f"\\u{ord(character):04x}")
        for character in text
    )


def docstring(text: str, indent: str = "") -> str:
    """A triple-quoted docstring for `text`: escaped, trailing spaces removed, wrapped to width.

    Lines that cannot be broken (a long URL) are left whole, as ruff allows.
    """
    escaped = text.strip().replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    body = _escape_controls(escaped) or "No description."
    if body.endswith('"'):
        body += " "
    lines = [line.rstrip() for line in body.splitlines()]
    width = LINE_LENGTH - len(indent)
    if len(lines) == 1 and len(lines[0]) + 6 <= width:
        return f'{indent}"""{lines[0]}"""'
    first, *rest = _wrap(lines[:1], width - 3) + _wrap(lines[1:], width)
    out = [f'{indent}"""{first}']
    out.extend(f"{indent}{line}" if line else "" for line in rest)
    out.append(f'{indent}"""')
    return "\n".join(out)
