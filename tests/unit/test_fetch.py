"""Resolving pinned files: cache, mirror, download, and every way the bytes can be wrong."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from generator.errors import BadInputError
from generator.load.config import LockEntry
from generator.load.fetch import Fetcher, sha256_hex

GOOD = b'{"openapi": "3.0.3"}'


def _entry(url_serves: str = "latest") -> LockEntry:
    return LockEntry(
        name="v1beta-test",
        kind="spec",
        file="test.openapi.json",
        sha256=sha256_hex(GOOD),
        url="https://example.invalid/interactions.openapi.json",
        url_serves=url_serves,
        retrieved="2026-10-07",
        note="",
    )


def _offline(url: str) -> bytes:
    raise httpx.ConnectError(f"no network for {url}")


def test_mirror_versions_folder_is_searched_and_cached(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "versions").mkdir(parents=True)
    (mirror / "versions" / "test.openapi.json").write_bytes(GOOD)
    fetcher = Fetcher(tmp_path, {"spec": mirror}, download=_offline)
    resolved = fetcher.resolve(_entry())
    assert resolved.data == GOOD and resolved.origin.startswith("mirror")
    (mirror / "versions" / "test.openapi.json").unlink()
    assert fetcher.resolve(_entry()).origin.startswith("cache")


def test_mirror_with_other_bytes_is_refused_with_both_hashes(tmp_path: Path) -> None:
    (tmp_path / "test.openapi.json").write_bytes(b"{}")
    fetcher = Fetcher(tmp_path / "project", {"spec": tmp_path}, download=_offline)
    with pytest.raises(BadInputError) as raised:
        fetcher.resolve(_entry())
    message = raised.value.message
    assert f"expected {sha256_hex(GOOD)}, actual {sha256_hex(b'{}')}" in message
    assert "sha256 mismatch for snapshot 'v1beta-test'" in message


def test_download_is_the_fallback(tmp_path: Path) -> None:
    fetcher = Fetcher(tmp_path, {"spec": tmp_path / "absent"}, download=lambda url: GOOD)
    assert fetcher.resolve(_entry()).origin.startswith("download")
    assert (tmp_path / "spec/.cache/v1beta-test/test.openapi.json").read_bytes() == GOOD


def test_missing_mirror_and_no_network(tmp_path: Path) -> None:
    fetcher = Fetcher(tmp_path, {"spec": tmp_path / "absent"}, download=_offline)
    with pytest.raises(BadInputError) as raised:
        fetcher.resolve(_entry())
    message = raised.value.message
    assert "not in the cache or the mirror" in message and "no network" in message
    assert "INTERACTIONS_SPEC_MIRROR" in message


def test_moving_url_serving_a_newer_revision_says_mirror_only(tmp_path: Path) -> None:
    fetcher = Fetcher(tmp_path, {"spec": tmp_path / "absent"}, download=lambda url: b'{"new": 1}')
    with pytest.raises(BadInputError, match="can only come from a mirror"):
        fetcher.resolve(_entry("latest"))
    with pytest.raises(BadInputError, match="sha256 mismatch"):
        fetcher.resolve(_entry("fixed"))


def test_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    cache = tmp_path / "spec/.cache/v1beta-test/test.openapi.json"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"corrupt")
    fetcher = Fetcher(tmp_path, {"spec": tmp_path / "absent"}, download=lambda url: GOOD)
    assert fetcher.resolve(_entry()).data == GOOD
    assert cache.read_bytes() == GOOD
