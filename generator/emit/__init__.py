"""Stage 6, emit: the one writer of `generated/` (atomic swap) and the in-memory check diff."""
