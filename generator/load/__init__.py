"""Stage 1, load: the I/O edge that reads the project configuration and the pinned inputs.

`config` reads codegen.yaml and spec/lock.yaml; `fetch` resolves a pinned snapshot (cache,
mirror, official URL) and refuses bytes whose sha256 differs; `documents` parses YAML/JSON
into plain JSON values and writes the canonical JSON the hashes are taken over; `facts` reads
and checks the wire-facts catalogue (overlays/facts.yaml) the overlays cite.
"""
