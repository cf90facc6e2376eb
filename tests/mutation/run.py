"""Plant named bugs in a scratch copy of the working tree and report which the tests catch.

Not part of `make test`: `make mutation` runs it (a few minutes). For each mutant it copies the
working tree to a temporary directory (beside a link to the shared material, as the real
checkout sits), applies one textual change to a runtime module or an overlay, regenerates the
package there, and runs only the test files that should notice. A mutant is caught when those
tests fail; the report names the tests that failed. A baseline run of every selected file on the
unchanged copy comes first, so a failure is the mutant's, not the copy's.

A mutant whose anchor text is no longer in its file is reported as such (the code moved on;
update the anchor), never silently skipped.

Usage: python tests/mutation/run.py [--only NAME ...] [--keep]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHARED = PROJECT_ROOT.parent / "shared"
COPIED = (
    "codegen.yaml",
    "pyproject.toml",
    "spec",
    "overlays",
    "templates",
    "runtime",
    "generated",
    "tests",
)
IGNORED = shutil.ignore_patterns("__pycache__", ".cache", ".hypothesis", ".pytest_cache")

STREAMING = "runtime/_core/_async_streaming.py"
GIVE_UP = "        if attempt >= connection.policy.max_attempts:\n"


@dataclass(frozen=True)
class Mutant:
    """One planted bug: where, what text it replaces, and the tests named after the behaviour."""

    name: str
    file: str
    anchor: str
    replacement: str
    tests: tuple[str, ...]


MUTANTS = (
    Mutant(
        "no resume after a cut",
        STREAMING,
        GIVE_UP,
        "        if True:  # mutant: straight to the status read\n",
        (
            "tests/client/test_streaming_on_fake.py",
            "tests/client/test_streaming.py",
            "tests/client/test_wire_tolerant_streams.py",
        ),
    ),
    Mutant(
        "resume removed from the clean-close path",
        STREAMING,
        GIVE_UP,
        "        if attempt >= connection.policy.max_attempts or reason == "
        '"the connection closed":\n',
        ("tests/client/test_streaming_on_fake.py", "tests/client/test_streaming.py"),
    ),
    Mutant(
        "the key also in the query",
        "runtime/_core/_client_base.py",
        "        all_headers.update(self.auth_headers())\n",
        '        all_headers.update(self.auth_headers())\n        params["key"] = self._api_key\n',
        (
            "tests/client/test_operations_wire.py",
            "tests/client/test_request_safety.py",
            "tests/contract/test_upstream_contract.py",
        ),
    ),
    Mutant(
        "a POST retried after a 500",
        "runtime/_core/_retry.py",
        "            return status in self.non_idempotent_statuses\n",
        "            return status in self.non_idempotent_statuses or status >= 500\n",
        (
            "tests/client/test_request_safety.py",
            "tests/client/test_errors_and_retries.py",
            "tests/client/test_errors_on_fake.py",
        ),
    ),
    Mutant(
        "to_dict() turning ints into floats",
        "runtime/_core/_base.py",
        '        return self.model_dump(mode="json", by_alias=True, exclude_unset=True, '
        "warnings=False)\n",
        "        import json as _json\n\n"
        '        dumped = self.model_dump(mode="json", by_alias=True, exclude_unset=True, '
        "warnings=False)\n"
        "        return _json.loads(_json.dumps(dumped), parse_int=float)\n",
        (
            "tests/generated/test_models.py",
            "tests/generated/test_roundtrip.py",
            "tests/client/test_wire_tolerant_bodies.py",
        ),
    ),
    Mutant(
        "a webhook check that accepts anything",
        "runtime/lib/webhooks.py",
        "    if not isinstance(payload, bytes | bytearray):\n"
        '        raise WebhookVerificationError("verify the raw request body (bytes), not parsed '
        'JSON")\n',
        "    return  # mutant: every delivery passes\n",
        ("tests/client/test_webhooks.py",),
    ),
    Mutant(
        "a 400 taken for success",
        "runtime/_core/_async_transport.py",
        "                if response.is_success:\n",
        "                if response.is_success or response.status_code == 400:\n",
        (
            "tests/client/test_errors_on_fake.py",
            "tests/client/test_errors_and_retries.py",
        ),
    ),
    Mutant(
        "an overlay mistake in a method's path",
        "overlays/current/55-bindings-shapes.yaml",
        "      /{api_version}/interactions/{interactionsId}/auth_tokens/{auth_tokensId}:\n",
        "      /{api_version}/interactions/{interactionsId}/auth_token/{auth_tokensId}:\n",
        ("tests/client/test_operations_wire.py", "tests/contract/test_upstream_contract.py"),
    ),
)


def _scratch(base: Path) -> Path:
    """A copy of the working tree at `<base>/work/project`, with `<base>/work/shared` linked."""
    project = base / "work" / "project"
    project.mkdir(parents=True)
    if SHARED.is_dir():
        (base / "work" / "shared").symlink_to(SHARED)
    for name in COPIED:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=IGNORED)
        else:
            shutil.copy2(source, project / name)
    return project


def _environment(project: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join([str(project), str(project / "generated")])
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    return environment


def _run(project: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=project,
        env=_environment(project),
        capture_output=True,
        text=True,
        check=False,
    )


def _pytest(project: Path, files: tuple[str, ...]) -> tuple[bool, list[str]]:
    """Run `files` in the copy: (passed, the ids of the tests that failed)."""
    result = _run(project, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rf", *files)
    failed = sorted(set(re.findall(r"^FAILED (\S+)", result.stdout, re.M)))
    if result.returncode not in (0, 1):  # collection error, usage error, interrupted
        failed.append(f"(pytest exit {result.returncode}: {result.stdout[-300:]!r})")
    return result.returncode == 0, failed


def _grouped(failed: list[str]) -> dict[str, int]:
    """Failed test ids by test function, with how many parametrized cases failed."""
    counts: dict[str, int] = {}
    for test in failed:
        name = test.split("[", 1)[0]
        counts[name] = counts.get(name, 0) + 1
    return counts


def _mutate(project: Path, mutant: Mutant) -> str | None:
    """Apply the mutant and regenerate the package; an error text when that is impossible."""
    path = project / mutant.file
    text = path.read_text(encoding="utf-8")
    if text.count(mutant.anchor) != 1:
        return f"anchor found {text.count(mutant.anchor)} times in {mutant.file}: update the mutant"
    path.write_text(text.replace(mutant.anchor, mutant.replacement), encoding="utf-8")
    generated = _run(project, "-m", "generator", "generate")
    if generated.returncode != 0:
        return f"generate failed: {(generated.stderr or generated.stdout)[-400:]}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--only", action="append", help="run only the mutants named so")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copies")
    options = parser.parse_args(argv)
    chosen = [m for m in MUTANTS if not options.only or m.name in options.only]
    if not chosen:
        parser.error(f"no mutant is named so; the mutants: {[m.name for m in MUTANTS]}")
    root = Path(tempfile.mkdtemp(prefix="mutation-"))
    try:
        baseline = _scratch(root / "baseline")
        files = tuple(sorted({test for mutant in chosen for test in mutant.tests}))
        passed, failed = _pytest(baseline, files)
        if not passed:
            print(f"baseline fails before any mutation: {failed}")
            return 2
        print(f"baseline: {len(files)} test file(s) pass on the unchanged copy")
        escaped = 0
        for index, mutant in enumerate(chosen):
            started = time.monotonic()
            project = _scratch(root / f"mutant-{index}")
            problem = _mutate(project, mutant)
            if problem is not None:
                print(f"NOT RUN  {mutant.name}: {problem}")
                escaped += 1
                continue
            passed, failed = _pytest(project, mutant.tests)
            seconds = time.monotonic() - started
            if passed:
                escaped += 1
                print(f"MISSED   {mutant.name} ({seconds:.0f} s): every selected test passed")
            else:
                print(f"CAUGHT   {mutant.name} ({seconds:.0f} s) by {len(failed)} test(s):")
                for test, cases in _grouped(failed).items():
                    print(f"           {test}" + (f" ({cases} cases)" if cases > 1 else ""))
            if not options.keep:
                shutil.rmtree(project, ignore_errors=True)
        print(f"{len(chosen) - escaped} of {len(chosen)} mutants caught")
        return 1 if escaped else 0
    finally:
        if options.keep:
            print(f"scratch copies kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
