"""Lesson 04's exercise: give a 2-D table the timestep axis that makes each row one timestep."""

from __future__ import annotations

import numpy as np

from course import models
from course.lessons.exercises import PLACEHOLDER_HINT, Result, is_placeholder

__all__ = ["check_one_timestep"]


def check_one_timestep(x, table) -> Result:
    """Is ``x`` the ``(rows, columns)`` ``table`` as ``(rows, 1, columns)``, every row one timestep of
    ``columns`` features, in the same order? The shape is graded by an LSTM built on
    ``keras.Input(shape=(1, columns))``, which must take it."""
    if is_placeholder(x):
        return Result(False, PLACEHOLDER_HINT)
    try:
        x = np.asarray(x, dtype="float32")
    except (TypeError, ValueError):
        return Result(False, f"That is a {type(x).__name__}; reshape the table instead, so the answer is an array.")
    rows, columns = table.shape
    want = (rows, 1, columns)
    if x.shape == (rows, columns, 1):
        return Result(
            False,
            f"{x.shape} makes each column a timestep: {columns} steps of 1 value. You want 1 step "
            f"of {columns} values: the new axis of size 1 goes in the middle, axis=1.",
        )
    if x.shape == (1, rows, columns):
        return Result(
            False,
            f"{x.shape} is one sample of {rows} timesteps: the whole table as a single sequence. "
            "The rows should stay samples: add the axis after the first one, axis=1.",
        )
    if x.ndim != 3:
        return Result(
            False,
            f"That has {x.ndim} axes, shape {x.shape}. A recurrent layer wants 3: (samples, timesteps, features).",
        )
    if x.shape != want:
        return Result(
            False, f"The shape is {x.shape}; it should be {want}: {rows} samples, 1 timestep, {columns} features."
        )
    if not np.array_equal(x.reshape(rows, columns), table.astype("float32")):
        return Result(
            False,
            f"The shape is right, but the values moved: a transpose reorders them. "
            f"reshape({rows}, 1, {columns}) or np.expand_dims(table, axis=1) keeps every value in its place.",
        )
    model = models.build(models.ModelSpec(layer="LSTM", features=columns, units=4, timesteps=1))
    model(x)  # the model built on keras.Input(shape=(1, columns)) takes it
    out = tuple(model.get_layer("hidden_1")(x).shape)
    return Result(
        True,
        f"Right: {want}. An LSTM(4) built on keras.Input(shape=(1, {columns})) reads it and hands back "
        f"{out}, one hidden state per sample: each of the {rows} rows is one timestep of {columns} features.",
    )
