"""Environment conventions a program meets without code changes: `GOOGLE_GEMINI_BASE_URL` points
a client the program builds itself at another server (here the fake, over 127.0.0.1), and
`GEMINI_LOG` prints each record once, whether or not the application configured logging."""

from __future__ import annotations

import os
import subprocess
import sys

from gemini_interactions.testing import FakeGemini

from tests.conftest import GENERATED

USER_PROGRAM = """
import gemini_interactions as gi

client = gi.Client()  # what the program always did: no base_url in the code
print(client.interactions.create(model="gemini-3.7-flash", input="hi").text())
"""


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("GEMINI_")}
    clean.pop("GOOGLE_GEMINI_BASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=GENERATED,
        env={**clean, "GEMINI_API_KEY": "env-key-123", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_google_gemini_base_url_points_a_self_built_client_at_the_fake() -> None:
    fake = FakeGemini().reply("Hello from the fake.")
    with fake.serve() as base_url:
        result = _run(USER_PROGRAM, GOOGLE_GEMINI_BASE_URL=base_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Hello from the fake.\n"
    assert [request.operation for request in fake.requests] == ["interactions.create"]


def test_an_explicit_base_url_wins_over_the_environment() -> None:
    fake = FakeGemini().reply("explicit")
    with fake.serve() as base_url:
        code = USER_PROGRAM.replace("gi.Client()", f"gi.Client(base_url={base_url!r})")
        result = _run(code, GOOGLE_GEMINI_BASE_URL="http://127.0.0.1:9/unused")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "explicit\n"


def test_gemini_log_prints_each_record_once_in_an_app_that_configured_logging() -> None:
    fake = FakeGemini().reply("ok")
    configured = "import logging\nlogging.basicConfig(level=logging.WARNING)\n" + USER_PROGRAM
    with fake.serve() as base_url:
        app = _run(configured, GOOGLE_GEMINI_BASE_URL=base_url, GEMINI_LOG="debug")
        bare = _run(USER_PROGRAM, GOOGLE_GEMINI_BASE_URL=base_url, GEMINI_LOG="debug")
    for result in (app, bare):
        assert result.returncode == 0, result.stderr
        requests = [line for line in result.stderr.splitlines() if "POST http://127.0.0.1" in line]
        assert len(requests) == 1, result.stderr
        assert "env-key-123" not in result.stderr
    assert "DEBUG:gemini_interactions:" in app.stderr, "the application's own format prints it"
