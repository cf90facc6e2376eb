"""Upload payloads: bytes, text, a path or a binary file object, with a content type guess."""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from typing import BinaryIO

__all__ = ["UploadData", "read_upload"]

UploadData = bytes | str | os.PathLike[str] | BinaryIO
"""What an upload method accepts: raw bytes, a path (str or PathLike) or an open binary file."""


def read_upload(data: UploadData, content_type: str | None, name_hint: str) -> tuple[bytes, str]:
    """The bytes to upload and their content type (given, guessed from a name, or binary)."""
    name = name_hint
    if isinstance(data, bytes):
        payload = data
    elif isinstance(data, str | os.PathLike):
        path = Path(data)
        payload = path.read_bytes()
        name = path.name
    else:
        payload = data.read()
        name = str(getattr(data, "name", name_hint))
    guessed = mimetypes.guess_type(name)[0]
    return payload, content_type or guessed or "application/octet-stream"
