"""Beside the pipeline, report: what the overlays did and why, and how they hold up over time.

`overlays` renders generated/OVERLAYS.md; `surface` computes what changes for a client;
`effects` names what one action changes for a client; `facts` reads the facts catalogue and
checks citations and contradictions; `review` lists what changed since the last regeneration;
`drift` tries overlays on other spec snapshots; `probe` checks rule claims against the live API
and reads its log; `bindings` compares the patched spec with Google's own Python bindings.
"""
