# interactions-codegen — every task a developer or CI runs.
# `make generate` and `make test` set up .venv themselves; nothing else needs installing by hand.

PYTHON_BOOTSTRAP ?= python3
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CODEGEN := $(PYTHON) -m generator

.PHONY: help venv generate check test pytest lint typecheck fmt golden apply fetch-spec clean \
	report drift probe bench bindings-diff prism contract mutation

help:  ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

$(STAMP): pyproject.toml
	@$(PYTHON_BOOTSTRAP) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "error: Python 3.11 or newer is needed as $(PYTHON_BOOTSTRAP)"; exit 2; }
	$(PYTHON_BOOTSTRAP) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)  ## Create .venv and install the project with its dev tools.

generate: $(STAMP)  ## Fetch and verify the pinned spec, apply overlays, write generated/.
	$(CODEGEN) generate

check: $(STAMP)  ## Fail with a diff if generated/ is not what the inputs generate.
	$(CODEGEN) check

fetch-spec: $(STAMP)  ## Resolve and verify every pinned snapshot (mirror, then official URL).
	$(CODEGEN) fetch-spec

apply: $(STAMP)  ## Write the patched spec of the current target to build/patched.openapi.json.
	@mkdir -p build
	$(CODEGEN) apply --out build/patched.openapi.json

report: $(STAMP)  ## Regenerate generated/ (the overlay report lives in generated/OVERLAYS.md).
	$(CODEGEN) generate
	@echo "see generated/OVERLAYS.md"

drift: $(STAMP)  ## Try both targets' overlays on every spec snapshot and print the table.
	$(CODEGEN) drift --target current --target launch --spec-dir ../shared/upstream/versions --no-fail

probe: $(STAMP)  ## Check the overlays' x-probe claims against the real API (needs GEMINI_API_KEY).
	$(CODEGEN) probe

bench: $(STAMP)  ## Benchmarks beside google-genai 3.3.0 (prints a table; build/bench.json).
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(PYTHON) tests/benchmarks/bench.py

# google-genai release whose bindings `make bindings-diff` reads; its own venv under build/, so
# the bench's pinned 3.3.0 stays as it is (`make bindings-diff BINDINGS=3.3.0` reads that one).
BINDINGS ?= 3.6.1
BINDINGS_VENV := build/bindings-$(BINDINGS)

# It also records the bindings' surface (names, fields, enum values) in spec/bindings-surface.json,
# which `make test` compares against without installing google-genai.
bindings-diff: $(STAMP)  ## Compare with google-genai $(BINDINGS)'s bindings; record their surface.
	@test -x $(BINDINGS_VENV)/bin/python || $(PYTHON_BOOTSTRAP) -m venv $(BINDINGS_VENV)
	$(BINDINGS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		-e . 'google-genai==$(BINDINGS)'
	$(BINDINGS_VENV)/bin/python -m generator bindings-diff --write-snapshot

lint: $(STAMP)  ## ruff lint and format check over everything, generated code included.
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check --quiet .

typecheck: $(STAMP)  ## mypy --strict over the generator, the tests and the generated package.
	$(PYTHON) -m mypy
	cd generated && ../$(PYTHON) -m mypy --strict --cache-dir=/dev/null -p gemini_interactions

PRISM_VERSION := 5.14.2
node_modules/.bin/prism:
	@command -v npm >/dev/null || { echo "error: npm is needed for Prism: apt-get install nodejs npm"; exit 2; }
	npm install --no-audit --no-fund --no-save --no-package-lock --silent @stoplight/prism-cli@$(PRISM_VERSION)

prism: node_modules/.bin/prism  ## Install the Prism mock server (npm) into ./node_modules.

contract: $(STAMP) prism  ## Independent checks: Prism, openapi-spec-validator, the model oracle.
	$(PYTHON) -m pytest -q tests/contract tests/generated/test_oracle.py tests/test_facts_and_overlays.py

pytest: $(STAMP) prism  ## The test suite (unit, conformance, golden, CLI, determinism).
	$(PYTHON) -m pytest -q

test: lint typecheck pytest check  ## Everything CI runs.

fmt: $(STAMP)  ## Fix formatting and import order; fails on what ruff cannot fix by itself.
	$(PYTHON) -m ruff format --quiet .
	$(PYTHON) -m ruff check --fix .

golden: $(STAMP)  ## Show, then write, what the current generator changes in tests/cases/.
	$(PYTHON) -m pytest -q tests/test_golden_cases.py --update-golden

mutation: $(STAMP)  ## Plant named bugs in a scratch copy and report which the tests catch.
	$(PYTHON) tests/mutation/run.py

clean:  ## Remove the venv, caches and build output (never generated/).
	rm -rf $(VENV) build spec/.cache .mypy_cache .pytest_cache .ruff_cache .hypothesis
