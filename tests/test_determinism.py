"""Output depends on the inputs' content only: not on hash seeds, not on the spec's key order."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from generator.emit.writer import read_tree
from generator.load.config import load_project_config
from generator.load.fetch import Fetcher, sha256_hex
from generator.pipeline import generate_files, read_inputs
from tests.conftest import PROJECT_ROOT


def test_separate_processes_with_different_hash_seeds_agree(tmp_path: Path) -> None:
    trees = []
    for seed in ("0", "1"):
        out = tmp_path / f"seed-{seed}"
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "generator",
                "--project",
                str(PROJECT_ROOT),
                "--offline",
                "generate",
                "--out",
                str(out),
            ],
            check=True,
            env=environment,
            capture_output=True,
        )
        trees.append(read_tree(out))
    assert trees[0] == trees[1]
    assert trees[0] == read_tree(PROJECT_ROOT / "generated"), "and both equal the committed tree"


def _reverse_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _reverse_keys(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reverse_keys(item) for item in value]
    return value


def test_reordering_the_spec_keys_changes_nothing_but_the_raw_hash() -> None:
    config = load_project_config(PROJECT_ROOT)
    inputs = read_inputs(config, config.target("current"), Fetcher(PROJECT_ROOT, download=None))
    reordered_bytes = json.dumps(_reverse_keys(json.loads(inputs.spec_bytes))).encode()
    reordered = dataclasses.replace(
        inputs,
        spec_bytes=reordered_bytes,
        spec_entry=dataclasses.replace(inputs.spec_entry, sha256=sha256_hex(reordered_bytes)),
    )
    original_files = generate_files(inputs).files
    reordered_files = generate_files(reordered).files
    manifests = [
        json.loads(files.pop("manifest.json")) for files in (original_files, reordered_files)
    ]
    assert original_files == reordered_files
    for manifest in manifests:
        del manifest["spec"]["sha256"]
    assert manifests[0] == manifests[1], "patched-spec hash is canonical, so it is unchanged"
