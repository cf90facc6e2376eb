"""Beside the pipeline, report: the documents `make generate` writes about the client it made.

`overlays` renders generated/OVERLAYS.md (what the overlays did and why); `fake_fidelity`
renders generated/FAKE.md (what the fake API enforces); `surface` computes what changes for a
client; `effects` names what one action changes for a client; `review` lists what changed since
the last regeneration. The facts catalogue is an input (`load.facts`); drift, probes and the
bindings comparison are audits (`audit/`).
"""
