"""RFC 6901 JSON Pointers: building them from JSONPath node locations and resolving them."""

from __future__ import annotations

from collections.abc import Iterable

from generator.load.documents import JsonValue

__all__ = ["pointer_from_location", "resolve_pointer"]


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def pointer_from_location(location: Iterable[str | int]) -> str:
    """Turn a node location (names and indices from the root) into a JSON Pointer."""
    return "".join(f"/{_escape(str(part))}" for part in location)


def resolve_pointer(document: JsonValue, pointer: str) -> JsonValue:
    """Return the value `pointer` designates in `document`; raise `KeyError` if absent."""
    if pointer == "":
        return document
    if not pointer.startswith("/"):
        raise KeyError(pointer)
    current = document
    for raw in pointer[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(current, dict):
            current = current[token]
        elif isinstance(current, list):
            if not token.isdigit():
                raise KeyError(pointer)
            current = current[int(token)]
        else:
            raise KeyError(pointer)
    return current
