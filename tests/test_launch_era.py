"""The launch target proves the seed's nine findings in the behaviour of its generated client."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from generator.emit.writer import write_tree
from generator.load.config import load_project_config
from generator.load.fetch import Fetcher
from generator.pipeline import generate_files, read_inputs
from tests.conftest import PROJECT_ROOT


def test_the_launch_client_shows_s1_to_s9(tmp_path: Path) -> None:
    config = load_project_config(PROJECT_ROOT)
    inputs = read_inputs(config, config.target("launch"), Fetcher(PROJECT_ROOT, download=None))
    out = tmp_path / "launch"
    write_tree(out, generate_files(inputs).files)
    environment = {**os.environ, "PYTHONPATH": str(out)}
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "tests" / "launch_era" / "checks.py")],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [word for fact in range(1, 10) for word in (f"S{fact}", "ok")]
