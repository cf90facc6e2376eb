"""Stage 4, ir: the one typed intermediate model of the API, built from the normalized spec.

`spec_view` is the only reader of the raw document (`$ref`s and JSON Pointers, once);
`types` is the small tree every type travels as; `model` holds the frozen dataclasses;
`schemas` builds enums, models, unions and aliases; `operations` builds complete operations
(parameters, bodies, streams, waits, pages, uploads) in one pass; `rules` turns `x-requires`
and friends into rule data; `requests` decides the request side (which definitions a request
carries, the types a caller may pass); `extensions` is the vocabulary of the overlays' `x-` keys
and the ordered `Confidence` scale. Nothing here produces text.
"""
