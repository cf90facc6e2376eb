"""Stage 3, normalize: the generic, mechanical rewrites that run after the overlays.

`rewrites` turns `const` into one-value enums, repairs 3.0-invalid `examples`, adds int64
examples and infers discriminators; everything it changes is listed for the overlay report.
"""
