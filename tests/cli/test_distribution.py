"""The generated package as a distribution: `generated/pyproject.toml` builds a wheel that
installs into a fresh virtual environment and works there; its metadata is decided in
`generator/render/distribution.py` and configured per target in `codegen.yaml`."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

from generator.errors import BadInputError
from generator.load.config import parse_targets
from generator.render.distribution import RUNTIME_DEPENDENCIES, derived_version
from tests.conftest import PROJECT_ROOT

GENERATED = PROJECT_ROOT / "generated"

_TARGET = {
    "description": "d",
    "snapshot": "v1beta-2026-10-07",
    "overlays": "overlays/current",
    "output": "generated",
    "package": "gemini_interactions",
    "api_revision": "2026-05-20",
}


def test_the_committed_pyproject_names_the_package_its_dependencies_and_extras() -> None:
    project = tomllib.loads((GENERATED / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["name"] == "gemini-interactions"
    assert project["project"]["version"].startswith("2026.10.7+g")
    assert project["project"]["dependencies"] == list(RUNTIME_DEPENDENCIES)
    assert project["project"]["optional-dependencies"] == {
        "webhooks": ["cryptography>=42"],
        "tracing": ["opentelemetry-api>=1.30"],
        "live": ["websockets>=13"],
    }
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == [
        "gemini_interactions"
    ]


def test_runtime_dependencies_match_the_generators_own_ranges() -> None:
    # one range for each library: the generated package never asks for a version of httpx or
    # pydantic that the generator itself was not tested with
    ours = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = [
        requirement.split("#")[0].strip()
        for requirement in ours["project"]["dependencies"]
        if requirement.startswith(("httpx", "pydantic"))
    ]
    assert sorted(declared) == sorted(RUNTIME_DEPENDENCIES)


def test_the_derived_version_follows_the_snapshot_date_and_the_code() -> None:
    files = {"pkg/a.py": "x = 1\n"}
    first = derived_version("v1beta-2026-10-07", files)
    assert first == derived_version("v1beta-2026-10-07", dict(files))
    assert first.startswith("2026.10.7+g")
    assert derived_version("v1beta-2026-10-07", {"pkg/a.py": "x = 2\n"}) != first
    assert derived_version("v1beta-2026-11-30", files).startswith("2026.11.30+g")
    assert derived_version("no-date", files).startswith("0.0.0+g")


def test_a_configured_name_and_version_are_checked_and_used() -> None:
    _, targets = parse_targets(
        {
            "default": "t",
            "targets": {
                "t": {**_TARGET, "distribution_name": "acme-gemini", "package_version": "1.4.0"}
            },
        }
    )
    assert targets["t"].distribution_name == "acme-gemini"
    assert targets["t"].package_version == "1.4.0"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("package_version", "1.4+local", "is not a PEP 440 public version"),
        ("package_version", "latest", "is not a PEP 440 public version"),
        ("distribution_name", "../evil", "is not a valid distribution name"),
        ("distribution_name", "name\nversion = 9", "is not a valid distribution name"),
    ],
)
def test_a_bad_name_or_version_is_refused_naming_the_target(
    key: str, value: str, message: str
) -> None:
    with pytest.raises(BadInputError, match=message) as raised:
        parse_targets({"default": "t", "targets": {"t": {**_TARGET, key: value}}})
    assert "target 't'" in str(raised.value)


_PIP = (sys.executable, "-m", "pip", "--quiet", "--disable-pip-version-check")

_SMOKE = """
import gemini_interactions as gi
from gemini_interactions.testing import FakeGemini

fake = FakeGemini()
client = fake.client()
fake.reply("hello from the wheel")
interaction = client.interactions.create(model="gemini-3.5-flash", input="hi")
assert interaction.text() == "hello from the wheel", interaction
import importlib.metadata as metadata
print(metadata.version("gemini-interactions"), gi.__name__)
"""


def test_a_wheel_built_from_generated_installs_into_a_fresh_venv_and_works(
    tmp_path: Path,
) -> None:
    source = tmp_path / "source"
    shutil.copytree(GENERATED, source)
    before = sorted(path.relative_to(source) for path in source.rglob("*"))
    wheels = tmp_path / "wheels"
    subprocess.run(
        [*_PIP, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(source)],
        check=True,
        capture_output=True,
    )
    # building leaves the folder as it was: nothing for `generate` to find that it did not write
    assert sorted(path.relative_to(source) for path in source.rglob("*")) == before
    (wheel,) = wheels.glob("gemini_interactions-2026.10.7+g*-py3-none-any.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "gemini_interactions/py.typed" in names
    assert "gemini_interactions/client.py" in names
    assert not [name for name in names if name.endswith(("OVERLAYS.md", "manifest.json"))]

    environment = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=False).create(environment)
    python = environment / "bin" / "python"
    installed = subprocess.run(
        [*_PIP, "--python", str(python), "install", str(wheel)],
        capture_output=True,
        text=True,
    )
    assert installed.returncode == 0, installed.stderr
    smoke = subprocess.run(
        [str(python), "-c", _SMOKE], capture_output=True, text=True, cwd=tmp_path
    )
    assert smoke.returncode == 0, smoke.stderr
    assert smoke.stdout.startswith("2026.10.7+g")
