"""Beside the pipeline, audit: checks of the overlays against things outside the pinned inputs.

Nothing here is part of `make generate`; each module backs one command. `drift` tries a
target's overlays on other spec snapshots and diffs published revisions (`drift`, `spec-diff`);
`probe` checks the overlays' claims against the live API and reads and writes its log
(`probe`; the report shows the logged results); `bindings` compares a target's patched spec
with Google's own Python bindings and `bindings_snapshot` records their surface for CI
(`bindings-diff`).
"""
