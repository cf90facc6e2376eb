"""Resolving pinned third-party files (spec snapshots, overlay schemas) to verified bytes.

Resolution order for one lock entry: the local cache (`spec/.cache/`), then the mirror
directory, then the official URL. Whatever the origin, the bytes must hash to the sha256 in
`spec/lock.yaml`; a mismatch is refused with the expected and actual hashes. Verified bytes are
cached so later runs need neither the mirror nor the network. This module is an I/O edge: it
reads the mirror, downloads and writes the cache, and nothing else in the pipeline does.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.errors import BadInputError, GeneratorError
from generator.load.config import LOCK_FILE, LockEntry

__all__ = [
    "CACHE_DIR",
    "SCHEMA_MIRROR_ENV",
    "SPEC_MIRROR_ENV",
    "Downloader",
    "Fetcher",
    "Resolved",
    "default_mirrors",
    "http_download",
    "sha256_hex",
]

CACHE_DIR = "spec/.cache"
SPEC_MIRROR_ENV = "INTERACTIONS_SPEC_MIRROR"
SCHEMA_MIRROR_ENV = "INTERACTIONS_SCHEMA_MIRROR"

Downloader = Callable[[str], bytes]
"""Fetches a URL and returns the body; raises `OSError` or `httpx.HTTPError` on failure."""


@dataclass(frozen=True)
class Resolved:
    """Verified bytes of one pinned file and where they were found."""

    entry: LockEntry
    data: bytes
    origin: str


def sha256_hex(data: bytes) -> str:
    """Return the lowercase hex sha256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def http_download(url: str) -> bytes:
    """Download `url` with httpx, following redirects; raise on a non-2xx status."""
    import httpx  # only a download needs it

    response = httpx.get(url, timeout=30.0, follow_redirects=True)
    response.raise_for_status()
    return response.content


def default_mirrors(root: Path) -> dict[str, Path]:
    """The mirror directory per lock-entry kind: environment override, else beside the project."""
    shared = root.parent / "shared"
    return {
        "spec": Path(os.environ.get(SPEC_MIRROR_ENV) or shared / "upstream"),
        "overlay-schema": Path(
            os.environ.get(SCHEMA_MIRROR_ENV) or shared / "conformance" / "overlay" / "schemas"
        ),
    }


class Fetcher:
    """Resolves lock entries to verified bytes from cache, mirror or official URL."""

    def __init__(
        self,
        root: Path,
        mirrors: dict[str, Path] | None = None,
        download: Downloader | None = http_download,
    ) -> None:
        self._root = root
        self._mirrors = mirrors if mirrors is not None else default_mirrors(root)
        self._download = download

    def cache_path(self, entry: LockEntry) -> Path:
        """Where the verified copy of `entry` is cached."""
        return self._root / CACHE_DIR / entry.name / Path(entry.file).name

    def mirror_candidates(self, entry: LockEntry) -> list[Path]:
        """The mirror paths searched for `entry`, in order."""
        mirror = self._mirrors.get(entry.kind)
        if mirror is None:
            return []
        if entry.kind == "spec":
            return [mirror / entry.file, mirror / "versions" / entry.file]
        return [mirror / entry.file]

    def resolve(self, entry: LockEntry) -> Resolved:
        """Return the verified bytes of `entry`, caching them on first resolution."""
        cached = self.cache_path(entry)
        if cached.is_file():
            data = cached.read_bytes()
            if sha256_hex(data) == entry.sha256:
                return Resolved(entry, data, f"cache {cached}")
        resolved = self._from_mirror(entry) or self._from_url(entry)
        self._write_cache(cached, resolved.data)
        return resolved

    def local(self, entry: LockEntry) -> Resolved | None:
        """`entry` from the cache or a mirror only (never downloaded), or None when neither has
        it: for inputs a run can do without, such as another target's spec for the report."""
        cached = self.cache_path(entry)
        if cached.is_file():
            data = cached.read_bytes()
            if sha256_hex(data) == entry.sha256:
                return Resolved(entry, data, f"cache {cached}")
        try:
            return self._from_mirror(entry)
        except GeneratorError:
            return None

    def _from_mirror(self, entry: LockEntry) -> Resolved | None:
        for candidate in self.mirror_candidates(entry):
            if candidate.is_file():
                data = candidate.read_bytes()
                _verify(entry, data, f"mirror file {candidate}")
                return Resolved(entry, data, f"mirror {candidate}")
        return None

    def _from_url(self, entry: LockEntry) -> Resolved:
        searched = ", ".join(str(path) for path in self.mirror_candidates(entry)) or "(no mirror)"
        mirror_env = SPEC_MIRROR_ENV if entry.kind == "spec" else SCHEMA_MIRROR_ENV
        if self._download is None:
            raise BadInputError(
                f"{LOCK_FILE}: snapshot {entry.name!r} ({entry.file}) is not in the cache or the "
                f"mirror (searched {searched}) and downloads are disabled. Point --mirror or "
                f"{mirror_env} at a directory that holds {entry.file}."
            )
        import httpx  # a download is about to happen

        try:
            data = self._download(entry.url)
        except (OSError, httpx.HTTPError) as error:
            raise BadInputError(
                f"{LOCK_FILE}: snapshot {entry.name!r} ({entry.file}) is not in the cache or the "
                f"mirror (searched {searched}), and downloading {entry.url} failed: {error}. "
                f"Point --mirror or {mirror_env} at a directory that holds {entry.file}, "
                f"or retry with network access."
            ) from None
        actual = sha256_hex(data)
        if actual != entry.sha256 and entry.url_serves == "latest":
            raise BadInputError(
                f"{LOCK_FILE}: snapshot {entry.name!r} cannot come from {entry.url}: that URL "
                f"always serves the newest revision, which now hashes to {actual} instead of the "
                f"pinned {entry.sha256}. This snapshot can only come from a mirror holding "
                f"{entry.file} (searched {searched}). To move to the new revision, pin it with "
                f"`interactions-codegen pin-spec` (see README, 'Refreshing the spec')."
            )
        _verify(entry, data, f"download {entry.url}")
        return Resolved(entry, data, f"download {entry.url}")

    @staticmethod
    def _write_cache(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)


def _verify(entry: LockEntry, data: bytes, origin: str) -> None:
    actual = sha256_hex(data)
    if actual != entry.sha256:
        raise BadInputError(
            f"{LOCK_FILE}: sha256 mismatch for snapshot {entry.name!r} from {origin}: expected "
            f"{entry.sha256}, actual {actual}. The file is not the pinned revision; refusing it."
        )
