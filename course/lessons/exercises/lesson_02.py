"""Lesson 02's exercise: slice out the tenth batch of 50 rows in batches of 5, the Python way."""

from __future__ import annotations

import numpy as np

from course.lessons.exercises import PLACEHOLDER_HINT, Result, is_placeholder

__all__ = ["check_tenth_batch"]


def _rows_of(part, X) -> list[int] | None:
    """The positions in ``X`` of the rows ``part`` holds, or None if some row is not one of X's."""
    rows = []
    for row in part:
        hits = np.flatnonzero(np.all(np.isclose(X, row), axis=1))
        if len(hits) == 0:
            return None
        rows.append(int(hits[0]))
    return rows


def check_tenth_batch(tenth, X, run) -> Result:
    """Grade the learner's slice of ``X`` against the tenth batch Keras really trained on in
    ``run`` (a ``training.run_epochs`` record without shuffling)."""
    if is_placeholder(tenth):
        return Result(False, PLACEHOLDER_HINT)
    expected = [int(row) for row in run.rows[0][9]]
    try:
        part = np.asarray(tenth, dtype=float)
    except (TypeError, ValueError):
        return Result(False, f"That is a {type(tenth).__name__}; slice the table instead, like X[start:stop].")
    if part.ndim == 1 and part.shape[0] == X.shape[1]:
        return Result(False, "That is one row. A batch is several rows: slice a range, X[start:stop].")
    if part.ndim != 2 or part.shape[1] != X.shape[1]:
        return Result(
            False, f"That has shape {part.shape}; a batch of rows of this table has shape (rows, {X.shape[1]})."
        )
    rows = _rows_of(part, X)
    if rows is None:
        return Result(False, "Some of those rows are not rows of X: slice X itself.")
    if rows == expected:
        return Result(
            True,
            f"Right: positions {expected[0]}-{expected[-1]} in Python's counting (X[{expected[0]}:{expected[-1] + 1}]), "
            f"rows {expected[0] + 1}-{expected[-1] + 1} counted from 1: the same {len(expected)} rows Keras trained on in iteration 10.",
        )
    if len(rows) != len(expected):
        return Result(
            False,
            f"That is {len(rows)} rows; a batch here holds {len(expected)}. X[a:b] stops before b, so it holds b - a rows.",
        )
    shift = rows[0] - expected[0]
    if rows == [r + shift for r in expected]:
        if shift == -1:
            return Result(
                False,
                f"One too early: that is rows {rows[0] + 1}-{rows[-1] + 1} counted from 1. "
                "Python counts from 0, so the row numbered 46 sits at position 45.",
            )
        size = len(expected)
        if rows[0] % size == 0:
            return Result(
                False,
                f"Those are positions {rows[0]}-{rows[-1]}: batch {rows[0] // size + 1}, not batch 10. "
                f"Batch k starts at position (k - 1) × {size}.",
            )
        return Result(False, f"Those rows straddle two batches. Batch k starts at position (k - 1) × {size}.")
    return Result(False, "Those rows are not consecutive: without shuffling, a batch is a run of neighbouring rows.")
