"""Lesson 03's exercise: choose the batch size that makes a given number of updates per epoch."""

from __future__ import annotations

import numbers

from course import shapes
from course.lessons.exercises import PLACEHOLDER_HINT, Result, is_placeholder

__all__ = ["WANTED_UPDATES", "batch_sizes_for", "check_batch_for_updates"]

WANTED_UPDATES = 8


def batch_sizes_for(n_rows: int, updates: int) -> list[int]:
    """Every batch size that cuts ``n_rows`` into exactly ``updates`` batches (empty if none)."""
    return [b for b in range(1, n_rows + 1) if shapes.iterations_per_epoch(n_rows, b) == updates]


def check_batch_for_updates(batch_size, X_train, y_train, updates: int = WANTED_UPDATES) -> Result:
    """Train one epoch at the learner's ``batch_size`` and count the updates Keras made."""
    from course import training

    if is_placeholder(batch_size):
        return Result(False, PLACEHOLDER_HINT)
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
        return Result(False, f"A batch size is a whole number of rows, not {batch_size!r}.")
    rows = len(X_train)
    if not 1 <= batch_size <= rows:
        return Result(False, f"A batch holds between 1 and {rows} rows (all of them); {batch_size} is outside.")
    made = training.run_epochs(X_train, y_train, batch_size=int(batch_size), epochs=1).batches_run[0]
    fits = batch_sizes_for(rows, updates)
    if made == updates:
        return Result(
            True,
            f"Right: Keras made {made} updates in one epoch at batch {batch_size}. "
            f"Every batch size from {fits[0]} to {fits[-1]} does the same.",
        )
    hint = "smaller" if made < updates else "larger"
    return Result(
        False,
        f"Keras made {made} updates in one epoch at batch {batch_size}, not {updates}: try a {hint} batch. "
        f"Updates per epoch are {rows} rows ÷ batch size, rounded up.",
    )
