"""Stage 3, normalize: the generic, mechanical rewrites that run after the overlays.

`rewrites` turns `const` into one-value enums, repairs 3.0-invalid `examples` and adds int64
examples; everything it changes is listed for the overlay report. It only makes the document
valid: union tags are the IR's decision (`ir/unions.py`, `ir/discriminators.py`).
"""
