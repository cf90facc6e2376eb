"""The Interactions features: conversations and tools, webhooks, structured output, the stream
accumulator, `Interaction` helpers, stored data and continuation.

Features may import the core (`_core`) and the generated modules (`types`, `rules`); never the
test double (`testing`).
"""
