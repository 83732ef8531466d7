"""Lesson 05's exercise: cut windows of a series with keras.utils.timeseries_dataset_from_array."""

from __future__ import annotations

import numpy as np

from course import data
from course.lessons.exercises import PLACEHOLDER_HINT, Result, is_placeholder
from course.lessons.exercises.guard import never_raises

__all__ = ["SERIES_LENGTH", "WINDOW", "BATCH_SIZE", "check_windows"]

SERIES_LENGTH, WINDOW, BATCH_SIZE = 12, 3, 4  # the series 1..12, windows of 3, the next step as target


@never_raises
def check_windows(dataset) -> Result:
    """Grade the learner's dataset of windows of 1..12 (window 3, next-step targets, batches of 4)
    against the course's windows, which tests check against Keras's."""
    if is_placeholder(dataset):
        return Result(False, PLACEHOLDER_HINT)
    if not hasattr(dataset, "__iter__") or isinstance(dataset, (str, bytes, dict, np.ndarray)):
        return Result(
            False,
            f"That is a {type(dataset).__name__}. Make it with keras.utils.timeseries_dataset_from_array(...), "
            "which returns a dataset of (windows, targets) batches.",
        )
    batches = list(dataset)
    if not batches or not all(isinstance(batch, tuple) and len(batch) == 2 for batch in batches):
        return Result(False, "Each batch should be a pair (windows, targets). Pass the targets as the second argument.")
    X = np.concatenate([np.asarray(x) for x, _ in batches])
    y = np.concatenate([np.asarray(t) for _, t in batches])
    series = data.example_series("counting", length=SERIES_LENGTH)
    want_X, want_y = data.make_windows(series, WINDOW)
    if X.ndim == 2:
        return Result(
            False,
            f"Your windows have shape {X.shape}, with no feature axis. Reshape the series to a column first, "
            "series.reshape(-1, 1), so the windows come out as (windows, timesteps, features).",
        )
    if X.shape[1] != WINDOW:
        return Result(False, f"Your windows hold {X.shape[1]} steps; the task asks for sequence_length={WINDOW}.")
    sizes = [len(x) for x, _ in batches]
    if X.shape[0] != len(want_X):
        return Result(
            False,
            f"You made {X.shape[0]} windows; 1..{SERIES_LENGTH} with windows of {WINDOW} and a next-step target "
            f"gives {len(want_X)}. Keras stops where the inputs or the targets run out: inputs series[:-1] (the last step is only "
            f"ever a target) and targets series[{WINDOW}:] (target i is the step right after window i).",
        )
    if not np.array_equal(X, want_X):
        return Result(False, "The windows are not the consecutive runs of the series, starting at 1, 2, 3, ...")
    got_y = y.reshape(len(y), -1)
    if np.array_equal(got_y, want_X[:, -1]):
        return Result(
            False,
            "Each target is the last step of its own window (horizon 0): shift the targets by the window, "
            f"series[{WINDOW}:], so target i is the step right after window i.",
        )
    if not np.array_equal(got_y, want_y):
        return Result(
            False,
            f"The windows are right but the targets are {got_y[:, 0].astype(int).tolist()}; the step after each "
            f"window is {want_y[:, 0].astype(int).tolist()}.",
        )
    if sizes[0] != BATCH_SIZE:
        return Result(False, f"Your batches hold {sizes}; the task asks for batch_size={BATCH_SIZE}.")
    return Result(
        True,
        f"Right: {len(X)} windows of shape {X.shape[1:]} in batches of {sizes}, the last one short, "
        f"from [1, 2, 3] -> 4 to [9, 10, 11] -> 12.",
    )
