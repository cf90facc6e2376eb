# Copied from runtime/_core/_uploads.py by interactions-codegen; edit it there.
"""Upload payloads: bytes, a path or a binary file object, with a content type guess.

A plain `str` is refused: it could be the file's text or a path, and reading a path that came
from elsewhere (a web form, a model's answer) would upload a local file. A path is given as a
`pathlib.Path` (any `os.PathLike`), text as bytes (`text.encode()`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from ._errors import RequestValidationError

__all__ = ["UploadData", "read_upload"]

UploadData = bytes | os.PathLike[str] | BinaryIO
"""What an upload method accepts: raw bytes, a path (`pathlib.Path`) or an open binary file."""


def read_upload(data: UploadData, content_type: str | None, name_hint: str) -> tuple[bytes, str]:
    """The bytes to upload and their content type (given, guessed from a name, or binary)."""
    name = name_hint
    if isinstance(data, bytes | bytearray | memoryview):
        payload = bytes(data)
    elif isinstance(data, str):
        raise RequestValidationError(
            "data is a str, which is not uploaded: pass a file path as pathlib.Path(...) (a str "
            "is never read as a path, it may not come from you) or text as bytes (text.encode())",
            path="data",
        )
    elif isinstance(data, os.PathLike):
        path = Path(data)
        payload = path.read_bytes()
        name = path.name
    else:
        payload = data.read()
        name = str(getattr(data, "name", name_hint))
    import mimetypes  # loads with the first upload, not with the package

    guessed = mimetypes.guess_type(name)[0]
    return payload, content_type or guessed or "application/octet-stream"
