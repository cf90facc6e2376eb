"""The client core: transport, retries, SSE, errors, tolerant parsing, pagination, raw responses,
limits, request checks, rules, waiting and uploads.

Nothing here knows the Interactions API: the core imports no feature (`lib`), no test double
(`testing`) and no generated module (`types`, `rules`, `client`, `params`). Where the core needs a
feature it calls a seam the generated client fills (`_registry`).
"""
